"""CloudFront: distributions, a global service read once per account; tags per distribution."""

from port_aws.catalog.calls import per_item_tags
from port_aws.catalog.model import Enrichment, ResourceType

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
                key="Arn",
                param="Resource",
                answer="Tags.Items",
            ),
            ("cloudfront:ListTagsForResource",),
        ),
        permissions=("cloudfront:ListDistributions",),
    ),
]
