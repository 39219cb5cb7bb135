"""EventBridge: rules of every event bus, tags per rule; with ``ListTargetsByRule``, the ARNs
of each rule's targets (never their input, transformers or HTTP parameters)."""

from collections.abc import AsyncIterator

from port_aws.catalog.model import (
    ARN_TAG_CHANGE,
    Enrichment,
    Item,
    LiveEvents,
    ResourceType,
    SliceContext,
)
from port_aws.catalog.parts import each_item, read_listed, tagged, token_pages


async def _rules(sc: SliceContext) -> AsyncIterator[list[Item]]:
    async for buses in token_pages(sc, "events", "list_event_buses", Limit=100):
        for bus in buses.get("EventBuses", []):
            async for page in sc.pages("events", "list_rules", EventBusName=bus["Name"]):
                rules: list[Item] = page.get("Rules", [])
                if rules:
                    yield rules


async def _targets(sc: SliceContext, item: Item) -> Item:
    """TargetArns: the ARNs of a rule's targets, and nothing else of them (a target's input
    or HTTP parameters may hold secrets)."""
    found: set[str] = set()
    async for page in sc.pages(
        "events",
        "list_targets_by_rule",
        Rule=item["Name"],
        EventBusName=item.get("EventBusName") or "default",
    ):
        found.update(t["Arn"] for t in page.get("Targets", []) if isinstance(t.get("Arn"), str))
    return {"TargetArns": sorted(found)}


def _bus_and_name(identifier: str) -> tuple[str, str]:
    """A rule's bus and name from its ARN (``…:rule/<name>`` on the default bus,
    ``…:rule/<bus>/<name>`` on another) or from ``<bus>/<name>`` (the bus may be an ARN)."""
    rest = identifier
    for marker in (":rule/", ":event-bus/"):
        if marker in rest:
            rest = rest.split(marker, 1)[1]
            break
    parts = rest.split("/")
    return (parts[0] if len(parts) > 1 else "default"), parts[-1]


async def _rule(sc: SliceContext, identifier: str) -> Item:
    bus, name = _bus_and_name(identifier)
    read = read_listed(
        "events",
        "list_rules",
        "Rules",
        lambda entry, wanted: entry.get("Name") == wanted,
        EventBusName=bus,
        NamePrefix=name,
    )
    return await read(sc, name)


def _rule_gone(identifier: str, sc: SliceContext) -> Item:
    bus, name = _bus_and_name(identifier)
    return {"Arn": sc.arn("events", f"rule/{name}" if bus == "default" else f"rule/{bus}/{name}")}


LIVE_EVENTS = LiveEvents(
    source="events.amazonaws.com",
    upserts=("PutRule", "EnableRule", "DisableRule", "TagResource", "UntagResource"),
    deletes=("DeleteRule",),
    ids=(
        "responseElements.ruleArn",
        "requestParameters.resourceARN",
        "join('/', [requestParameters.eventBusName || 'default', requestParameters.name])",
    ),
    read=_rule,
    not_found=("ResourceNotFoundException",),
    gone=_rule_gone,
    id_pattern=r"^(?!arn:)|:rule/",
    native=ARN_TAG_CHANGE,
)
"""Read from the list (narrowed to the rule's bus and name), as the resync does."""

ORDER = 330

TYPES = [
    ResourceType(
        kind="AWS::Events::Rule",
        service="events",
        id="Arn",
        lister=_rules,
        tags=tagged("Arn"),
        enrichments={
            "ListTargetsByRule": Enrichment(
                each_item("Arn", _targets),
                ("list_targets_by_rule",),
                "TargetArns: the ARNs of each rule's targets (one call per rule; their input "
                "and parameters are never read)",
            ),
        },
        calls=(
            "list_event_buses",
            "list_rules",
        ),
        live_events=LIVE_EVENTS,
    ),
]
