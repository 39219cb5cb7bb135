"""EventBridge: rules of every event bus, tags per rule."""

from collections.abc import AsyncIterator

from port_aws.catalog.calls import per_item_tags, token_pages
from port_aws.catalog.model import Enrichment, Item, ResourceType, SliceContext


async def _rules(sc: SliceContext) -> AsyncIterator[list[Item]]:
    async for buses in token_pages(sc, "events", "list_event_buses", Limit=100):
        for bus in buses.get("EventBuses", []):
            async for page in sc.pages("events", "list_rules", EventBusName=bus["Name"]):
                rules: list[Item] = page.get("Rules", [])
                if rules:
                    yield rules


TYPES = [
    ResourceType(
        kind="AWS::Events::Rule",
        service="events",
        id="Arn",
        lister=_rules,
        tags=Enrichment(
            per_item_tags(
                "events", "list_tags_for_resource", key="Arn", param="ResourceARN", answer="Tags"
            ),
            ("events:ListTagsForResource",),
        ),
        permissions=("events:ListEventBuses", "events:ListRules"),
    ),
]
