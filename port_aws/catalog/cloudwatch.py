"""CloudWatch: metric and composite alarms, listed with their data; tags per alarm."""

from port_aws.catalog.calls import tagged
from port_aws.catalog.model import ResourceType

TYPES = [
    ResourceType(
        kind="AWS::CloudWatch::Alarm",
        service="cloudwatch",
        operation="describe_alarms",
        params={"AlarmTypes": ["MetricAlarm", "CompositeAlarm"], "MaxRecords": 100},
        items="[MetricAlarms[], CompositeAlarms[]][]",
        id="Arn",
        arn="{AlarmArn}",
        tags=tagged("Arn"),
        permissions=("cloudwatch:DescribeAlarms",),
    ),
]
