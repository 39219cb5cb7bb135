"""EC2: instances, volumes, VPCs, subnets and security groups (tags come with each list answer)."""

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
    ResourceType(
        kind="AWS::EC2::Volume",
        service="ec2",
        operation="describe_volumes",
        params={"MaxResults": 500},
        items="Volumes",
        id="VolumeId",
        arn="arn:{partition}:ec2:{region}:{account}:volume/{VolumeId}",
        permissions=("ec2:DescribeVolumes",),
    ),
    ResourceType(
        kind="AWS::EC2::VPC",
        service="ec2",
        operation="describe_vpcs",
        params={"MaxResults": 1000},
        items="Vpcs",
        id="VpcId",
        arn="arn:{partition}:ec2:{region}:{account}:vpc/{VpcId}",
        permissions=("ec2:DescribeVpcs",),
    ),
    ResourceType(
        kind="AWS::EC2::Subnet",
        service="ec2",
        operation="describe_subnets",
        params={"MaxResults": 1000},
        items="Subnets",
        id="SubnetId",
        arn="arn:{partition}:ec2:{region}:{account}:subnet/{SubnetId}",
        permissions=("ec2:DescribeSubnets",),
    ),
    ResourceType(
        kind="AWS::EC2::SecurityGroup",
        service="ec2",
        operation="describe_security_groups",
        params={"MaxResults": 1000},
        items="SecurityGroups",
        id="GroupId",
        arn="arn:{partition}:ec2:{region}:{account}:security-group/{GroupId}",
        permissions=("ec2:DescribeSecurityGroups",),
    ),
]
