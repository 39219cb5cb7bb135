"""CloudFront: distributions, a global service read once per account; tags per distribution."""

from port_aws.catalog.model import (
    ARN_TAG_CHANGE,
    Item,
    LiveEvents,
    ResourceType,
    Scope,
    SliceContext,
)
from port_aws.catalog.parts import last_part, read_listed, tagged


async def _distribution(sc: SliceContext, identifier: str) -> Item:
    read = read_listed(
        "cloudfront",
        "list_distributions",
        "DistributionList.Items",
        lambda entry, wanted: entry.get("Id") == wanted,
    )
    return await read(sc, last_part(identifier))


def _arn(identifier: str, sc: SliceContext) -> str:
    return f"arn:{sc.partition}:cloudfront::{sc.account.id}:distribution/{last_part(identifier)}"


LIVE_EVENTS = LiveEvents(
    source="cloudfront.amazonaws.com",
    upserts=(
        "CreateDistribution",
        "CreateDistributionWithTags",
        "UpdateDistribution",
        "TagResource",
        "UntagResource",
    ),
    deletes=("DeleteDistribution",),
    ids=(
        "responseElements.distribution.id",
        "requestParameters.id",
        "requestParameters.resource",
    ),
    read=_distribution,
    not_found=(),
    gone=lambda i, sc: {"Arn": _arn(i, sc), "ARN": _arn(i, sc)},
    id_pattern=r"^(?!arn:)|:distribution/",
    native=ARN_TAG_CHANGE,
)
"""Read from the list, as the resync does (``GetDistribution`` answers another shape)."""

ORDER = 250

TYPES = [
    ResourceType(
        kind="AWS::CloudFront::Distribution",
        service="cloudfront",
        operation="list_distributions",
        items="DistributionList.Items",
        id="Arn",
        arn="{ARN}",
        scope=Scope.GLOBAL,
        tags=tagged("Arn"),
        live_events=LIVE_EVENTS,
    ),
]
