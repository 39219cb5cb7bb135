"""CloudWatch Logs: log groups (metadata only; log events are never read), tags per group."""

from port_aws.catalog.calls import tagged
from port_aws.catalog.model import Item, ResourceType, SliceContext


def _group(item: Item, _: SliceContext) -> Item:
    """``Arn`` is the log group's own ARN (``logGroupArn``), without the ``:*`` of ``arn``."""
    listed = str(item.get("Arn") or "")
    item["Arn"] = item.get("LogGroupArn") or listed.removesuffix(":*")
    return item


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
        permissions=("logs:DescribeLogGroups",),
    ),
]
