"""CloudWatch: metric and composite alarms, listed with their data; tags per alarm."""

from port_aws.catalog.calls import per_item_tags
from port_aws.catalog.model import Enrichment, ResourceType

TYPES = [
    ResourceType(
        kind="AWS::CloudWatch::Alarm",
        service="cloudwatch",
        operation="describe_alarms",
        params={"AlarmTypes": ["MetricAlarm", "CompositeAlarm"], "MaxRecords": 100},
        items="[MetricAlarms[], CompositeAlarms[]][]",
        id="Arn",
        arn="{AlarmArn}",
        tags=Enrichment(
            per_item_tags(
                "cloudwatch",
                "list_tags_for_resource",
                key="Arn",
                param="ResourceARN",
                answer="Tags",
            ),
            ("cloudwatch:ListTagsForResource",),
        ),
        permissions=("cloudwatch:DescribeAlarms",),
    ),
]
