"""Load balancers and target groups, seeded through the ELBv2 API and resynced (tags read with
DescribeTags, 20 ARNs per call)."""

from tests.rig import DEFAULT_ACCOUNT, STATIC, Emulator, by_blueprint, mapping_for, resync


async def test_load_balancers_and_target_groups(aws: Emulator) -> None:
    aws.list_regions(["us-east-1"])
    ec2 = aws.client("ec2", "us-east-1")
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.20.{i}.0/24", AvailabilityZone=zone)["Subnet"][
            "SubnetId"
        ]
        for i, zone in enumerate(("us-east-1a", "us-east-1b"))
    ]
    elbv2 = aws.client("elbv2", "us-east-1")
    balancer = elbv2.create_load_balancer(
        Name="public", Subnets=subnets, Tags=[{"Key": "team", "Value": "edge"}]
    )["LoadBalancers"][0]["LoadBalancerArn"]
    group = elbv2.create_target_group(
        Name="web", Protocol="HTTP", Port=80, VpcId=vpc, Tags=[{"Key": "tier", "Value": "web"}]
    )["TargetGroups"][0]["TargetGroupArn"]
    elbv2.create_listener(
        LoadBalancerArn=balancer,
        Protocol="HTTP",
        Port=80,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": group}],
    )

    result = await resync(
        STATIC,
        mapping_for(
            "AWS::ElasticLoadBalancingV2::LoadBalancer", "AWS::ElasticLoadBalancingV2::TargetGroup"
        ),
    )

    assert result.errors == []
    balancers = by_blueprint(result, "loadBalancer")
    assert list(balancers) == [balancer]
    assert balancer.startswith(f"arn:aws:elasticloadbalancing:us-east-1:{DEFAULT_ACCOUNT}:")
    assert balancers[balancer]["title"] == "public"
    assert balancers[balancer]["properties"]["tags"] == [{"Key": "team", "Value": "edge"}]
    assert balancers[balancer]["relations"]["vpc"] == (
        f"arn:aws:ec2:us-east-1:{DEFAULT_ACCOUNT}:vpc/{vpc}"
    )
    groups = by_blueprint(result, "targetGroup")
    assert list(groups) == [group]
    assert groups[group]["properties"]["port"] == 80
    assert groups[group]["properties"]["tags"] == [{"Key": "tier", "Value": "web"}]
    assert groups[group]["relations"]["loadBalancers"] == [balancer]
    assert groups[group]["relations"]["account"] == DEFAULT_ACCOUNT
    assert aws.count("elasticloadbalancing", "DescribeTags") == 2
