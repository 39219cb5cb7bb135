"""EKS: clusters and their managed node groups (listed by name, described one by one: EKS has
no batch describe; tags come with each description)."""

from collections.abc import AsyncIterator

from port_aws.catalog.model import ARN_TAG_CHANGE, Item, LiveEvents, ResourceType, SliceContext
from port_aws.catalog.parts import always, describe_each, last_part, tags_of


async def _cluster_names(sc: SliceContext) -> AsyncIterator[list[str]]:
    async for listed in sc.pages("eks", "list_clusters", maxResults=100):
        yield list(listed.get("clusters", []))


async def _cluster(sc: SliceContext, identifier: str) -> Item:
    """One cluster, by name or ARN (``…:cluster/<name>``)."""
    answer = await sc.call("eks", "describe_cluster", name=last_part(identifier))
    return dict(answer["cluster"])


async def _clusters(sc: SliceContext) -> AsyncIterator[list[Item]]:
    async def describe(name: str) -> Item:
        return await _cluster(sc, name)

    async for names in _cluster_names(sc):
        page = await describe_each(sc, names, describe)
        if page:
            yield page


async def _nodegroups(sc: SliceContext) -> AsyncIterator[list[Item]]:
    async for names in _cluster_names(sc):
        for cluster in names:

            async def describe(nodegroup: str, cluster: str = cluster) -> Item:
                return await _nodegroup(sc, f"{cluster}/{nodegroup}")

            async for listed in sc.pages(
                "eks", "list_nodegroups", clusterName=cluster, maxResults=100
            ):
                page = await describe_each(sc, listed.get("nodegroups", []), describe)
                if page:
                    yield page


async def _nodegroup(sc: SliceContext, identifier: str) -> Item:
    """One node group, by ``<cluster>/<node group>`` or its ARN
    (``…:nodegroup/<cluster>/<node group>/<id>``)."""
    path = identifier.split(":nodegroup/", 1)[-1].split("/")
    answer = await sc.call("eks", "describe_nodegroup", clusterName=path[0], nodegroupName=path[1])
    return dict(answer["nodegroup"])


TAGGED = "requestParameters.resourceArn"
"""Where ``TagResource`` and ``UntagResource`` name the resource (clusters, node groups …)."""

CLUSTER_EVENTS = LiveEvents(
    source="eks.amazonaws.com",
    upserts=(
        "CreateCluster",
        "UpdateClusterConfig",
        "UpdateClusterVersion",
        "TagResource",
        "UntagResource",
    ),
    deletes=("DeleteCluster",),
    ids=("responseElements.cluster.arn", "requestParameters.name", TAGGED),
    read=_cluster,
    not_found=("ResourceNotFoundException",),
    gone=lambda i, sc: {"Arn": sc.arn("eks", f"cluster/{last_part(i)}")},
    id_pattern=r"^(?!arn:)|:cluster/",
    native=ARN_TAG_CHANGE,
)

NODEGROUP_EVENTS = LiveEvents(
    source="eks.amazonaws.com",
    upserts=(
        "CreateNodegroup",
        "UpdateNodegroupConfig",
        "UpdateNodegroupVersion",
        "TagResource",
        "UntagResource",
    ),
    deletes=("DeleteNodegroup",),
    ids=(
        "responseElements.nodegroup.nodegroupArn",
        TAGGED,
        # the cluster's name is a path parameter, recorded as ``name`` (as in CreateAccessEntry's
        # recorded request); ``clusterName`` is the API's member name
        "join('/', [requestParameters.name || requestParameters.clusterName, "
        "requestParameters.nodegroupName])",
    ),
    read=_nodegroup,
    not_found=("ResourceNotFoundException",),
    gone=lambda i, sc: {"NodegroupArn": i, "Arn": i} if i.startswith("arn:") else None,
    id_pattern=r"^(?!arn:)|:nodegroup/",
    native=ARN_TAG_CHANGE,
)
"""A node group's ARN ends with an id: a deletion is applied when the event carries the ARN
(``DeleteNodegroup`` answers with the node group)."""

ORDER = 60

TYPES = [
    ResourceType(
        kind="AWS::EKS::Cluster",
        service="eks",
        lister=_clusters,
        id="Arn",
        shape=tags_of(native={}),
        calls=(
            "list_clusters",
            "describe_cluster",
        ),
        live_events=CLUSTER_EVENTS,
        action_aliases=always("DescribeClusterAction"),
    ),
    ResourceType(
        kind="AWS::EKS::Nodegroup",
        service="eks",
        lister=_nodegroups,
        id="NodegroupArn",
        arn="{NodegroupArn}",
        shape=tags_of(native={}),
        calls=(
            "list_clusters",
            "list_nodegroups",
            "describe_nodegroup",
        ),
        live_events=NODEGROUP_EVENTS,
    ),
]
