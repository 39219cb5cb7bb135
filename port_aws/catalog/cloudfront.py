"""CloudFront: distributions, a global service read once per account; tags per distribution."""

from port_aws.catalog.model import Enrichment, ResourceType
from port_aws.catalog.support import per_item_tags

TYPES = [
    ResourceType(
        kind="AWS::CloudFront::Distribution",
        service="cloudfront",
        operation="list_distributions",
        items="DistributionList.Items",
        id="Arn",
        arn="{ARN}",
        global_service=True,
        tags=Enrichment(
            per_item_tags(
                "cloudfront",
                "list_tags_for_resource",
                "Arn",
                lambda i: {"Resource": i["Arn"]},
                "Tags",
            ),
            ("cloudfront:ListTagsForResource",),
        ),
        permissions=("cloudfront:ListDistributions",),
    ),
]
