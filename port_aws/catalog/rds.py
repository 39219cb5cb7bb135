"""RDS: DB instances and DB clusters (tags come with each describe answer as TagList)."""

from port_aws.catalog.calls import tags_of
from port_aws.catalog.model import ResourceType

TYPES = [
    ResourceType(
        kind="AWS::RDS::DBInstance",
        service="rds",
        operation="describe_db_instances",
        params={"PaginationConfig": {"PageSize": 100}},
        items="DBInstances",
        id="DBInstanceArn",
        arn="{DBInstanceArn}",
        shape=tags_of("TagList"),
        permissions=("rds:DescribeDBInstances",),
    ),
    ResourceType(
        kind="AWS::RDS::DBCluster",
        service="rds",
        operation="describe_db_clusters",
        params={"PaginationConfig": {"PageSize": 100}},
        items="DBClusters",
        id="DBClusterArn",
        arn="{DBClusterArn}",
        shape=tags_of("TagList"),
        permissions=("rds:DescribeDBClusters",),
    ),
]
