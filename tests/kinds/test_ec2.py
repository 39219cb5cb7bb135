"""EC2 volumes, VPCs, subnets and security groups, seeded through the EC2 API and resynced."""

from tests.kinds.seed import auto_enable_io_answer
from tests.rig import DEFAULT_ACCOUNT, STATIC, Emulator, by_blueprint, mapping_for, resync

PREFIX = f"arn:aws:ec2:us-east-1:{DEFAULT_ACCOUNT}"


async def test_volumes_vpcs_subnets_security_groups(aws: Emulator) -> None:
    aws.list_regions(["us-east-1"])
    ec2 = aws.client("ec2", "us-east-1")
    name = [{"Key": "Name", "Value": "core"}]
    vpc = ec2.create_vpc(
        CidrBlock="10.10.0.0/16", TagSpecifications=[{"ResourceType": "vpc", "Tags": name}]
    )["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.10.1.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="web", Description="web tier", VpcId=vpc)["GroupId"]
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    instance = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, SubnetId=subnet)[
        "Instances"
    ][0]["InstanceId"]
    volume = ec2.create_volume(
        AvailabilityZone="us-east-1a",
        Size=20,
        VolumeType="gp3",
        TagSpecifications=[{"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": "data"}]}],
    )["VolumeId"]
    ec2.attach_volume(VolumeId=volume, InstanceId=instance, Device="/dev/sdf")

    result = await resync(
        STATIC,
        mapping_for(
            "AWS::EC2::Volume", "AWS::EC2::VPC", "AWS::EC2::Subnet", "AWS::EC2::SecurityGroup"
        ),
    )

    assert result.errors == []
    volumes = by_blueprint(result, "ec2Volume")
    data = volumes[f"{PREFIX}:volume/{volume}"]
    assert data["title"] == "data"
    assert data["properties"]["size"] == 20
    assert data["properties"]["volumeType"] == "gp3"
    assert data["properties"]["tags"] == [{"Key": "Name", "Value": "data"}]
    assert data["relations"]["instances"] == [f"{PREFIX}:instance/{instance}"]
    assert data["relations"]["account"] == DEFAULT_ACCOUNT

    vpcs = by_blueprint(result, "ec2Vpc")
    assert vpcs[f"{PREFIX}:vpc/{vpc}"]["title"] == "core"
    assert vpcs[f"{PREFIX}:vpc/{vpc}"]["properties"]["cidrBlock"] == "10.10.0.0/16"

    subnets = by_blueprint(result, "ec2Subnet")
    mine = subnets[f"{PREFIX}:subnet/{subnet}"]
    assert mine["properties"]["cidrBlock"] == "10.10.1.0/24"
    assert mine["relations"]["vpc"] == f"{PREFIX}:vpc/{vpc}"

    groups = by_blueprint(result, "ec2SecurityGroup")
    web = groups[f"{PREFIX}:security-group/{group}"]
    assert web["title"] == "web"
    assert web["properties"]["description"] == "web tier"
    assert web["relations"]["vpc"] == f"{PREFIX}:vpc/{vpc}"
    for entity in result.upserted_entities:
        assert entity["relations"]["account"] == DEFAULT_ACCOUNT


async def test_aws_v3_options_instance_status_and_auto_enable_io(aws: Emulator) -> None:
    """aws-v3's option names select the status and AutoEnableIO enrichments; when those calls
    fail, nothing is deleted."""
    aws.list_regions(["us-east-1"])
    ec2 = aws.client("ec2", "us-east-1")
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    instance = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1)["Instances"][0]
    volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=8)["VolumeId"]
    aws.answers([auto_enable_io_answer(volume)])
    mapping = mapping_for("AWS::EC2::Instance", "AWS::EC2::Volume")
    extra = {"status": ".Properties.InstanceStatus.Status", "io": ".Properties.AutoEnableIO"}
    for resource, action in zip(
        mapping["resources"],
        ["DescribeInstanceStatusAction", "DescribeVolumeAttributeAction"],
        strict=True,
    ):
        resource["selector"]["includeActions"] = [action]
        resource["port"]["entity"]["mappings"]["properties"].update(extra)

    clean = await resync(STATIC, mapping)

    assert clean.errors == []
    instance_arn = f"{PREFIX}:instance/{instance['InstanceId']}"
    volume_arn = f"{PREFIX}:volume/{volume}"
    assert by_blueprint(clean, "ec2Instance")[instance_arn]["properties"]["status"] == "ok"
    assert by_blueprint(clean, "ec2Volume")[volume_arn]["properties"]["io"] is True
    assert aws.count("ec2", "DescribeInstanceStatus") == 1  # one call for the page

    aws.faults(
        [
            {"service": "ec2", "action": action, "status": 403, "code": "UnauthorizedOperation"}
            for action in ("DescribeInstanceStatus", "DescribeVolumeAttribute")
        ]
    )
    existing = [
        {"identifier": e["identifier"], "blueprint": e["blueprint"], "properties": {}}
        for e in clean.upserted_entities
    ]
    faulty = await resync(STATIC, mapping, existing=existing)

    assert aws.count("ec2", "DescribeInstanceStatus") == 2  # the refused call was made
    assert faulty.deleted_entities == []


async def test_instance_role_through_its_instance_profile(aws: Emulator) -> None:
    """The role of an instance's profile, one IAM call per distinct profile; a refused IAM
    call fails the slice and deletes nothing."""
    aws.list_regions(["us-east-1"])
    iam = aws.client("iam")
    role = iam.create_role(RoleName="web", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    profile = iam.create_instance_profile(InstanceProfileName="web")["InstanceProfile"]["Arn"]
    iam.add_role_to_instance_profile(InstanceProfileName="web", RoleName="web")
    ec2 = aws.client("ec2", "us-east-1")
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    with_profile = [
        ec2.run_instances(
            ImageId=image, MinCount=1, MaxCount=1, IamInstanceProfile={"Arn": profile}
        )["Instances"][0]
        for _ in range(2)
    ]
    bare = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1)["Instances"][0]
    mapping = mapping_for("AWS::EC2::Instance")
    assert mapping["resources"][0]["selector"]["includeActions"] == ["GetInstanceProfile"]

    clean = await resync(STATIC, mapping)

    assert clean.errors == []
    instances = by_blueprint(clean, "ec2Instance")
    for instance in with_profile:
        assert instances[f"{PREFIX}:instance/{instance['InstanceId']}"]["relations"]["role"] == role
    assert instances[f"{PREFIX}:instance/{bare['InstanceId']}"]["relations"]["role"] is None
    assert aws.count("iam", "GetInstanceProfile") == 1

    aws.faults(
        [{"service": "iam", "action": "GetInstanceProfile", "status": 403, "code": "AccessDenied"}]
    )
    faulty = await resync(STATIC, mapping, existing=clean.upserted_entities)

    assert faulty.deleted_entities == []
    assert faulty.errors and "iam:GetInstanceProfile" in str(faulty.errors)
