"""Auto Scaling: groups (tags come with the describe answer)."""

from port_aws.catalog.calls import tags_of
from port_aws.catalog.model import ResourceType

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
        permissions=("autoscaling:DescribeAutoScalingGroups",),
    ),
]
