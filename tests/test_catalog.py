"""The catalog, its documentation, the spec, blueprints and default mappings agree; the IAM
actions each kind declares cover every call it really makes; batch forms are used."""

import json
import re
from collections import Counter
from typing import Any

import botocore.session
import yaml
from botocore import xform_name

from port_aws.catalog import ENGINE_ACTIONS, RESOURCE_TYPES, iam_action
from port_aws.resync import state as resync_state
from tests.kinds.seed import auto_enable_io_answer, lambda_zip
from tests.rig import DEFAULT_ACCOUNT, ROOT, STATIC, Emulator, default_mapping, resync

_SEEDED_SERVICES = {"s3", "ec2", "ecs", "ecr", "eks", "lambda", "rds", "dynamodb", "elasticache"}
_SEEDED_SERVICES |= {"memorydb", "kafka", "sqs", "sns", "iam", "elbv2", "autoscaling"}
SEEDED = [
    kind
    for kind, rt in RESOURCE_TYPES.items()
    if rt.service in _SEEDED_SERVICES and kind != "AWS::Account::Info"
]
"""Kinds ``_seed_one_of_each`` gives an item."""


def _docs_sections() -> dict[str, str]:
    text = (ROOT / "docs" / "kinds.md").read_text()
    parts = re.split(r"^## (AWS::\S+)\s*$", text, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def _documented_actions(section: str) -> set[str]:
    line = next(
        (ln for ln in section.splitlines() if ln.lower().startswith("- includeactions:")), None
    )
    assert line is not None, "a section lacks its '- includeActions:' line"
    return set(re.findall(r"`([A-Za-z0-9]+)`", line))


def test_catalog_docs_spec_blueprints_and_mappings_agree() -> None:
    sections = _docs_sections()
    spec = yaml.safe_load((ROOT / ".port" / "spec.yaml").read_text())
    spec_kinds = [r["kind"] for r in spec["features"][0]["resources"]]
    blueprints = {
        b["identifier"]: b
        for b in json.loads((ROOT / ".port" / "resources" / "blueprints.json").read_text())
    }
    mappings = {r["kind"]: r for r in default_mapping()["resources"]}

    assert len(spec_kinds) == len(set(spec_kinds)), "a kind is listed twice in spec.yaml"
    assert set(spec_kinds) == set(RESOURCE_TYPES)
    assert set(mappings) == set(RESOURCE_TYPES)
    for kind, rt in RESOURCE_TYPES.items():
        assert kind in sections, f"docs/kinds.md has no '## {kind}' section"
        assert _documented_actions(sections[kind]) == set(rt.enrichments), kind
        entity = mappings[kind]["port"]["entity"]["mappings"]
        blueprint = blueprints.get(json.loads(entity["blueprint"].strip("'")))
        assert blueprint is not None, f"{kind}: blueprint {entity['blueprint']} is not defined"
        assert set(entity.get("properties", {})) <= set(blueprint["schema"]["properties"]), kind
        assert set(entity.get("relations", {})) <= set(blueprint["relations"]), kind
        for relation in blueprint["relations"].values():
            assert relation["target"] in blueprints, f"{kind}: unknown target {relation}"
        for action in rt.all_permissions:
            assert re.fullmatch(r"[a-z0-9-]+:[A-Z][A-Za-z0-9]+", action), f"{kind}: {action}"


def _seed_one_of_each(aws: Emulator) -> None:
    """One item of every kind whose calls depend on items existing (tags, describes)."""
    region = "us-east-1"
    tag = [{"Key": "k", "Value": "v"}]
    aws.client("s3", region).create_bucket(Bucket="audit")
    ec2 = aws.client("ec2", region)
    ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)
    vpc = ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.30.{i}.0/24", AvailabilityZone=zone)["Subnet"][
            "SubnetId"
        ]
        for i, zone in enumerate(("us-east-1a", "us-east-1b"))
    ]
    ecs = aws.client("ecs", region)
    ecs.create_cluster(clusterName="c")
    ecs.register_task_definition(
        family="t", containerDefinitions=[{"name": "t", "image": "busybox", "memory": 64}]
    )
    ecs.create_service(cluster="c", serviceName="s", taskDefinition="t", desiredCount=0)
    aws.client("ecr", region).create_repository(repositoryName="repo")
    eks = aws.client("eks", region)
    role = f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/r"
    eks.create_cluster(name="e", roleArn=role, resourcesVpcConfig={"subnetIds": subnets})
    eks.create_nodegroup(clusterName="e", nodegroupName="n", nodeRole=role, subnets=subnets)
    iam = aws.client("iam")
    iam.create_role(RoleName="r", AssumeRolePolicyDocument="{}", Tags=tag)
    iam.create_user(UserName="u")
    iam.create_policy(
        PolicyName="p",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
            }
        ),
    )
    aws.client("lambda", region).create_function(
        FunctionName="f",
        Runtime="python3.12",
        Role=role,
        Handler="i.h",
        Code={"ZipFile": lambda_zip()},
    )
    rds = aws.client("rds", region)
    rds.create_db_cluster(
        DBClusterIdentifier="dc",
        Engine="aurora-mysql",
        MasterUsername="a",
        MasterUserPassword="x" * 12,
    )
    rds.create_db_instance(
        DBInstanceIdentifier="di",
        DBInstanceClass="db.t3.micro",
        Engine="aurora-mysql",
        DBClusterIdentifier="dc",
    )
    aws.client("dynamodb", region).create_table(
        TableName="d",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    aws.client("elasticache", region).create_cache_cluster(
        CacheClusterId="ec", Engine="redis", CacheNodeType="cache.t4g.micro", NumCacheNodes=1
    )
    aws.client("memorydb", region).create_user(
        UserName="mu", AccessString="on ~* +@read", AuthenticationMode={"Type": "iam"}
    )
    kafka = aws.client("kafka", region)
    kafka.create_cluster_v2(
        ClusterName="k",
        Provisioned={
            "BrokerNodeGroupInfo": {"InstanceType": "kafka.m5.large", "ClientSubnets": subnets},
            "KafkaVersion": "3.6.0",
            "NumberOfBrokerNodes": 2,
        },
    )
    kafka.create_cluster_v2(ClusterName="ks", Serverless={"VpcConfigs": [{"SubnetIds": subnets}]})
    aws.client("sqs", region).create_queue(QueueName="q")
    aws.client("sns", region).create_topic(Name="n")
    elbv2 = aws.client("elbv2", region)
    elbv2.create_load_balancer(Name="lb", Subnets=subnets)
    elbv2.create_target_group(Name="tg", Protocol="HTTP", Port=80, VpcId=vpc)
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    ec2.create_launch_template(LaunchTemplateName="tmpl", LaunchTemplateData={"ImageId": image})
    aws.client("autoscaling", region).create_auto_scaling_group(
        AutoScalingGroupName="g",
        LaunchTemplate={"LaunchTemplateName": "tmpl"},
        MinSize=1,
        MaxSize=1,
        AvailabilityZones=["us-east-1a"],
    )


async def test_declared_iam_actions_cover_every_call_made(aws: Emulator) -> None:
    aws.list_regions(["us-east-1"])
    _seed_one_of_each(aws)
    aws.answers([auto_enable_io_answer()])
    mapping: dict[str, Any] = default_mapping()
    for resource in mapping["resources"]:
        declared = RESOURCE_TYPES[resource["kind"]]
        resource["selector"]["includeActions"] = list(declared.enrichments)

    result = await resync(STATIC, mapping)

    assert result.errors == []
    assert resync_state._current is not None
    stats = {s.kind: s for s in resync_state._current[1].kinds}
    assert set(stats) == set(RESOURCE_TYPES)
    undeclared: dict[str, set[str]] = {}
    for kind, figures in stats.items():
        allowed = set(RESOURCE_TYPES[kind].all_permissions) | set(ENGINE_ACTIONS)
        called = {iam_action(*operation.split(":", 1)) for operation in figures.calls_by_operation}
        if called - allowed:
            undeclared[kind] = called - allowed
    assert undeclared == {}
    assert stats["AWS::SQS::Queue"].calls_by_operation["resourcegroupstaggingapi:GetResources"] == 1
    assert stats["AWS::Lambda::Function"].calls_by_operation["lambda:GetFunctionConcurrency"] == 1
    # every kind seeded here read its item, so the check above saw its describe and tag calls
    # (the other kinds' own tests run the same check on every resync: see tests/rig.py)
    for kind in SEEDED:
        assert stats[kind].items >= 1, kind
        assert stats[kind].calls_by_operation, kind


async def test_a_page_of_100_ecs_services_is_described_ten_at_a_time(aws: Emulator) -> None:
    aws.list_regions(["us-east-1"])
    ecs = aws.client("ecs", "us-east-1")
    ecs.create_cluster(clusterName="big")
    ecs.register_task_definition(
        family="t", containerDefinitions=[{"name": "t", "image": "busybox", "memory": 64}]
    )
    for n in range(100):
        ecs.create_service(
            cluster="big", serviceName=f"s{n:03}", taskDefinition="t", desiredCount=0
        )
    mapping = default_mapping()
    mapping["resources"] = [r for r in mapping["resources"] if r["kind"] == "AWS::ECS::Service"]
    before = Counter(aws.requests())

    result = await resync(STATIC, mapping)

    assert result.errors == []
    assert len(result.upserted_entities) == 100
    calls = Counter(aws.requests()) - before
    ecs_calls = {key.split(":")[1]: n for key, n in calls.items() if key.startswith("ecs:")}
    assert ecs_calls == {"ListClusters": 1, "ListServices": 1, "DescribeServices": 10}


def test_live_reads_narrow_the_kinds_own_call_by_a_parameter_it_has() -> None:
    """A kind's live re-read is its describe (or list) call with ``LiveEvents.filter``: the
    parameter exists in that operation (botocore's service model)."""
    session = botocore.session.get_session()
    derived = 0
    for kind, rt in RESOURCE_TYPES.items():
        live = rt.live_events
        if live is None or live.read is not None:
            continue
        operation = rt.describe.operation if rt.describe else rt.operation
        param = live.filter or (rt.describe.param if rt.describe else "")
        model = session.get_service_model(rt.service)
        names = {xform_name(name): name for name in model.operation_names}
        assert operation in names, kind
        assert param in model.operation_model(names[operation]).input_shape.members, kind
        derived += 1
    assert derived >= 13
