"""SNS: topics with their attributes (one GetTopicAttributes and one ListTagsForResource per
topic: SNS has no batch form). Messages and subscriptions' endpoints are not read."""

from collections.abc import AsyncIterator

from port_aws.catalog.calls import always, describe_each, tagged
from port_aws.catalog.model import Item, ResourceType, SliceContext

_COUNTS = ("SubscriptionsConfirmed", "SubscriptionsDeleted", "SubscriptionsPending")


async def _topics(sc: SliceContext) -> AsyncIterator[list[Item]]:
    async def describe(topic: Item) -> Item:
        answer = await sc.call("sns", "get_topic_attributes", TopicArn=topic["TopicArn"])
        attributes: Item = {"TopicArn": topic["TopicArn"], **answer.get("Attributes", {})}
        for name in _COUNTS:
            if str(attributes.get(name, "")).isdigit():
                attributes[name] = int(attributes[name])
        return attributes

    async for listed in sc.pages("sns", "list_topics"):
        page = await describe_each(sc, listed.get("Topics", []), describe)
        if page:
            yield page


TYPES = [
    ResourceType(
        kind="AWS::SNS::Topic",
        service="sns",
        lister=_topics,
        id="TopicArn",
        arn="{TopicArn}",
        tags=tagged("TopicArn"),
        permissions=("sns:ListTopics", "sns:GetTopicAttributes"),
        action_aliases=always("ListTopicsAction", "GetTopicAttributesAction", "GetTopicTagsAction"),
    ),
]
