"""IAM (global, read once per account): roles, users and customer managed policies.

The list answers omit tags; IAM has no batch tag read, so tags are read per entity.
"""

from port_aws.catalog.model import Enrichment, Item, LiveEvents, ResourceType, Scope, SliceContext
from port_aws.catalog.parts import field_is, per_item_tags, read_listed


def _named(
    kind: str, operation: str, items: str, key: str, **events: tuple[str, ...]
) -> LiveEvents:
    """IAM's events for roles or users: named, read from the list as the resync does (the
    Get calls answer other fields). A deleted one's ARN is built with the path ``/``: one
    under another path leaves at the next resync."""
    lower = kind.lower()
    return LiveEvents(
        source="iam.amazonaws.com",
        upserts=events["upserts"],
        deletes=(f"Delete{kind}",),
        ids=(
            f"responseElements.{lower}.{lower}Name",
            f"[requestParameters.{lower}Name, requestParameters.new{kind}Name]",
        ),
        read=read_listed("iam", operation, items, field_is(key)),
        not_found=(),
        gone=lambda name, sc: {
            key: name,
            "Arn": f"arn:{sc.partition}:iam::{sc.account.id}:{lower}/{name}",
        },
    )


async def _policy(sc: SliceContext, arn: str) -> Item:
    """A customer managed policy, from ListPolicies narrowed to the path in its ARN."""
    path = "/" + arn.split(":policy/", 1)[-1].rsplit("/", 1)[0] + "/" if arn.count("/") > 1 else "/"
    read = read_listed(
        "iam", "list_policies", "Policies", field_is("Arn"), Scope="Local", PathPrefix=path
    )
    return await read(sc, arn)


POLICY_EVENTS = LiveEvents(
    source="iam.amazonaws.com",
    upserts=(
        "CreatePolicy",
        "CreatePolicyVersion",
        "DeletePolicyVersion",
        "SetDefaultPolicyVersion",
        "TagPolicy",
        "UntagPolicy",
        "AttachRolePolicy",
        "DetachRolePolicy",
        "AttachUserPolicy",
        "DetachUserPolicy",
        "AttachGroupPolicy",
        "DetachGroupPolicy",
    ),
    deletes=("DeletePolicy",),
    ids=("responseElements.policy.arn", "requestParameters.policyArn"),
    read=_policy,
    not_found=(),
    gone=lambda arn, sc: {"Arn": arn},
    id_pattern=r"^arn:[^:]+:iam::[0-9]{12}:policy/",
)
"""Attaching and detaching change ``AttachmentCount``; AWS managed policies (not read by the
resync) are left out by the identifier pattern."""

ORDER = 150

TYPES = [
    ResourceType(
        kind="AWS::IAM::Role",
        service="iam",
        scope=Scope.GLOBAL,
        operation="list_roles",
        params={"PaginationConfig": {"PageSize": 1000}},
        items="Roles",
        id="RoleName",
        tags=Enrichment(
            per_item_tags("iam", "list_role_tags", key="RoleName", param="RoleName"),
            ("list_role_tags",),
        ),
        live_events=_named(
            "Role",
            "list_roles",
            "Roles",
            "RoleName",
            upserts=(
                "CreateRole",
                "CreateServiceLinkedRole",
                "UpdateRole",
                "UpdateRoleDescription",
                "UpdateAssumeRolePolicy",
                "PutRolePermissionsBoundary",
                "DeleteRolePermissionsBoundary",
                "TagRole",
                "UntagRole",
            ),
        ),
    ),
    ResourceType(
        kind="AWS::IAM::User",
        service="iam",
        scope=Scope.GLOBAL,
        operation="list_users",
        params={"PaginationConfig": {"PageSize": 1000}},
        items="Users",
        id="UserName",
        tags=Enrichment(
            per_item_tags("iam", "list_user_tags", key="UserName", param="UserName"),
            ("list_user_tags",),
        ),
        live_events=_named(
            "User",
            "list_users",
            "Users",
            "UserName",
            upserts=(
                "CreateUser",
                "UpdateUser",
                "PutUserPermissionsBoundary",
                "DeleteUserPermissionsBoundary",
                "TagUser",
                "UntagUser",
            ),
        ),
    ),
    ResourceType(
        kind="AWS::IAM::Policy",
        service="iam",
        scope=Scope.GLOBAL,
        operation="list_policies",
        params={"Scope": "Local", "PaginationConfig": {"PageSize": 1000}},
        items="Policies",
        id="Arn",
        tags=Enrichment(
            per_item_tags("iam", "list_policy_tags", key="Arn", param="PolicyArn"),
            ("list_policy_tags",),
        ),
        live_events=POLICY_EVENTS,
    ),
]
