"""EKS: clusters and their managed node groups (listed by name, described one by one: EKS has
no batch describe; tags come with each description)."""

from collections.abc import AsyncIterator

from port_aws.catalog.calls import always, describe_each, tags_of
from port_aws.catalog.model import Item, ResourceType, SliceContext


async def _cluster_names(sc: SliceContext) -> AsyncIterator[list[str]]:
    async for listed in sc.pages("eks", "list_clusters", maxResults=100):
        yield list(listed.get("clusters", []))


async def _clusters(sc: SliceContext) -> AsyncIterator[list[Item]]:
    async def describe(name: str) -> Item:
        return dict((await sc.call("eks", "describe_cluster", name=name))["cluster"])

    async for names in _cluster_names(sc):
        page = await describe_each(sc, names, describe)
        if page:
            yield page


async def _nodegroups(sc: SliceContext) -> AsyncIterator[list[Item]]:
    async for names in _cluster_names(sc):
        for cluster in names:

            async def describe(nodegroup: str, cluster: str = cluster) -> Item:
                answer = await sc.call(
                    "eks", "describe_nodegroup", clusterName=cluster, nodegroupName=nodegroup
                )
                return dict(answer["nodegroup"])

            async for listed in sc.pages(
                "eks", "list_nodegroups", clusterName=cluster, maxResults=100
            ):
                page = await describe_each(sc, listed.get("nodegroups", []), describe)
                if page:
                    yield page


TYPES = [
    ResourceType(
        kind="AWS::EKS::Cluster",
        service="eks",
        lister=_clusters,
        id="Arn",
        shape=tags_of(native={}),
        permissions=("eks:ListClusters", "eks:DescribeCluster"),
        action_aliases=always("DescribeClusterAction"),
    ),
    ResourceType(
        kind="AWS::EKS::Nodegroup",
        service="eks",
        lister=_nodegroups,
        id="NodegroupArn",
        arn="{NodegroupArn}",
        shape=tags_of(native={}),
        permissions=("eks:ListClusters", "eks:ListNodegroups", "eks:DescribeNodegroup"),
    ),
]
