"""CloudWatch Logs: log groups (metadata only; log events are never read), tags per group."""

from port_aws.catalog.model import ARN_TAG_CHANGE, Item, LiveEvents, ResourceType, SliceContext
from port_aws.catalog.parts import field_is, read_listed, tagged


def _group(item: Item, _: SliceContext) -> Item:
    """``Arn`` is the log group's own ARN (``logGroupArn``), without the ``:*`` of ``arn``."""
    listed = str(item.get("Arn") or "")
    item["Arn"] = item.get("LogGroupArn") or listed.removesuffix(":*")
    return item


def _group_name(identifier: str) -> str:
    """A log group's name from its ARN (``…:log-group:/app/web[:*]``) or the name itself."""
    return identifier.split(":log-group:", 1)[-1].removesuffix(":*")


async def _group_named(sc: SliceContext, identifier: str) -> Item:
    name = _group_name(identifier)
    read = read_listed(
        "logs",
        "describe_log_groups",
        "logGroups",
        field_is("logGroupName"),
        logGroupNamePrefix=name,
    )
    return await read(sc, name)


LIVE_EVENTS = LiveEvents(
    source="logs.amazonaws.com",
    upserts=(
        "CreateLogGroup",
        "PutRetentionPolicy",
        "DeleteRetentionPolicy",
        "AssociateKmsKey",
        "DisassociateKmsKey",
        "TagLogGroup",
        "UntagLogGroup",
        "TagResource",
        "UntagResource",
    ),
    deletes=("DeleteLogGroup",),
    ids=("requestParameters.logGroupName", "requestParameters.resourceArn"),
    read=_group_named,
    not_found=(),
    gone=lambda i, sc: {"Arn": sc.arn("logs", f"log-group:{_group_name(i)}")},
    id_pattern=r"^(?!arn:)|:log-group:",
    native=ARN_TAG_CHANGE,
)

ORDER = 350

TYPES = [
    ResourceType(
        kind="AWS::Logs::LogGroup",
        service="logs",
        operation="describe_log_groups",
        params={"PaginationConfig": {"PageSize": 50}},
        items="logGroups",
        id="Arn",
        shape=_group,
        tags=tagged("Arn"),
        live_events=LIVE_EVENTS,
    ),
]
