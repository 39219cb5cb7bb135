"""RDS: DB instances and DB clusters (tags come with each describe answer as TagList)."""

from port_aws.catalog.calls import always, renamed, tags_of
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
        shape=renamed(
            {
                "DbInstancePort": "Port",
                "IAMDatabaseAuthenticationEnabled": "EnableIAMDatabaseAuthentication",
                "PerformanceInsightsEnabled": "EnablePerformanceInsights",
                "VpcSecurityGroups": "VPCSecurityGroups",
            },
            then=tags_of("TagList"),
        ),
        permissions=("rds:DescribeDBInstances",),
        action_aliases=always("DescribeDBInstancesAction", "ListTagsForResourceAction"),
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
        action_aliases=always("DescribeDBClustersAction", "ListTagsForResourceAction"),
    ),
]
