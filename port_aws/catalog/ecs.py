"""ECS: clusters (described 100 at a time), their services (10 at a time) and task definitions.

Tags come with every describe answer (``include=["TAGS"]``).
"""

from collections.abc import AsyncIterator

from port_aws.catalog.model import (
    ARN_TAG_CHANGE,
    Describe,
    Gone,
    Item,
    LiveEvents,
    ResourceType,
    SliceContext,
)
from port_aws.catalog.parts import always, describe_each, renamed, tags_of

SERVICES_PER_DESCRIBE = 10
"""DescribeServices takes at most 10 services per call."""


async def _described_services(sc: SliceContext, cluster: str, arns: list[str]) -> list[Item]:
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
    return page


async def _services(sc: SliceContext) -> AsyncIterator[list[Item]]:
    async for clusters in sc.pages("ecs", "list_clusters", maxResults=100):
        for cluster in clusters.get("clusterArns", []):
            async for listed in sc.pages("ecs", "list_services", cluster=cluster, maxResults=100):
                page = await _described_services(sc, cluster, listed.get("serviceArns", []))
                if page:
                    yield page


def _active(identifier: str, found: list[Item]) -> Item:
    """The one described resource; none (a ``MISSING`` failure) or an ``INACTIVE`` one (what
    ECS answers for a deleted cluster, service or revision, which its lists never show) is
    gone."""
    if not found or found[0].get("status") in ("INACTIVE", "DELETE_IN_PROGRESS"):
        raise Gone(identifier)
    return found[0]


async def _service(sc: SliceContext, arn: str) -> Item:
    cluster = arn.split(":service/", 1)[1].split("/")[0]
    return _active(arn, await _described_services(sc, cluster, [arn]))


async def _task_definition(sc: SliceContext, arn: str) -> Item:
    answer = await sc.call("ecs", "describe_task_definition", taskDefinition=arn, include=["TAGS"])
    return {**answer["taskDefinition"], "tags": answer.get("tags", [])}


async def _task_definitions(sc: SliceContext) -> AsyncIterator[list[Item]]:
    """Active revisions; DescribeTaskDefinition has no batch form."""

    async def describe(arn: str) -> Item:
        return await _task_definition(sc, arn)

    async for listed in sc.pages(
        "ecs", "list_task_definitions", status="ACTIVE", PaginationConfig={"PageSize": 100}
    ):
        page = await describe_each(sc, listed.get("taskDefinitionArns", []), describe)
        if page:
            yield page


CLUSTERS = Describe(
    "describe_clusters",
    "clusters",
    "clusters",
    params={"include": ["TAGS", "SETTINGS", "CONFIGURATIONS", "STATISTICS"]},
)


async def _cluster(sc: SliceContext, identifier: str) -> Item:
    answer = await sc.call("ecs", CLUSTERS.operation, clusters=[identifier], **CLUSTERS.params)
    return _active(identifier, answer.get("clusters", []))


def _cluster_gone(identifier: str, sc: SliceContext) -> Item:
    arn = identifier if identifier.startswith("arn:") else sc.arn("ecs", f"cluster/{identifier}")
    return {"ClusterArn": arn, "Arn": arn}


TAGGED = "requestParameters.resourceArn"
"""Where ``TagResource`` and ``UntagResource`` name the resource (clusters, services and task
definitions alike)."""
TAG_EVENTS = ("TagResource", "UntagResource")

CLUSTER_EVENTS = LiveEvents(
    source="ecs.amazonaws.com",
    upserts=(
        "CreateCluster",
        "UpdateCluster",
        "UpdateClusterSettings",
        "PutClusterCapacityProviders",
        *TAG_EVENTS,
    ),
    deletes=("DeleteCluster",),
    ids=("responseElements.cluster.clusterArn", "requestParameters.cluster", TAGGED),
    read=_cluster,
    not_found=("ClusterNotFoundException",),
    gone=_cluster_gone,
    id_pattern=r"^(?!arn:)|:cluster/",
    native=ARN_TAG_CHANGE,
)

SERVICE_EVENTS = LiveEvents(
    source="ecs.amazonaws.com",
    upserts=("CreateService", "UpdateService", *TAG_EVENTS),
    deletes=("DeleteService",),
    ids=("responseElements.service.serviceArn", TAGGED),
    read=_service,
    not_found=("ServiceNotFoundException", "ClusterNotFoundException"),
    gone=lambda arn, sc: {"ServiceArn": arn, "Arn": arn},
    id_pattern=r":service/[^/]+/[^/]+$",
    native=ARN_TAG_CHANGE,
)
"""Services by their ARN of the current form, which names the cluster (``service/<cluster>/
<name>``); older ARNs are left to the resync."""


async def _task_definition_active(sc: SliceContext, arn: str) -> Item:
    return _active(arn, [await _task_definition(sc, arn)])


TASK_DEFINITION_EVENTS = LiveEvents(
    source="ecs.amazonaws.com",
    upserts=("RegisterTaskDefinition", *TAG_EVENTS),
    deletes=("DeregisterTaskDefinition", "DeleteTaskDefinitions"),
    ids=(
        "responseElements.taskDefinition.taskDefinitionArn",
        "responseElements.taskDefinitions[].taskDefinitionArn",
        TAGGED,
    ),
    read=_task_definition_active,
    not_found=(),
    gone=lambda arn, sc: {"TaskDefinitionArn": arn, "Arn": arn},
    id_pattern=r":task-definition/",
    native=ARN_TAG_CHANGE,
)
"""An unknown revision is a generic ``ClientException``, never taken for "not found"; a
deregistered one is described ``INACTIVE`` (which the resync does not list): gone."""


ORDER = 40

TYPES = [
    ResourceType(
        kind="AWS::ECS::Cluster",
        service="ecs",
        operation="list_clusters",
        items="clusterArns",
        describe=CLUSTERS,
        id="ClusterArn",
        arn="{ClusterArn}",
        shape=renamed({"Settings": "ClusterSettings"}, then=tags_of(native=[])),
        action_aliases=always("DescribeClustersAction"),
        live_events=CLUSTER_EVENTS,
    ),
    ResourceType(
        kind="AWS::ECS::Service",
        service="ecs",
        lister=_services,
        id="ServiceArn",
        arn="{ServiceArn}",
        shape=tags_of(native=[]),
        calls=(
            "list_clusters",
            "list_services",
            "describe_services",
        ),
        action_aliases=always("ListServicesAction", "DescribeServicesAction"),
        live_events=SERVICE_EVENTS,
    ),
    ResourceType(
        kind="AWS::ECS::TaskDefinition",
        secrets=("ContainerDefinitions[].environment[].value",),
        service="ecs",
        lister=_task_definitions,
        id="TaskDefinitionArn",
        arn="{TaskDefinitionArn}",
        shape=tags_of(native=[]),
        calls=(
            "list_task_definitions",
            "describe_task_definition",
        ),
        action_aliases=always("ListTaskDefinitionsAction", "DescribeTaskDefinitionsAction"),
        live_events=TASK_DEFINITION_EVENTS,
    ),
]
