"""Small reading helpers shared by catalog modules: token loops, chunks, per-item calls, tags."""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from port_aws.catalog.model import Fetch, Item, SliceContext
from port_aws.items import tag_list

GONE = frozenset(
    {
        "NotFoundException",
        "ResourceNotFoundException",
        "PipelineNotFoundException",
        "ApplicationDoesNotExistException",
        "DeploymentGroupDoesNotExistException",
        "DeploymentDoesNotExistException",
    }
)
"""Codes of an item deleted between its listing and its per-item call."""


async def each_listed[T](
    items: list[Item], fetch: Callable[[Item], Awaitable[T]]
) -> list[T | None]:
    """Per-item calls that make up the listing itself (children, details of listed items).

    Unlike ``SliceContext.each`` (for enrichments), a failure fails the slice, so Ocean keeps
    entities it could not confirm instead of deleting them; an item deleted meanwhile gives
    None. Each call is bounded by the slice's service limiter inside ``SliceContext.call``.
    """

    async def one(item: Item) -> T | None:
        try:
            return await fetch(item)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in GONE:
                return None
            raise

    return list(await asyncio.gather(*(one(item) for item in items)))


async def token_pages(
    sc: SliceContext,
    service: str,
    operation: str,
    token: str = "NextToken",
    out_token: str | None = None,
    **params: Any,
) -> AsyncIterator[dict[str, Any]]:
    """Pages of a list call botocore has no paginator for (the token is followed to the end)."""
    out_token = out_token or token
    while True:
        answer = await sc.call(service, operation, **params)
        yield answer
        following = answer.get(out_token)
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


def per_item_tags(
    service: str,
    operation: str,
    id_property: str,
    request: Callable[[Item], dict[str, Any]],
    answer_key: str,
) -> Fetch:
    """Tags fetched one item at a time (the service has no batch form), keyed by item id."""

    async def fetch(sc: SliceContext, items: list[Item]) -> dict[str, Item]:
        async def one(item: Item) -> list[dict[str, str]]:
            answer = await sc.call(service, operation, **request(item))
            value = answer.get(answer_key)
            if isinstance(value, dict) and "Items" in value:  # CloudFront's Tags.Items
                value = value["Items"]
            return tag_list(value)

        found = await sc.each(items, one)
        return {
            str(item[id_property]): {"Tags": tags}
            for item, tags in zip(items, found, strict=True)
            if tags is not None
        }

    return fetch


def normalise_tags(item: Item, _: SliceContext) -> Item:
    """Shape hook: Tags as ``[{"Key", "Value"}]`` whatever the API answered with."""
    if "Tags" in item:
        item["Tags"] = tag_list(item["Tags"])
    return item
