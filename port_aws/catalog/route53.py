"""Route 53: hosted zones, a global service read once per account; tags ten zones per call."""

from port_aws.catalog.calls import chunks
from port_aws.catalog.model import Enrichment, Item, ResourceType, SliceContext
from port_aws.items import tag_list


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


TYPES = [
    ResourceType(
        kind="AWS::Route53::HostedZone",
        service="route53",
        operation="list_hosted_zones",
        items="HostedZones",
        id="HostedZoneId",
        global_service=True,
        shape=_zone,
        tags=Enrichment(_tags, ("route53:ListTagsForResources",)),
        permissions=("route53:ListHostedZones",),
    ),
]
