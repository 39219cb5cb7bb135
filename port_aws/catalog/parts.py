"""The parts kind declarations are built from: per-item describes, per-item and batch tag reads.

Results are always keyed by the item's identifier, never by position in a list.
"""

import json
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import datetime
from typing import Any

import jmespath
from botocore.exceptions import ClientError

from port_aws.aws.bounds import PageGuard, each_at_once
from port_aws.aws.errors import is_not_found
from port_aws.catalog.model import (
    Enrichment,
    Fetch,
    Gone,
    Item,
    ReadOne,
    SliceContext,
    operation_action,
)
from port_aws.resync.items import tag_list


async def describe_each[E](
    sc: SliceContext, entries: list[E], describe: Callable[[E], Awaitable[Item | None]]
) -> list[Item]:
    """Describe listed entries one by one (AWS has no batch form): see ``each_listed``; entries
    gone in between are dropped."""
    return [item for item in await each_listed(entries, describe) if item is not None]


def each_item(key: str, fields: Callable[[SliceContext, Item], Awaitable[Item | None]]) -> Fetch:
    """An enrichment read one item at a time (AWS has no batch form): ``fields`` gives the
    properties to merge into one item (None: nothing to add), returned under its ``key`` (the
    kind's ``id``). An item found deleted meanwhile is returned as None and dropped; any other
    failure fails the slice (``each_listed``)."""

    async def one(sc: SliceContext, item: Item) -> Item:
        return await fields(sc, item) or {}

    async def fetch(sc: SliceContext, items: list[Item]) -> dict[str, Item | None]:
        found = await each_listed(items, lambda item: one(sc, item))
        return {str(i[key]): f for i, f in zip(items, found, strict=True)}

    return fetch


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

    async def fields(sc: SliceContext, item: Item) -> Item | None:
        reply = await sc.call(service, operation, **{param: item[source or key]}, **params)
        value = jmespath.search(answer, reply)
        if value is None:
            return None
        return {prop: convert(value) if convert is not None else value}

    return each_item(key, fields)


