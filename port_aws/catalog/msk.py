"""MSK: provisioned and serverless clusters (ListClustersV2 filtered by type; tags included)."""

from port_aws.catalog.calls import always, tags_of
from port_aws.catalog.model import Item, ResourceType, SliceContext

_tags = tags_of(native={})


def _provisioned(item: Item, sc: SliceContext) -> Item:
    """The provisioned details at the top level, as aws-v3 items have them."""
    details = item.pop("Provisioned", None) or {}
    return _tags({**details, **item}, sc)


TYPES = [
    ResourceType(
        kind="AWS::MSK::Cluster",
        service="kafka",
        operation="list_clusters_v2",
        params={"ClusterTypeFilter": "PROVISIONED", "PaginationConfig": {"PageSize": 100}},
        items="ClusterInfoList",
        id="ClusterArn",
        arn="{ClusterArn}",
        shape=_provisioned,
        permissions=("kafka:ListClustersV2",),
        action_aliases=always("ListClustersAction"),
    ),
    ResourceType(
        kind="AWS::MSK::ServerlessCluster",
        service="kafka",
        operation="list_clusters_v2",
        params={"ClusterTypeFilter": "SERVERLESS", "PaginationConfig": {"PageSize": 100}},
        items="ClusterInfoList",
        id="ClusterArn",
        arn="{ClusterArn}",
        shape=_tags,
        permissions=("kafka:ListClustersV2",),
        action_aliases=always("ListMskServerlessClustersAction"),
    ),
]
