"""ECS: clusters (ids listed, then described 100 at a time with their tags)."""

from port_aws.catalog.model import Describe, Item, ResourceType, SliceContext
from port_aws.items import tag_list


def _tags(item: Item, _: SliceContext) -> Item:
    item["Tags"] = tag_list(item.get("Tags"))
    return item


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
        shape=_tags,
        permissions=("ecs:ListClusters", "ecs:DescribeClusters"),
    ),
]
