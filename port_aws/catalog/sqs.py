"""SQS: queues with their attributes (one GetQueueAttributes and one ListQueueTags per queue:
SQS has no batch form). Messages are never received."""

from collections.abc import AsyncIterator
from typing import Any

from port_aws.catalog.model import Item, LiveEvents, ResourceType, SliceContext
from port_aws.catalog.parts import always, describe_each, tagged


def attribute_value(name: str, value: str) -> Any:
    """Counts and flags as numbers and booleans; timestamps and documents stay strings."""
    if value in ("true", "false"):
        return value == "true"
    if value.isdigit() and not name.endswith("Timestamp"):
        return int(value)
    return value


async def _queue(sc: SliceContext, url: str) -> Item:
    answer = await sc.call("sqs", "get_queue_attributes", QueueUrl=url, AttributeNames=["All"])
    attributes = answer.get("Attributes", {})
    return {"QueueUrl": url, **{k: attribute_value(k, v) for k, v in attributes.items()}}


async def _queues(sc: SliceContext) -> AsyncIterator[list[Item]]:
    async def describe(url: str) -> Item:
        return await _queue(sc, url)

    async for listed in sc.pages("sqs", "list_queues", MaxResults=1000):
        page = await describe_each(sc, listed.get("QueueUrls", []), describe)
        if page:
            yield page


LIVE_EVENTS = LiveEvents(
    source="sqs.amazonaws.com",
    upserts=("CreateQueue", "SetQueueAttributes", "TagQueue", "UntagQueue"),
    deletes=("DeleteQueue",),
    ids=("responseElements.queueUrl", "requestParameters.queueUrl"),
    read=_queue,
    not_found=("AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist"),
    gone=lambda url, sc: {"QueueUrl": url, "Arn": sc.arn("sqs", url.rstrip("/").rsplit("/")[-1])},
)

ORDER = 130

TYPES = [
    ResourceType(
        kind="AWS::SQS::Queue",
        service="sqs",
        lister=_queues,
        id="QueueUrl",
        arn="{QueueArn}",
        tags=tagged("QueueUrl", native={}),
        calls=(
            "list_queues",
            "get_queue_attributes",
        ),
        action_aliases=always(
            "ListQueuesAction",
            "GetQueueAttributesAction",
            "ListQueueTagsAction",
            "GetQueueTagsAction",
        ),
        live_events=LIVE_EVENTS,
    ),
]
