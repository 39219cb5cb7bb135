"""MSK: provisioned and serverless clusters (ListClustersV2 filtered by type; tags included)."""

import re

from port_aws.catalog.model import ARN_TAG_CHANGE, Item, LiveEvents, ResourceType, SliceContext
from port_aws.catalog.parts import always, read_listed, tags_of

_tags = tags_of(native={})
_NAMED = re.compile(r":(?:serverless-)?cluster/([^/]+)/[^/]+$")
"""A cluster's ARN with its name (``…:cluster/<name>/<id>``)."""


def _provisioned(item: Item, sc: SliceContext) -> Item | None:
    """The provisioned details at the top level, as aws-v3 items have them (a serverless
    cluster, read again for a live event, is the other kind's)."""
    if item.get("ClusterType", "PROVISIONED") != "PROVISIONED":
        return None
    details = item.pop("Provisioned", None) or {}
    return _tags({**details, **item}, sc)


def _serverless(item: Item, sc: SliceContext) -> Item | None:
    if item.get("ClusterType", "SERVERLESS") != "SERVERLESS":
        return None
    return _tags(item, sc)


async def _cluster(sc: SliceContext, arn: str) -> Item:
    """One cluster, from ListClustersV2 narrowed to its name (``…:cluster/<name>/<id>``; an
    ARN of another form is looked for in the whole list): the resync's own read, of either
    type (each kind's shape keeps its own)."""
    named = _NAMED.search(arn)
    narrowed = {"ClusterNameFilter": named.group(1)} if named else {}
    read = read_listed(
        "kafka",
        "list_clusters_v2",
        "ClusterInfoList",
        lambda entry, wanted: entry.get("ClusterArn") == wanted,
        **narrowed,
    )
    return await read(sc, arn)


LIVE_EVENTS = LiveEvents(
    source="kafka.amazonaws.com",
    upserts=(
        "CreateCluster",
        "CreateClusterV2",
        "UpdateBrokerCount",
        "UpdateBrokerStorage",
        "UpdateBrokerType",
        "UpdateClusterConfiguration",
        "UpdateClusterKafkaVersion",
        "UpdateConnectivity",
        "UpdateMonitoring",
        "UpdateSecurity",
        "UpdateStorage",
        "TagResource",
        "UntagResource",
    ),
    deletes=("DeleteCluster",),
    ids=(
        "responseElements.clusterArn",
        "requestParameters.clusterArn",
        "requestParameters.resourceArn",
    ),
    read=_cluster,
    not_found=(),
    gone=lambda arn, sc: {"ClusterArn": arn, "Arn": arn},
    id_pattern=r":(serverless-)?cluster/",
    native=ARN_TAG_CHANGE,
)


ORDER = 120

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
        live_events=LIVE_EVENTS,
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
        shape=_serverless,
        live_events=LIVE_EVENTS,
        action_aliases=always("ListMskServerlessClustersAction"),
    ),
]
