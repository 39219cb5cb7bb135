"""IAM (global, read once per account): roles, users and customer managed policies.

The list answers omit tags; IAM has no batch tag read, so tags are read per entity.
"""

from port_aws.catalog.calls import per_item_tags
from port_aws.catalog.model import Enrichment, ResourceType

TYPES = [
    ResourceType(
        kind="AWS::IAM::Role",
        service="iam",
        global_service=True,
        operation="list_roles",
        params={"PaginationConfig": {"PageSize": 1000}},
        items="Roles",
        id="RoleName",
        tags=Enrichment(
            per_item_tags("iam", "list_role_tags", key="RoleName", param="RoleName"),
            ("iam:ListRoleTags",),
        ),
        permissions=("iam:ListRoles",),
    ),
    ResourceType(
        kind="AWS::IAM::User",
        service="iam",
        global_service=True,
        operation="list_users",
        params={"PaginationConfig": {"PageSize": 1000}},
        items="Users",
        id="UserName",
        tags=Enrichment(
            per_item_tags("iam", "list_user_tags", key="UserName", param="UserName"),
            ("iam:ListUserTags",),
        ),
        permissions=("iam:ListUsers",),
    ),
    ResourceType(
        kind="AWS::IAM::Policy",
        service="iam",
        global_service=True,
        operation="list_policies",
        params={"Scope": "Local", "PaginationConfig": {"PageSize": 1000}},
        items="Policies",
        id="Arn",
        tags=Enrichment(
            per_item_tags("iam", "list_policy_tags", key="Arn", param="PolicyArn"),
            ("iam:ListPolicyTags",),
        ),
        permissions=("iam:ListPolicies",),
    ),
]
