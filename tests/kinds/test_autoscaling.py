"""Auto Scaling groups, seeded through the Auto Scaling API and resynced (tags come with them)."""

from tests.rig import DEFAULT_ACCOUNT, STATIC, Emulator, by_blueprint, mapping_for, resync


async def test_groups_with_tags_and_instances(aws: Emulator) -> None:
    aws.list_regions(["us-east-1"])
    ec2 = aws.client("ec2", "us-east-1")
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    ec2.create_launch_template(
        LaunchTemplateName="web", LaunchTemplateData={"ImageId": image, "InstanceType": "t3.micro"}
    )
    autoscaling = aws.client("autoscaling", "us-east-1")
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName="web",
        LaunchTemplate={"LaunchTemplateName": "web"},
        MinSize=1,
        MaxSize=3,
        DesiredCapacity=1,
        AvailabilityZones=["us-east-1a"],
        Tags=[{"Key": "team", "Value": "web", "PropagateAtLaunch": True}],
    )

    result = await resync(STATIC, mapping_for("AWS::AutoScaling::AutoScalingGroup"))

    assert result.errors == []
    [(arn, group)] = by_blueprint(result, "autoScalingGroup").items()
    assert arn.startswith(f"arn:aws:autoscaling:us-east-1:{DEFAULT_ACCOUNT}:autoScalingGroup:")
    assert arn.endswith(":autoScalingGroupName/web")
    assert group["title"] == "web"
    assert group["properties"]["maxSize"] == 3
    assert group["properties"]["launchTemplate"] == "web"
    assert group["properties"]["tags"] == [{"Key": "team", "Value": "web"}]
    [instance] = group["relations"]["instances"]
    assert instance.startswith(f"arn:aws:ec2:us-east-1:{DEFAULT_ACCOUNT}:instance/i-")
    assert group["relations"]["account"] == DEFAULT_ACCOUNT
