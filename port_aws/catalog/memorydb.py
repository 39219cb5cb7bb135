"""MemoryDB: users (tags per user: no batch tag read)."""

from port_aws.catalog.model import (
    ARN_TAG_CHANGE,
    Item,
    LiveEvents,
    ResourceType,
    SliceContext,
)
from port_aws.catalog.parts import always, last_part, tagged


def _user_gone(identifier: str, sc: SliceContext) -> Item:
    arn = sc.arn("memorydb", f"user/{last_part(identifier)}")
    return {"ARN": arn, "Arn": arn}


LIVE_EVENTS = LiveEvents(
    source="memorydb.amazonaws.com",
    upserts=("CreateUser", "UpdateUser", "TagResource", "UntagResource"),
    deletes=("DeleteUser",),
    ids=("requestParameters.userName", "requestParameters.resourceArn"),
    filter="UserName",
    filter_value=last_part,
    not_found=("UserNotFoundFault",),
    gone=_user_gone,
    id_pattern=r"^(?!arn:)|:user/",
    native=ARN_TAG_CHANGE,
)

ORDER = 110

TYPES = [
    ResourceType(
        kind="AWS::MemoryDB::User",
        service="memorydb",
        operation="describe_users",
        params={"PaginationConfig": {"PageSize": 100}},
        items="Users",
        id="ARN",
        arn="{ARN}",
        tags=tagged("ARN", prop="TagList"),
        live_events=LIVE_EVENTS,
        action_aliases=always("DescribeMemoryDbUsersAction", "ListTagsForMemoryDbUserAction"),
    ),
]