def per_item_tags(
    service: str,
    operation: str,
    *,
    key: str,
    param: str,
    answer: str = "Tags",
    native: Any = None,
    **params: Any,
) -> Fetch:
    """Tags read one item at a time, as ``[{"Key", "Value"}]``, or ``native``: as the API
    answers them, ``native`` being its empty value (Lambda and SQS answer a ``{key: value}`` map,
    CodePipeline ``[{"key", "value"}]``; Port's aws-v3 items kept those shapes)."""
    return per_item(
        service,
        operation,
        key=key,
        param=param,
        answer=f"{answer} || `{json.dumps(native if native is not None else [])}`",
        prop="Tags",
        convert=None if native is not None else tag_list,
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


async def each_listed[E, T](
    items: list[E], fetch: Callable[[E], Awaitable[T | None]]
) -> list[T | None]:
    """Per-item calls where AWS has no batch form: of the listing itself (children, details of
    listed items) or of an enrichment (``each_item``). A failure fails the slice, so Ocean keeps
    entities it could not confirm instead of deleting them; an item deleted meanwhile gives
    None. Each call is bounded by the slice's service limiter inside ``SliceContext.call``.
    """

    async def one(item: E) -> T | None:
        try:
            return await fetch(item)
        except ClientError as error:
            if is_not_found(error):
                return None
            raise

    return await each_at_once(items, one)


async def token_pages(
    sc: SliceContext,
    service: str,
    operation: str,
    token: str = "NextToken",
    out_token: str | None = None,
    **params: Any,
) -> AsyncIterator[dict[str, Any]]:
    """Pages of a list call botocore has no paginator for: the token is followed to the end,
    under the same guard as paginators (a token seen before, or too many pages, fail the slice)."""
    out_token = out_token or token
    guard = PageGuard(operation_action(service, operation), sc.max_pages)
    while True:
        answer = await sc.call(service, operation, **params)
        following = answer.get(out_token)
        guard.next_token(following)
        yield answer
        if not following:
            return
        params[token] = following


def chunks(values: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def without_metadata(answer: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in answer.items() if k != "ResponseMetadata"}


def is_recent(value: Any, since: datetime) -> bool:
    """True when a timestamp from an answer is at or after ``since`` (unknown counts as recent)."""
    if not isinstance(value, datetime):
        return True
    moment = value if value.tzinfo else value.replace(tzinfo=since.tzinfo)
    return moment >= since


def normalise_tags(item: Item, _: SliceContext) -> Item:
    """Shape hook: Tags as ``[{"Key", "Value"}]`` whatever the API answered with."""
    if "Tags" in item:
        item["Tags"] = tag_list(item["Tags"])
    return item


TAGGING_ARNS_PER_CALL = 100
"""Resource Groups Tagging API: GetResources takes at most 100 ARNs per call."""


def tagged(key: str, native: Any = None, *, prop: str = "Tags", lower: bool = False) -> Enrichment:
    """Tags of a page of items in one call per 100 items (Resource Groups Tagging API), matched
    by ``Arn``, returned under the kind's ``key``. Items the API does not return have no tags.

    As ``[{"Key", "Value"}]`` in ``prop``; ``native={}`` gives a ``{key: value}`` map (Lambda and
    SQS answer tags that way) and ``lower`` gives ``[{"key", "value"}]`` (CodePipeline's own
    shape): Port's aws-v3 items kept each service's shape."""

    def shape(tags: list[dict[str, str]]) -> Any:
        if native is not None:
            return {t["Key"]: t["Value"] for t in tags}
        if lower:
            return [{"key": t["Key"], "value": t["Value"]} for t in tags]
        return tag_list(tags)

    async def fetch(sc: SliceContext, items: list[Item]) -> dict[str, Item | None]:
        found: dict[str, Any] = {}
        arns = [str(item["Arn"]) for item in items if item.get("Arn")]
        for chunk in chunks(arns, TAGGING_ARNS_PER_CALL):
            async for page in sc.pages(
                "resourcegroupstaggingapi", "get_resources", ResourceARNList=chunk
            ):
                for mapping in page.get("ResourceTagMappingList", []):
                    found[mapping["ResourceARN"]] = mapping.get("Tags") or []
        return {
            str(item[key]): {prop: shape(found.get(str(item.get("Arn")), []))} for item in items
        }

    return Enrichment(fetch, ("get_resources",), service="resourcegroupstaggingapi")


def always(*names: str) -> dict[str, str | None]:
    """``action_aliases`` for Port's aws-v3 ``includeActions`` names of work this integration
    always does (the list and describe calls, tags): accepted, selecting nothing more."""
    return dict.fromkeys(names)


def renamed(
    names: dict[str, str], then: Callable[[Item, SliceContext], Item] | None = None
) -> Callable[[Item, SliceContext], Item]:
    """A ``shape`` giving properties the names Port's aws-v3 items use (``{api_name:
    aws_v3_name}``), after ``then``; the API's name is not kept, so each value has one name."""

    def shape(item: Item, sc: SliceContext) -> Item:
        item = then(item, sc) if then is not None else item
        for old, new in names.items():
            if old in item:
                item[new] = item.pop(old)
        return item

    return shape


def read_listed(
    service: str,
    operation: str,
    items: str,
    matches: Callable[[Item, str], bool],
    **params: Any,
) -> ReadOne:
    """A ``LiveEvents.read`` for services whose only read with the kind's IAM actions is the
    list itself: its pages (``params`` narrowing them where the API can) until the entry that
    ``matches`` the identifier. Followed to its end without it, the resource is gone."""

    async def read(sc: SliceContext, identifier: str) -> Item:
        async for page in sc.pages(service, operation, **params):
            for entry in jmespath.search(items, page) or []:
                if matches(entry, identifier):
                    return dict(entry)
        raise Gone(identifier)

    return read


def field_is(name: str) -> Callable[[Item, str], bool]:
    """``read_listed``'s test: the entry's ``name`` is the identifier."""
    return lambda entry, identifier: entry.get(name) == identifier


def last_part(identifier: str, separator: str = "/") -> str:
    """A name from an ARN (or an identifier that is already a name)."""
    return identifier.rsplit(separator, 1)[-1]
