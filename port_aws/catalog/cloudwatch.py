"""CloudWatch: metric and composite alarms, listed with their data; tags per alarm."""

from port_aws.catalog.model import LiveEvents, ResourceType
from port_aws.catalog.parts import last_part, tagged

ALARM_TYPES = ["MetricAlarm", "CompositeAlarm"]
ALARMS = "[MetricAlarms[], CompositeAlarms[]][]"


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
    filter="AlarmNames",
    filter_value=lambda i: last_part(i, ":alarm:"),
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
        live_events=LIVE_EVENTS,
    ),
]
