"""ElastiCache: cache clusters with their nodes (tags per cluster: no batch tag read)."""

from port_aws.catalog.model import (
    ARN_TAG_CHANGE,
    Item,
    LiveEvents,
    ResourceType,
    SliceContext,
)
from port_aws.catalog.parts import always, last_part, tagged


def _cluster_gone(identifier: str, sc: SliceContext) -> Item:
    arn = sc.arn("elasticache", f"cluster:{last_part(identifier, ':')}")
    return {"ARN": arn, "Arn": arn}


LIVE_EVENTS = LiveEvents(
    source="elasticache.amazonaws.com",
    upserts=(
        "CreateCacheCluster",
        "ModifyCacheCluster",
        "RebootCacheCluster",
        "AddTagsToResource",
        "RemoveTagsFromResource",
    ),
    deletes=("DeleteCacheCluster",),
    ids=("requestParameters.cacheClusterId", "requestParameters.resourceName"),
    filter="CacheClusterId",
    filter_value=lambda i: last_part(i, ":"),
    not_found=("CacheClusterNotFound",),
    gone=_cluster_gone,
    id_pattern=r"^(?!arn:)|:cluster:",
    native=ARN_TAG_CHANGE,
)

ORDER = 100

TYPES = [
    ResourceType(
        kind="AWS::ElastiCache::Cluster",
        service="elasticache",
        operation="describe_cache_clusters",
        params={"ShowCacheNodeInfo": True, "PaginationConfig": {"PageSize": 100}},
        items="CacheClusters",
        id="ARN",
        arn="{ARN}",
        tags=tagged("ARN", prop="TagList"),
        live_events=LIVE_EVENTS,
        action_aliases=always("DescribeCacheClustersAction", "ListTagsForResourceAction"),
    ),
]
