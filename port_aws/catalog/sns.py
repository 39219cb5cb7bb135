"""SNS: topics with their attributes (one GetTopicAttributes and one ListTagsForResource per
topic: SNS has no batch form). Messages and subscriptions' endpoints are not read."""

from collections.abc import AsyncIterator

from port_aws.catalog.calls import always, describe_each, tagged
from port_aws.catalog.model import ARN_TAG_CHANGE, Item, LiveEvents, ResourceType, SliceContext

_COUNTS = ("SubscriptionsConfirmed", "SubscriptionsDeleted", "SubscriptionsPending")


async def _topic(sc: SliceContext, arn: str) -> Item:
    answer = await sc.call("sns", "get_topic_attributes", TopicArn=arn)
    attributes: Item = {"TopicArn": arn, **answer.get("Attributes", {})}
    for name in _COUNTS:
        if str(attributes.get(name, "")).isdigit():
            attributes[name] = int(attributes[name])
    return attributes


async def _topics(sc: SliceContext) -> AsyncIterator[list[Item]]:
    async def describe(topic: Item) -> Item:
        return await _topic(sc, topic["TopicArn"])

    async for listed in sc.pages("sns", "list_topics"):
        page = await describe_each(sc, listed.get("Topics", []), describe)
        if page:
            yield page


LIVE_EVENTS = LiveEvents(
    source="sns.amazonaws.com",
    upserts=("CreateTopic", "SetTopicAttributes", "TagResource", "UntagResource"),
    deletes=("DeleteTopic",),
    ids=(
        "responseElements.topicArn",
        "requestParameters.topicArn",
        "requestParameters.resourceArn",
    ),
    read=_topic,
    not_found=("NotFound", "NotFoundException"),
    gone=lambda arn, sc: {"TopicArn": arn, "Arn": arn},
    native=ARN_TAG_CHANGE,
)

ORDER = 140

TYPES = [
    ResourceType(
        kind="AWS::SNS::Topic",
        service="sns",
        lister=_topics,
        id="TopicArn",
        arn="{TopicArn}",
        tags=tagged("TopicArn"),
        calls=(
            "list_topics",
            "get_topic_attributes",
        ),
        action_aliases=always("ListTopicsAction", "GetTopicAttributesAction", "GetTopicTagsAction"),
        live_events=LIVE_EVENTS,
    ),
]
