"""ECS: clusters (described 100 at a time), their services (10 at a time) and task definitions.

Tags come with every describe answer (``include=["TAGS"]``).
"""

from collections.abc import AsyncIterator

from port_aws.catalog.calls import always, describe_each, renamed, tags_of
from port_aws.catalog.model import Describe, Item, ResourceType, SliceContext

SERVICES_PER_DESCRIBE = 10
"""DescribeServices takes at most 10 services per call."""


async def _services(sc: SliceContext) -> AsyncIterator[list[Item]]:
    async for clusters in sc.pages("ecs", "list_clusters", maxResults=100):
        for cluster in clusters.get("clusterArns", []):
            async for listed in sc.pages("ecs", "list_services", cluster=cluster, maxResults=100):
                arns = listed.get("serviceArns", [])
                page: list[Item] = []
                for start in range(0, len(arns), SERVICES_PER_DESCRIBE):
                    described = await sc.call(
                        "ecs",
                        "describe_services",
                        cluster=cluster,
                        services=arns[start : start + SERVICES_PER_DESCRIBE],
                        include=["TAGS"],
                    )
                    page += described.get("services", [])
                if page:
                    yield page


async def _task_definitions(sc: SliceContext) -> AsyncIterator[list[Item]]:
    """Active revisions; DescribeTaskDefinition has no batch form."""

    async def describe(arn: str) -> Item:
        answer = await sc.call(
            "ecs", "describe_task_definition", taskDefinition=arn, include=["TAGS"]
        )
        return {**answer["taskDefinition"], "tags": answer.get("tags", [])}

    async for listed in sc.pages(
        "ecs", "list_task_definitions", status="ACTIVE", PaginationConfig={"PageSize": 100}
    ):
        page = await describe_each(sc, listed.get("taskDefinitionArns", []), describe)
        if page:
            yield page


TYPES = [
    ResourceType(
        kind="AWS::ECS::Cluster",
        service="ecs",
        operation="list_clusters",
        items="clusterArns",
        describe=Describe(
            "describe_clusters",
            "clusters",
            "clusters",
            params={"include": ["TAGS", "SETTINGS", "CONFIGURATIONS", "STATISTICS"]},
        ),
        id="ClusterArn",
        arn="{ClusterArn}",
        shape=renamed({"Settings": "ClusterSettings"}, then=tags_of(native=[])),
        permissions=("ecs:ListClusters", "ecs:DescribeClusters"),
        action_aliases=always("DescribeClustersAction"),
    ),
    ResourceType(
        kind="AWS::ECS::Service",
        service="ecs",
        lister=_services,
        id="ServiceArn",
        arn="{ServiceArn}",
        shape=tags_of(native=[]),
        permissions=("ecs:ListClusters", "ecs:ListServices", "ecs:DescribeServices"),
        action_aliases=always("ListServicesAction", "DescribeServicesAction"),
    ),
    ResourceType(
        kind="AWS::ECS::TaskDefinition",
        secrets=("ContainerDefinitions[].environment[].value",),
        service="ecs",
        lister=_task_definitions,
        id="TaskDefinitionArn",
        arn="{TaskDefinitionArn}",
        shape=tags_of(native=[]),
        permissions=("ecs:ListTaskDefinitions", "ecs:DescribeTaskDefinition"),
        action_aliases=always("ListTaskDefinitionsAction", "DescribeTaskDefinitionsAction"),
    ),
]
