"""CloudWatch: metric and composite alarms, listed with their data; tags per alarm."""

from port_aws.catalog.calls import last_part, read_filtered, tagged
from port_aws.catalog.model import Item, LiveEvents, ResourceType, SliceContext

ALARM_TYPES = ["MetricAlarm", "CompositeAlarm"]
ALARMS = "[MetricAlarms[], CompositeAlarms[]][]"


async def _alarm(sc: SliceContext, identifier: str) -> Item:
    read = read_filtered(
        "cloudwatch", "describe_alarms", ALARMS, "AlarmNames", AlarmTypes=ALARM_TYPES
    )
    return await read(sc, last_part(identifier, ":alarm:"))


LIVE_EVENTS = LiveEvents(
    source="monitoring.amazonaws.com",
    upserts=(
        "PutMetricAlarm",
        "PutCompositeAlarm",
        "EnableAlarmActions",
        "DisableAlarmActions",
        "TagResource",
        "UntagResource",
    ),
    deletes=("DeleteAlarms",),
    ids=(
        "requestParameters.alarmName",
        "requestParameters.alarmNames",
        "requestParameters.resourceARN",
    ),
    read=_alarm,
    not_found=(),
    gone=lambda i, sc: {
        "Arn": sc.arn("cloudwatch", f"alarm:{last_part(i, ':alarm:')}"),
        "AlarmName": last_part(i, ":alarm:"),
    },
    id_pattern=r"^(?!arn:)|:alarm:",
)

ORDER = 340

TYPES = [
    ResourceType(
        kind="AWS::CloudWatch::Alarm",
        service="cloudwatch",
        operation="describe_alarms",
        params={"AlarmTypes": ALARM_TYPES, "MaxRecords": 100},
        items=ALARMS,
        id="Arn",
        arn="{AlarmArn}",
        tags=tagged("Arn"),
        permissions=("cloudwatch:DescribeAlarms",),
        live_events=LIVE_EVENTS,
    ),
]
