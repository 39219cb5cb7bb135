"""SNS: topics with their attributes (one GetTopicAttributes and one ListTagsForResource per
topic: SNS has no batch form). Messages are not read; of subscriptions, only the ARNs of
subscribed queues and functions (with ``ListSubscriptionsByTopic``): never e-mail addresses,
phone numbers or URLs."""

from collections.abc import AsyncIterator

from port_aws.catalog.model import (
    ARN_TAG_CHANGE,
    Enrichment,
    Item,
    LiveEvents,
    ResourceType,
    SliceContext,
)
from port_aws.catalog.parts import always, describe_each, each_item, tagged

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


_ARN_ENDPOINTS = ("sqs", "lambda")
"""Protocols whose endpoint is a resource's ARN; the others' are e-mail addresses, phone
numbers or URLs (personal data, or secrets in a query string): never kept."""


async def _subscribers(sc: SliceContext, item: Item) -> Item:
    """SubscriberArns: the queues and functions subscribed to a topic."""
    found: set[str] = set()
    async for page in sc.pages("sns", "list_subscriptions_by_topic", TopicArn=item["TopicArn"]):
        for subscription in page.get("Subscriptions", []):
            endpoint = subscription.get("Endpoint")
            if subscription.get("Protocol") in _ARN_ENDPOINTS and isinstance(endpoint, str):
                found.add(endpoint)
    return {"SubscriberArns": sorted(found)}


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
        enrichments={
            "ListSubscriptionsByTopic": Enrichment(
                each_item("TopicArn", _subscribers),
                ("list_subscriptions_by_topic",),
                "SubscriberArns: the SQS queues and Lambda functions subscribed to each topic "
                "(one call per topic; other endpoints are never read)",
            ),
        },
        calls=(
            "list_topics",
            "get_topic_attributes",
        ),
        action_aliases=always("ListTopicsAction", "GetTopicAttributesAction", "GetTopicTagsAction"),
        live_events=LIVE_EVENTS,
    ),
]
