"""Route 53: hosted zones, a global service read once per account; tags ten zones per call."""

from port_aws.catalog.model import Enrichment, Item, LiveEvents, ResourceType, Scope, SliceContext
from port_aws.catalog.parts import chunks, last_part, read_listed
from port_aws.resync.items import tag_list


def _zone(item: Item, sc: SliceContext) -> Item:
    item["HostedZoneId"] = str(item["Id"]).rsplit("/", 1)[-1]
    item["Arn"] = f"arn:{sc.partition}:route53:::hostedzone/{item['HostedZoneId']}"
    return item


async def _tags(sc: SliceContext, items: list[Item]) -> dict[str, Item]:
    found: dict[str, Item] = {}
    for batch in chunks([i["HostedZoneId"] for i in items], 10):
        answer = await sc.call(
            "route53", "list_tags_for_resources", ResourceType="hostedzone", ResourceIds=batch
        )
        for entry in answer.get("ResourceTagSets", []):
            found[str(entry["ResourceId"])] = {"Tags": tag_list(entry.get("Tags"))}
    return found


async def _zone_read(sc: SliceContext, identifier: str) -> Item:
    read = read_listed(
        "route53",
        "list_hosted_zones",
        "HostedZones",
        lambda entry, zone: last_part(str(entry.get("Id"))) == zone,
    )
    return await read(sc, last_part(identifier))


LIVE_EVENTS = LiveEvents(
    source="route53.amazonaws.com",
    upserts=("CreateHostedZone", "UpdateHostedZoneComment", "ChangeTagsForResource"),
    deletes=("DeleteHostedZone",),
    ids=(
        "responseElements.hostedZone.id",
        "requestParameters.id",
        # ChangeTagsForResource: hosted zones only (health checks are tagged the same way)
        "requestParameters.resourceType == 'hostedzone' && requestParameters.resourceId",
    ),
    read=_zone_read,
    not_found=(),
    gone=lambda i, sc: {
        "HostedZoneId": last_part(i),
        "Arn": f"arn:{sc.partition}:route53:::hostedzone/{last_part(i)}",
    },
)
"""Read from the list, as the resync does (``GetHostedZone`` answers other fields)."""

ORDER = 240

TYPES = [
    ResourceType(
        kind="AWS::Route53::HostedZone",
        service="route53",
        operation="list_hosted_zones",
        items="HostedZones",
        id="HostedZoneId",
        scope=Scope.GLOBAL,
        shape=_zone,
        tags=Enrichment(_tags, ("list_tags_for_resources",)),
        live_events=LIVE_EVENTS,
    ),
]
