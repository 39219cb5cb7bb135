"""Auto Scaling: groups (tags come with the describe answer)."""

from port_aws.catalog.model import LiveEvents, ResourceType
from port_aws.catalog.parts import tags_of

LIVE_EVENTS = LiveEvents(
    source="autoscaling.amazonaws.com",
    upserts=(
        "CreateAutoScalingGroup",
        "UpdateAutoScalingGroup",
        "SetDesiredCapacity",
        "SuspendProcesses",
        "ResumeProcesses",
        "CreateOrUpdateTags",
        "DeleteTags",
    ),
    deletes=("DeleteAutoScalingGroup",),
    ids=("requestParameters.autoScalingGroupName", "requestParameters.tags[].resourceId"),
    filter="AutoScalingGroupNames",
    not_found=(),
    gone=lambda name, sc: None,
)
"""A group's ARN holds an id that ``DeleteAutoScalingGroup`` does not name: a group being
deleted is read and upserted with its status, and a deleted one leaves at the next resync."""

ORDER = 170

TYPES = [
    ResourceType(
        kind="AWS::AutoScaling::AutoScalingGroup",
        service="autoscaling",
        operation="describe_auto_scaling_groups",
        params={"PaginationConfig": {"PageSize": 100}},
        items="AutoScalingGroups",
        id="AutoScalingGroupARN",
        arn="{AutoScalingGroupARN}",
        shape=tags_of(),
        live_events=LIVE_EVENTS,
    ),
]
