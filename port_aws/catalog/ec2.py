"""EC2: instances (tags come with the list answer)."""

from port_aws.catalog.model import ResourceType

TYPES = [
    ResourceType(
        kind="AWS::EC2::Instance",
        service="ec2",
        operation="describe_instances",
        params={"MaxResults": 1000},
        items="Reservations[].Instances[]",
        id="InstanceId",
        arn="arn:{partition}:ec2:{region}:{account}:instance/{InstanceId}",
        permissions=("ec2:DescribeInstances",),
    ),
]
