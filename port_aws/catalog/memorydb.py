"""MemoryDB: users (tags per user: no batch tag read)."""

from port_aws.catalog.calls import always, per_item
from port_aws.catalog.model import Enrichment, ResourceType

TYPES = [
    ResourceType(
        kind="AWS::MemoryDB::User",
        service="memorydb",
        operation="describe_users",
        params={"PaginationConfig": {"PageSize": 100}},
        items="Users",
        id="ARN",
        arn="{ARN}",
        tags=Enrichment(
            per_item(
                "memorydb",
                "list_tags",
                key="ARN",
                param="ResourceArn",
                answer="TagList || `[]`",
                prop="TagList",
            ),
            ("memorydb:ListTags",),
        ),
        permissions=("memorydb:DescribeUsers",),
        action_aliases=always("DescribeMemoryDbUsersAction", "ListTagsForMemoryDbUserAction"),
    ),
]
