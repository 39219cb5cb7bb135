"""Building blocks the service modules share: per-item describes, per-item and batch tag reads.

Results are always keyed by the item's identifier, never by position in a list.
"""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import jmespath
from botocore.exceptions import ClientError

from port_aws.catalog.model import Fetch, Item, SliceContext
from port_aws.items import tag_list

NOT_FOUND = frozenset(
    {
        "ResourceNotFoundException",
        "NotFoundException",
        "ClusterNotFoundException",
        "AWS.SimpleQueueService.NonExistentQueue",
        "QueueDoesNotExist",
        "NotFound",
        "NoSuchEntity",
    }
)
"""Codes meaning the item was deleted between listing and describing it."""


async def describe_each[E](
    sc: SliceContext, entries: list[E], describe: Callable[[E], Awaitable[Item | None]]
) -> list[Item]:
    """Describe listed entries one by one (AWS has no batch form), bounded by the slice's limiter.

    An entry gone in between is dropped; any other error fails the slice (so Ocean keeps what
    it could not confirm).
    """

    async def one(entry: E) -> Item | None:
        try:
            return await describe(entry)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in NOT_FOUND:
                return None
            raise

    found = await asyncio.gather(*(one(entry) for entry in entries))
    return [item for item in found if item is not None]


def per_item(
    service: str,
    operation: str,
    *,
    key: str,
    param: str,
    answer: str,
    prop: str,
    convert: Callable[[Any], Any] | None = None,
    source: str | None = None,
    **params: Any,
) -> Fetch:
    """One call per item: ``operation(param=item[source or key], **params)``; ``answer``
    (JMESPath) of the reply becomes ``prop`` of that item, returned under its ``key`` (the
    kind's ``id``)."""

    async def fetch(sc: SliceContext, items: list[Item]) -> dict[str, Item]:
        async def one(item: Item) -> Any:
            reply = await sc.call(service, operation, **{param: item[source or key]}, **params)
            value = jmespath.search(answer, reply)
            return convert(value) if convert is not None else value

        found = await sc.each(items, one)
        return {
            str(item[key]): {prop: value}
            for item, value in zip(items, found, strict=True)
            if value is not None
        }

    return fetch


def per_item_tags(
    service: str,
    operation: str,
    *,
    key: str,
    param: str,
    answer: str = "Tags",
    native: bool = False,
    **params: Any,
) -> Fetch:
    """Tags read one item at a time, as ``[{"Key", "Value"}]``, or ``native``: as the API
    answers them (a ``{key: value}`` map for Lambda and SQS, which Port's aws-v3 items kept)."""
    return per_item(
        service,
        operation,
        key=key,
        param=param,
        answer=f"{answer} || `{{}}`" if native else f"{answer} || `[]`",
        prop="Tags",
        convert=None if native else tag_list,
        **params,
    )


def tags_of(prop: str = "Tags", native: Any = None) -> Callable[[Item, SliceContext], Item]:
    """A ``shape`` turning the item's own tags (``prop``) into ``Tags`` as ``[{"Key", "Value"}]``.

    With ``native`` (the empty value, ``[]`` or ``{}``) the API's own shape is kept instead, as
    Port's aws-v3 items did for ECS (``key``/``value``), EKS and MSK (a map).
    """

    def shape(item: Item, _: SliceContext) -> Item:
        tags = item.pop(prop, None)
        item["Tags"] = (tags or native) if native is not None else tag_list(tags)
        return item

    return shape
