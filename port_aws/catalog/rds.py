"""RDS: DB instances and DB clusters (tags come with each describe answer as TagList)."""

from port_aws.catalog.model import ARN_TAG_CHANGE, Item, LiveEvents, ResourceType, SliceContext
from port_aws.catalog.parts import always, renamed, tags_of

TAGGED = "requestParameters.resourceName"
"""Where ``AddTagsToResource`` and ``RemoveTagsFromResource`` name the resource (an ARN)."""


def _live(what: str, arn_type: str, id_key: str, param: str, code: str) -> LiveEvents:
    """RDS's events for DB instances (``what`` = ``DBInstance``) or clusters; the describe
    takes the identifier or the ARN."""

    def gone(identifier: str, sc: SliceContext) -> Item:
        arn = (
            identifier
            if identifier.startswith("arn:")
            else sc.arn("rds", f"{arn_type}:{identifier}")
        )
        return {id_key: arn, "Arn": arn}

    parameter = f"requestParameters.d{what[1:]}Identifier"
    return LiveEvents(
        source="rds.amazonaws.com",
        upserts=(
            f"Create{what}",
            f"Modify{what}",
            f"Start{what}",
            f"Stop{what}",
            f"Reboot{what}",
            "AddTagsToResource",
            "RemoveTagsFromResource",
        ),
        deletes=(f"Delete{what}",),
        ids=(f"responseElements.d{what[1:]}Arn", parameter, TAGGED),
        filter=param,
        not_found=(code,),
        gone=gone,
        id_pattern=rf"^(?!arn:)|:{arn_type}:",
        native=ARN_TAG_CHANGE,
    )


ORDER = 80

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
        live_events=_live(
            "DBInstance",
            "db",
            "DBInstanceArn",
            "DBInstanceIdentifier",
            "DBInstanceNotFound",
        ),
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
        live_events=_live(
            "DBCluster",
            "cluster",
            "DBClusterArn",
            "DBClusterIdentifier",
            "DBClusterNotFoundFault",
        ),
        action_aliases=always("DescribeDBClustersAction", "ListTagsForResourceAction"),
    ),
]
