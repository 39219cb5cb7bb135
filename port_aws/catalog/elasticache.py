"""ElastiCache: cache clusters with their nodes (tags per cluster: no batch tag read)."""

from port_aws.catalog.calls import always, per_item
from port_aws.catalog.model import Enrichment, ResourceType

TYPES = [
    ResourceType(
        kind="AWS::ElastiCache::Cluster",
        service="elasticache",
        operation="describe_cache_clusters",
        params={"ShowCacheNodeInfo": True, "PaginationConfig": {"PageSize": 100}},
        items="CacheClusters",
        id="ARN",
        arn="{ARN}",
        tags=Enrichment(
            per_item(
                "elasticache",
                "list_tags_for_resource",
                key="ARN",
                param="ResourceName",
                answer="TagList || `[]`",
                prop="TagList",
            ),
            ("elasticache:ListTagsForResource",),
        ),
        permissions=("elasticache:DescribeCacheClusters",),
        action_aliases=always("DescribeCacheClustersAction", "ListTagsForResourceAction"),
    ),
]
