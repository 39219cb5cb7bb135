"""Live events: CloudTrail-shaped events re-read against the emulator."""

import asyncio
import copy
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from port_ocean.integration_testing import IntegrationTestHarness, InterceptTransport

from emulation.emulator import Emulator
from emulation.seeds import errors_alarm, pipeline_definition
from port_aws.catalog import ENGINE_ACTIONS, RESOURCE_TYPES, iam_action
from port_aws.catalog.model import EC2_STATE_CHANGE, TAG_CHANGE, KindOptions, ResourceType
from port_aws.config.settings import load_settings
from port_aws.live.events import (
    BadEvent,
    apply_event,
    cloudtrail_payload,
    key_matches,
    kinds_for,
    parse_event,
    read_again,
    resource_ids,
)
from port_aws.resync.state import ResyncRun, forget_run
from port_aws.resync.stats import KindStats, current_stats
from tests.kinds.seed import lambda_zip, service_role
from tests.rig import DEFAULT_ACCOUNT, ROOT, STATIC, mapping_for, stream_kind

REGION = "us-east-1"
QUEUE = RESOURCE_TYPES["AWS::SQS::Queue"]


def cloudtrail(
    name: str,
    request: dict[str, Any] | None = None,
    response: dict[str, Any] | None = None,
    account: str = DEFAULT_ACCOUNT,
    source: str = "sqs.amazonaws.com",
) -> dict[str, Any]:
    """An "AWS API Call via CloudTrail" event as EventBridge delivers it."""
    return cloudtrail_payload(account, REGION, source, name, request, response)


async def _apply(payload: dict[str, Any]) -> Any:
    event = parse_event(payload)
    (rt,) = kinds_for(event)
    run = ResyncRun(load_settings(STATIC))
    return await apply_event(rt, event, run, KindOptions())


async def test_create_upserts_what_a_resync_gives(aws: Emulator) -> None:
    url = aws.client("sqs", REGION).create_queue(QueueName="orders")["QueueUrl"]
    outcome = await _apply(cloudtrail("CreateQueue", {"queueName": "orders"}, {"queueUrl": url}))
    assert not outcome.deleted and not outcome.dropped
    (item,) = outcome.upserted
    assert item["Type"] == "AWS::SQS::Queue"
    assert item["Properties"]["QueueUrl"] == url
    assert item["Properties"]["Arn"].endswith(":orders")
    assert item["__ExtraContext"] == {"AccountId": DEFAULT_ACCOUNT, "Region": REGION}
    options = KindOptions.model_validate({"region_policy": {"allow": [REGION]}})
    resynced = [
        i
        async for batch in stream_kind(QUEUE, options, ResyncRun(load_settings(STATIC)))
        for i in batch
    ]
    assert resynced == [item]


async def test_delete_deletes_only_when_gone(aws: Emulator) -> None:
    sqs = aws.client("sqs", REGION)
    url = sqs.create_queue(QueueName="kept")["QueueUrl"]
    still_there = await _apply(cloudtrail("DeleteQueue", {"queueUrl": url}))
    assert still_there.deleted == [] and len(still_there.upserted) == 1
    sqs.delete_queue(QueueUrl=url)
    gone = await _apply(cloudtrail("DeleteQueue", {"queueUrl": url}))
    assert gone.upserted == []
    (deleted,) = gone.deleted
    assert deleted["Properties"]["Arn"] == f"arn:aws:sqs:{REGION}:{DEFAULT_ACCOUNT}:kept"


async def test_access_denied_keeps_the_entity(aws: Emulator) -> None:
    url = aws.client("sqs", REGION).create_queue(QueueName="locked")["QueueUrl"]
    aws.faults(
        [{"service": "sqs", "action": "GetQueueAttributes", "status": 403, "code": "AccessDenied"}]
    )
    outcome = await _apply(cloudtrail("SetQueueAttributes", {"queueUrl": url}))
    assert outcome.upserted == [] and outcome.deleted == []
    assert "AccessDenied" in outcome.dropped


async def test_account_outside_scope_is_ignored(aws: Emulator) -> None:
    url = aws.client("sqs", REGION).create_queue(QueueName="other")["QueueUrl"]
    outcome = await _apply(cloudtrail("TagQueue", {"queueUrl": url}, account="999999999999"))
    assert outcome.upserted == [] and outcome.deleted == []
    assert "outside the configured scope" in outcome.dropped


def test_api_key_compared_and_required() -> None:
    assert key_matches("s3cret", {"x-port-aws-ocean-api-key": "s3cret"})
    assert not key_matches("s3cret", {"x-port-aws-ocean-api-key": "wrong"})
    assert not key_matches("s3cret", {})
    assert not key_matches(None, {"x-port-aws-ocean-api-key": ""})
    key = "k3y-0f-at-least-16-chars"
    assert load_settings({"live_events_api_key": f" {key} "}).live_events_api_key == key


def native(detail_type: str, source: str, detail: dict[str, Any], resources: list[Any]) -> Any:
    """One of EventBridge's own events ("Tag Change on Resource", EC2's state changes)."""
    return {
        "version": "0",
        "id": "0a1b2c3d-4e5f-6789-abcd-ef0123456789",
        "detail-type": detail_type,
        "source": source,
        "account": DEFAULT_ACCOUNT,
        "time": "2026-11-29T01:00:00Z",
        "region": REGION,
        "resources": resources,
        "detail": detail,
    }


def tag_change(service: str, arn: str) -> Any:
    detail = {
        "changed-tag-keys": ["team"],
        "service": service,
        "resource-type": "resource",
        "version": 3,
        "tags": {"team": "live"},
    }
    return native("Tag Change on Resource", "aws.tag", detail, [arn])


def _malformed() -> list[tuple[Any, str]]:
    good = cloudtrail("DeleteQueue", {"queueUrl": "https://sqs/1/q"})

    def changed(path: list[str], value: Any) -> dict[str, Any]:
        event = copy.deepcopy(good)
        target = event
        for key in path[:-1]:
            target = target[key]
        if value is _DROP:
            del target[path[-1]]
        else:
            target[path[-1]] = value
        return event

    return [
        ([good], "JSON object"),
        ("text", "JSON object"),
        (changed(["detail-type"], "EC2 Spot Instance Interruption Warning"), "detail-type"),
        # a native event whose fields do not fit its detail-type
        (changed(["detail-type"], EC2_STATE_CHANGE), "source: expected aws.ec2"),
        (native(EC2_STATE_CHANGE, "aws.ec2", {"state": "running"}, []), "instance-id"),
        (native(TAG_CHANGE, "aws.tag", {"service": "SNS!"}, ["arn:aws:sns:x"]), "service"),
        (native(TAG_CHANGE, "aws.tag", {"service": "sns"}, []), "resources"),
        (native(TAG_CHANGE, "aws.tag", {"service": "sns"}, [7]), "resources"),
        (changed(["account"], "12"), "account"),
        (changed(["account"], _DROP), "account"),
        (changed(["region"], "Mars"), "region"),
        (changed(["detail"], "x"), "detail"),
        (changed(["detail", "eventSource"], "sqs"), "eventSource"),
        (changed(["detail", "eventName"], ""), "eventName"),
        (changed(["source"], "aws.s3"), "source"),
        (changed(["detail", "requestParameters"], ["x"]), "requestParameters"),
        (changed(["detail", "errorCode"], "AccessDenied"), "errorCode"),
    ]


_DROP = object()


@pytest.mark.parametrize(("payload", "reason"), _malformed())
def test_malformed_payloads_rejected_with_a_reason(payload: Any, reason: str) -> None:
    with pytest.raises(BadEvent, match=reason):
        parse_event(payload)


def test_events_of_undeclared_operations_match_no_kind() -> None:
    assert kinds_for(parse_event(cloudtrail("ReceiveMessage", {"queueUrl": "u"}))) == []
    # a tag change of a service no kind reads it from (SQS's tag events come from CloudTrail)
    assert kinds_for(parse_event(tag_change("sqs", "arn:aws:sqs:us-east-1:1:q"))) == []


def test_a_tag_change_names_only_the_kinds_whose_arn_it_is() -> None:
    """ECS tags clusters, services and task definitions alike: the ARN says which."""
    cluster = f"arn:aws:ecs:{REGION}:{DEFAULT_ACCOUNT}:cluster/apps"
    event = parse_event(tag_change("ecs", cluster))
    assert [rt.kind for rt in kinds_for(event)] == ["AWS::ECS::Cluster"]


async def test_sns_topic_created_then_deleted(aws: Emulator) -> None:
    sns = aws.client("sns", REGION)
    arn = sns.create_topic(Name="alerts")["TopicArn"]
    created = await _apply(
        cloudtrail("CreateTopic", {"name": "alerts"}, {"topicArn": arn}, source="sns.amazonaws.com")
    )
    (item,) = created.upserted
    assert item["Type"] == "AWS::SNS::Topic" and item["Properties"]["Arn"] == arn
    sns.delete_topic(TopicArn=arn)
    gone = await _apply(cloudtrail("DeleteTopic", {"topicArn": arn}, source="sns.amazonaws.com"))
    assert gone.upserted == [] and [d["Properties"]["Arn"] for d in gone.deleted] == [arn]


async def _until(check: Any, seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if check():
            return
        await asyncio.sleep(0.05)


async def webhook_app(
    key: str,
    mapping: dict[str, Any] | None = None,
    config: dict[str, Any] | None = None,
    **extra: Any,
) -> tuple[IntegrationTestHarness, Any]:
    """The integration in Ocean's harness with an SQS mapping (or ``mapping``), the static
    credentials (or ``config``) and ``liveEventsApiKey`` = key, its webhook route mounted and
    its webhook workers started (shut it down after)."""
    harness = IntegrationTestHarness(
        integration_path=str(ROOT),
        port_mapping_config=mapping or mapping_for("AWS::SQS::Queue"),
        third_party_transport=InterceptTransport(strict=False),
        config_overrides={
            "integration": {
                "identifier": "aws-test",
                "type": "aws-hosted-by-port",
                "config": {**(config or STATIC), "live_events_api_key": key},
            },
            "base_url": "http://localhost:8000",
        },
        **extra,
    )
    forget_run()
    await harness.start()
    app = harness._ocean
    assert app is not None
    await app.webhook_manager.start_processing_event_messages()
    app.fast_api_app.include_router(app.integration_router, prefix="/integration")
    return harness, app


async def test_events_posted_to_the_webhook_route(aws: Emulator) -> None:
    """Through Ocean's own route and webhook workers: wrong or missing key changes nothing; a
    create upserts the entity; a delete of a queue that is gone deletes it."""
    sqs = aws.client("sqs", REGION)
    url = sqs.create_queue(QueueName="orders")["QueueUrl"]
    arn = f"arn:aws:sqs:{REGION}:{DEFAULT_ACCOUNT}:orders"
    harness, app = await webhook_app(
        "the-right-key-0123",
        port_search_entities_response=[{"identifier": arn, "blueprint": "sqsQueue"}],
    )
    mock = harness.port_mock
    create = cloudtrail("CreateQueue", {"queueName": "orders"}, {"queueUrl": url})
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app.fast_api_app), base_url="http://ocean"
        ) as client:
            for headers in ({"x-port-aws-ocean-api-key": "wrong"}, {}):
                await client.post("/integration/webhook", json=create, headers=headers)
            await asyncio.sleep(0.5)
            assert mock.upserted_entities == [] and mock.deleted_entities == []

            key = {"x-port-aws-ocean-api-key": "the-right-key-0123"}
            answer = await client.post("/integration/webhook", json=create, headers=key)
            assert answer.status_code == 200
            await _until(lambda: mock.upserted_entities)
            assert [e["identifier"] for e in mock.upserted_entities] == [arn]

            sqs.delete_queue(QueueUrl=url)
            delete = cloudtrail("DeleteQueue", {"queueUrl": url})
            await client.post("/integration/webhook", json=delete, headers=key)
            await _until(lambda: mock.deleted_entities)
            assert [e["identifier"] for e in mock.deleted_entities] == [arn]
    finally:
        await harness.shutdown()
        forget_run()


# Every kind with live events (but those in NOT_ROUND_TRIPPED, with the reason): a create event
# upserts what a resync gives, a delete event for a resource that still exists keeps it, and
# once the resource is deleted the event deletes it.


@dataclass
class Seeded:
    """A resource seeded for a kind, with the events naming it (as CloudTrail records them)
    and how to delete it in the emulator."""

    kind: str
    create: dict[str, Any]
    delete: dict[str, Any]
    remove: Callable[[], Any]


Seeder = Callable[[Emulator], Seeded]
SEEDERS: dict[str, Seeder] = {}


def seeds(kind: str) -> Callable[[Seeder], Seeder]:
    def register(seeder: Seeder) -> Seeder:
        SEEDERS[kind] = seeder
        return seeder

    return register


@seeds("AWS::EC2::Instance")
def _instance(aws: Emulator) -> Seeded:
    ec2 = aws.client("ec2", REGION)
    (instance,) = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1)["Instances"]
    ident = instance["InstanceId"]
    ids = {"instancesSet": {"items": [{"instanceId": ident}]}}
    return Seeded(
        "AWS::EC2::Instance",
        cloudtrail("RunInstances", {"instanceType": "t2.micro"}, ids, source="ec2.amazonaws.com"),
        cloudtrail("TerminateInstances", ids, ids, source="ec2.amazonaws.com"),
        lambda: ec2.terminate_instances(InstanceIds=[ident]),
    )


def _ec2_tagged(*ids: str) -> dict[str, Any]:
    return {"resourcesSet": {"items": [{"resourceId": i} for i in ids]}, "tagSet": {"items": []}}


@seeds("AWS::EC2::SecurityGroup")
def _security_group(aws: Emulator) -> Seeded:
    ec2 = aws.client("ec2", REGION)
    group = ec2.create_security_group(GroupName="web", Description="web")["GroupId"]
    return Seeded(
        "AWS::EC2::SecurityGroup",
        cloudtrail(
            "CreateSecurityGroup",
            {"groupName": "web", "groupDescription": "web"},
            {"_return": True, "groupId": group},
            source="ec2.amazonaws.com",
        ),
        cloudtrail("DeleteSecurityGroup", {"groupId": group}, source="ec2.amazonaws.com"),
        lambda: ec2.delete_security_group(GroupId=group),
    )


@seeds("AWS::SQS::Queue")
def _queue(aws: Emulator) -> Seeded:
    sqs = aws.client("sqs", REGION)
    url = sqs.create_queue(QueueName="live-jobs", tags={"team": "a"})["QueueUrl"]
    return Seeded(
        "AWS::SQS::Queue",
        cloudtrail("CreateQueue", {"queueName": "live-jobs"}, {"queueUrl": url}),
        cloudtrail("DeleteQueue", {"queueUrl": url}),
        lambda: sqs.delete_queue(QueueUrl=url),
    )


@seeds("AWS::SNS::Topic")
def _topic(aws: Emulator) -> Seeded:
    sns = aws.client("sns", REGION)
    arn = sns.create_topic(Name="live-alerts")["TopicArn"]
    source = "sns.amazonaws.com"
    return Seeded(
        "AWS::SNS::Topic",
        cloudtrail("CreateTopic", {"name": "live-alerts"}, {"topicArn": arn}, source=source),
        cloudtrail("DeleteTopic", {"topicArn": arn}, source=source),
        lambda: sns.delete_topic(TopicArn=arn),
    )


def _event(source: str, name: str, request: Any = None, response: Any = None) -> dict[str, Any]:
    return cloudtrail(name, request, response, source=f"{source}.amazonaws.com")


@seeds("AWS::ECR::Repository")
def _repository(aws: Emulator) -> Seeded:
    ecr = aws.client("ecr", REGION)
    repository = ecr.create_repository(repositoryName="team/live")["repository"]
    return Seeded(
        "AWS::ECR::Repository",
        _event(
            "ecr", "CreateRepository", {"repositoryName": "team/live"}, {"repository": repository}
        ),
        _event("ecr", "DeleteRepository", {"repositoryName": "team/live", "force": True}),
        lambda: ecr.delete_repository(repositoryName="team/live", force=True),
    )


@seeds("AWS::RDS::DBInstance")
def _db_instance(aws: Emulator) -> Seeded:
    rds = aws.client("rds", REGION)
    rds.create_db_instance(
        DBInstanceIdentifier="live-orders",
        DBInstanceClass="db.t3.micro",
        Engine="postgres",
        MasterUsername="app",
        MasterUserPassword="not-read-here",
        AllocatedStorage=20,
    )
    arn = f"arn:aws:rds:{REGION}:{DEFAULT_ACCOUNT}:db:live-orders"
    return Seeded(
        "AWS::RDS::DBInstance",
        _event(
            "rds",
            "CreateDBInstance",
            {"dBInstanceIdentifier": "live-orders"},
            {"dBInstanceArn": arn},
        ),
        _event("rds", "DeleteDBInstance", {"dBInstanceIdentifier": "live-orders"}),
        lambda: rds.delete_db_instance(DBInstanceIdentifier="live-orders", SkipFinalSnapshot=True),
    )


@seeds("AWS::ElastiCache::Cluster")
def _cache_cluster(aws: Emulator) -> Seeded:
    cache = aws.client("elasticache", REGION)
    cache.create_cache_cluster(
        CacheClusterId="live-sessions",
        Engine="redis",
        CacheNodeType="cache.t3.micro",
        NumCacheNodes=1,
    )
    return Seeded(
        "AWS::ElastiCache::Cluster",
        _event("elasticache", "CreateCacheCluster", {"cacheClusterId": "live-sessions"}),
        _event("elasticache", "DeleteCacheCluster", {"cacheClusterId": "live-sessions"}),
        lambda: cache.delete_cache_cluster(CacheClusterId="live-sessions"),
    )


@seeds("AWS::MemoryDB::User")
def _memorydb_user(aws: Emulator) -> Seeded:
    memorydb = aws.client("memorydb", REGION)
    memorydb.create_user(
        UserName="live-reader", AccessString="on ~* +@read", AuthenticationMode={"Type": "iam"}
    )
    return Seeded(
        "AWS::MemoryDB::User",
        _event("memorydb", "CreateUser", {"userName": "live-reader"}),
        _event("memorydb", "DeleteUser", {"userName": "live-reader"}),
        lambda: memorydb.delete_user(UserName="live-reader"),
    )


def _subnets(aws: Emulator) -> list[str]:
    return [s["SubnetId"] for s in aws.client("ec2", REGION).describe_subnets()["Subnets"]][:2]


@seeds("AWS::ElasticLoadBalancingV2::LoadBalancer")
def _load_balancer(aws: Emulator) -> Seeded:
    elbv2 = aws.client("elbv2", REGION)
    (balancer,) = elbv2.create_load_balancer(Name="live-web", Subnets=_subnets(aws))[
        "LoadBalancers"
    ]
    arn = balancer["LoadBalancerArn"]
    return Seeded(
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        _event(
            "elasticloadbalancing",
            "CreateLoadBalancer",
            {"name": "live-web"},
            {"loadBalancers": [{"loadBalancerArn": arn}]},
        ),
        _event("elasticloadbalancing", "DeleteLoadBalancer", {"loadBalancerArn": arn}),
        lambda: elbv2.delete_load_balancer(LoadBalancerArn=arn),
    )


@seeds("AWS::AutoScaling::AutoScalingGroup")
def _auto_scaling_group(aws: Emulator) -> Seeded:
    scaling = aws.client("autoscaling", REGION)
    scaling.create_launch_configuration(
        LaunchConfigurationName="live-web", ImageId="ami-12c6146b", InstanceType="t3.micro"
    )
    scaling.create_auto_scaling_group(
        AutoScalingGroupName="live-web",
        LaunchConfigurationName="live-web",
        MinSize=0,
        MaxSize=1,
        VPCZoneIdentifier=_subnets(aws)[0],
    )
    name = {"autoScalingGroupName": "live-web"}
    return Seeded(
        "AWS::AutoScaling::AutoScalingGroup",
        _event("autoscaling", "CreateAutoScalingGroup", name),
        _event("autoscaling", "DeleteAutoScalingGroup", name),
        lambda: scaling.delete_auto_scaling_group(AutoScalingGroupName="live-web"),
    )


@seeds("AWS::CodeBuild::Project")
def _codebuild_project(aws: Emulator) -> Seeded:
    codebuild = aws.client("codebuild", REGION)
    codebuild.create_project(
        name="live-app",
        source={"type": "S3", "location": "bucket/src.zip"},
        artifacts={"type": "NO_ARTIFACTS"},
        environment={
            "type": "LINUX_CONTAINER",
            "image": "aws/codebuild/standard:7.0",
            "computeType": "BUILD_GENERAL1_SMALL",
            "environmentVariables": [{"name": "TOKEN", "value": "s3cret", "type": "PLAINTEXT"}],
        },
        serviceRole=f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/ci",
    )
    return Seeded(
        "AWS::CodeBuild::Project",
        _event("codebuild", "CreateProject", {"name": "live-app"}),
        _event("codebuild", "DeleteProject", {"name": "live-app"}),
        lambda: codebuild.delete_project(name="live-app"),
    )


@seeds("AWS::CloudFormation::Stack")
def _stack(aws: Emulator) -> Seeded:
    cloudformation = aws.client("cloudformation", REGION)
    template = {"Resources": {"Topic": {"Type": "AWS::SNS::Topic", "Properties": {}}}}
    stack = cloudformation.create_stack(StackName="live-network", TemplateBody=json.dumps(template))
    return Seeded(
        "AWS::CloudFormation::Stack",
        _event("cloudformation", "CreateStack", {"stackName": "live-network"}, stack),
        _event("cloudformation", "DeleteStack", {"stackName": stack["StackId"]}),
        lambda: cloudformation.delete_stack(StackName="live-network"),
    )


@seeds("AWS::EFS::FileSystem")
def _file_system(aws: Emulator) -> Seeded:
    efs = aws.client("efs", REGION)
    system = efs.create_file_system(CreationToken="live-shared")["FileSystemId"]
    return Seeded(
        "AWS::EFS::FileSystem",
        _event(
            "elasticfilesystem",
            "CreateFileSystem",
            {"creationToken": "live-shared"},
            {"fileSystemId": system},
        ),
        _event("elasticfilesystem", "DeleteFileSystem", {"fileSystemId": system}),
        lambda: efs.delete_file_system(FileSystemId=system),
    )


@seeds("AWS::CloudWatch::Alarm")
def _alarm(aws: Emulator) -> Seeded:
    cloudwatch = aws.client("cloudwatch", REGION)
    errors_alarm(lambda service: aws.client(service, REGION), "live-errors")
    return Seeded(
        "AWS::CloudWatch::Alarm",
        _event("monitoring", "PutMetricAlarm", {"alarmName": "live-errors", "period": 60}),
        _event("monitoring", "DeleteAlarms", {"alarmNames": ["live-errors"]}),
        lambda: cloudwatch.delete_alarms(AlarmNames=["live-errors"]),
    )


@seeds("AWS::Logs::LogGroup")
def _log_group(aws: Emulator) -> Seeded:
    logs = aws.client("logs", REGION)
    logs.create_log_group(logGroupName="/live/app")
    logs.create_log_group(logGroupName="/live/app-other")  # a prefix match that is not it
    return Seeded(
        "AWS::Logs::LogGroup",
        _event("logs", "CreateLogGroup", {"logGroupName": "/live/app"}),
        _event("logs", "DeleteLogGroup", {"logGroupName": "/live/app"}),
        lambda: logs.delete_log_group(logGroupName="/live/app"),
    )


@seeds("AWS::ApiGateway::RestApi")
def _rest_api(aws: Emulator) -> Seeded:
    apigateway = aws.client("apigateway", REGION)
    api = apigateway.create_rest_api(name="live-orders")["id"]
    return Seeded(
        "AWS::ApiGateway::RestApi",
        _event(
            "apigateway",
            "CreateRestApi",
            {"name": "live-orders"},
            {"id": api, "name": "live-orders"},
        ),
        _event("apigateway", "DeleteRestApi", {"restApiId": api}),
        lambda: apigateway.delete_rest_api(restApiId=api),
    )


@seeds("AWS::ApiGatewayV2::Api")
def _http_api(aws: Emulator) -> Seeded:
    apigateway = aws.client("apigatewayv2", REGION)
    api = apigateway.create_api(Name="live-events", ProtocolType="HTTP")["ApiId"]
    return Seeded(
        "AWS::ApiGatewayV2::Api",
        _event("apigateway", "CreateApi", {"name": "live-events"}, {"apiId": api}),
        _event("apigateway", "DeleteApi", {"apiId": api}),
        lambda: apigateway.delete_api(ApiId=api),
    )


@seeds("AWS::Kinesis::Stream")
def _stream(aws: Emulator) -> Seeded:
    kinesis = aws.client("kinesis", REGION)
    kinesis.create_stream(StreamName="live-clicks", ShardCount=1)
    return Seeded(
        "AWS::Kinesis::Stream",
        _event("kinesis", "CreateStream", {"streamName": "live-clicks", "shardCount": 1}),
        _event("kinesis", "DeleteStream", {"streamName": "live-clicks"}),
        lambda: kinesis.delete_stream(StreamName="live-clicks"),
    )


@seeds("AWS::SecretsManager::Secret")
def _secret(aws: Emulator) -> Seeded:
    secrets = aws.client("secretsmanager", REGION)
    arn = secrets.create_secret(Name="live/db", SecretString="not-read-here")["ARN"]
    secrets.create_secret(Name="live/db-replica", SecretString="not-read-here")
    return Seeded(
        "AWS::SecretsManager::Secret",
        _event(
            "secretsmanager", "CreateSecret", {"name": "live/db"}, {"aRN": arn, "name": "live/db"}
        ),
        _event("secretsmanager", "DeleteSecret", {"secretId": arn}),
        lambda: secrets.delete_secret(SecretId=arn, ForceDeleteWithoutRecovery=True),
    )


@seeds("AWS::CertificateManager::Certificate")
def _certificate(aws: Emulator) -> Seeded:
    acm = aws.client("acm", REGION)
    arn = acm.request_certificate(DomainName="live.example.com")["CertificateArn"]
    return Seeded(
        "AWS::CertificateManager::Certificate",
        _event(
            "acm", "RequestCertificate", {"domainName": "live.example.com"}, {"certificateArn": arn}
        ),
        _event("acm", "DeleteCertificate", {"certificateArn": arn}),
        lambda: acm.delete_certificate(CertificateArn=arn),
    )


@seeds("AWS::Route53::HostedZone")
def _hosted_zone(aws: Emulator) -> Seeded:
    route53 = aws.client("route53", REGION)
    zone = route53.create_hosted_zone(Name="live.example.com", CallerReference="live")["HostedZone"]
    return Seeded(
        "AWS::Route53::HostedZone",
        _event(
            "route53",
            "CreateHostedZone",
            {"name": "live.example.com"},
            {"hostedZone": {"id": zone["Id"]}},
        ),
        _event("route53", "DeleteHostedZone", {"id": zone["Id"].rsplit("/", 1)[-1]}),
        lambda: route53.delete_hosted_zone(Id=zone["Id"]),
    )


@seeds("AWS::CloudFront::Distribution")
def _distribution(aws: Emulator) -> Seeded:
    cloudfront = aws.client("cloudfront", REGION)
    origin = {
        "Id": "site",
        "DomainName": "site.s3.amazonaws.com",
        "S3OriginConfig": {"OriginAccessIdentity": ""},
    }
    config = {
        "CallerReference": "live",
        "Comment": "live",
        "Enabled": False,
        "Origins": {"Quantity": 1, "Items": [origin]},
        "DefaultCacheBehavior": {
            "TargetOriginId": "site",
            "ViewerProtocolPolicy": "allow-all",
            "MinTTL": 0,
        },
    }
    distribution = cloudfront.create_distribution(DistributionConfig=config)
    ident, etag = distribution["Distribution"]["Id"], distribution["ETag"]
    return Seeded(
        "AWS::CloudFront::Distribution",
        _event("cloudfront", "CreateDistribution", {}, {"distribution": {"id": ident}}),
        _event("cloudfront", "DeleteDistribution", {"id": ident}),
        lambda: cloudfront.delete_distribution(Id=ident, IfMatch=etag),
    )


@seeds("AWS::S3::Bucket")
def _bucket(aws: Emulator) -> Seeded:
    s3 = aws.client("s3", REGION)
    s3.create_bucket(Bucket="live-audit")
    s3.create_bucket(Bucket="live-audit-archive")  # a prefix match that is not it
    name = {"bucketName": "live-audit", "Host": "live-audit.s3.amazonaws.com"}
    return Seeded(
        "AWS::S3::Bucket",
        _event("s3", "CreateBucket", name),
        _event("s3", "DeleteBucket", name),
        lambda: s3.delete_bucket(Bucket="live-audit"),
    )


@seeds("AWS::ECS::Cluster")
def _ecs_cluster(aws: Emulator) -> Seeded:
    ecs = aws.client("ecs", REGION)
    cluster = ecs.create_cluster(clusterName="live-apps")["cluster"]
    return Seeded(
        "AWS::ECS::Cluster",
        _event("ecs", "CreateCluster", {"clusterName": "live-apps"}, {"cluster": cluster}),
        _event("ecs", "DeleteCluster", {"cluster": "live-apps"}),
        lambda: ecs.delete_cluster(cluster="live-apps"),
    )


@seeds("AWS::EKS::Cluster")
def _eks_cluster(aws: Emulator) -> Seeded:
    eks = aws.client("eks", REGION)
    eks.create_cluster(
        name="live-platform",
        roleArn=f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/eks",
        resourcesVpcConfig={"subnetIds": _subnets(aws)},
    )
    return Seeded(
        "AWS::EKS::Cluster",
        _event("eks", "CreateCluster", {"name": "live-platform"}),
        _event("eks", "DeleteCluster", {"name": "live-platform"}),
        lambda: eks.delete_cluster(name="live-platform"),
    )


@seeds("AWS::Lambda::Function")
def _function(aws: Emulator) -> Seeded:
    functions = aws.client("lambda", REGION)
    arn = functions.create_function(
        FunctionName="live-worker",
        Runtime="python3.12",
        Role=service_role(aws, "live-lambda"),
        Handler="index.handler",
        Code={"ZipFile": lambda_zip()},
        Environment={"Variables": {"API_TOKEN": "s3cret"}},
        Tags={"team": "a"},
    )["FunctionArn"]
    return Seeded(
        "AWS::Lambda::Function",
        _event(
            "lambda",
            "CreateFunction20150331",
            {"functionName": "live-worker"},
            {"functionArn": arn},
        ),
        _event("lambda", "DeleteFunction20150331", {"functionName": "live-worker"}),
        lambda: functions.delete_function(FunctionName="live-worker"),
    )


@seeds("AWS::DynamoDB::Table")
def _table(aws: Emulator) -> Seeded:
    dynamodb = aws.client("dynamodb", REGION)
    dynamodb.create_table(
        TableName="live-orders",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    name = {"tableName": "live-orders"}
    return Seeded(
        "AWS::DynamoDB::Table",
        _event("dynamodb", "CreateTable", name),
        _event("dynamodb", "DeleteTable", name),
        lambda: dynamodb.delete_table(TableName="live-orders"),
    )


@seeds("AWS::MSK::Cluster")
def _msk_cluster(aws: Emulator) -> Seeded:
    kafka = aws.client("kafka", REGION)
    kafka.create_cluster_v2(
        ClusterName="live-stream", Serverless={"VpcConfigs": [{"SubnetIds": _subnets(aws)}]}
    )
    arn = kafka.create_cluster_v2(
        ClusterName="live",
        Provisioned={
            "BrokerNodeGroupInfo": {
                "InstanceType": "kafka.t3.small",
                "ClientSubnets": _subnets(aws),
            },
            "KafkaVersion": "3.6.0",
            "NumberOfBrokerNodes": 2,
        },
    )["ClusterArn"]
    return Seeded(
        "AWS::MSK::Cluster",
        _event("kafka", "CreateClusterV2", {"clusterName": "live"}, {"clusterArn": arn}),
        _event("kafka", "DeleteCluster", {"clusterArn": arn}),
        lambda: kafka.delete_cluster(ClusterArn=arn),
    )


@seeds("AWS::IAM::Role")
def _role(aws: Emulator) -> Seeded:
    iam = aws.client("iam")
    trust = {"Version": "2012-10-17", "Statement": []}
    role = iam.create_role(RoleName="live-deployer", AssumeRolePolicyDocument=json.dumps(trust))[
        "Role"
    ]
    return Seeded(
        "AWS::IAM::Role",
        _event(
            "iam",
            "CreateRole",
            {"roleName": "live-deployer"},
            {"role": {"roleName": "live-deployer", "arn": role["Arn"]}},
        ),
        _event("iam", "DeleteRole", {"roleName": "live-deployer"}),
        lambda: iam.delete_role(RoleName="live-deployer"),
    )


@seeds("AWS::SES::ConfigurationSet")
def _configuration_set(aws: Emulator) -> Seeded:
    ses = aws.client("sesv2", REGION)
    ses.create_configuration_set(ConfigurationSetName="live-mail")
    name = {"configurationSetName": "live-mail"}
    return Seeded(
        "AWS::SES::ConfigurationSet",
        _event("ses", "CreateConfigurationSet", name),
        _event("ses", "DeleteConfigurationSet", name),
        lambda: ses.delete_configuration_set(ConfigurationSetName="live-mail"),
    )


@seeds("AWS::CodeDeploy::Application")
def _codedeploy_application(aws: Emulator) -> Seeded:
    codedeploy = aws.client("codedeploy", REGION)
    codedeploy.create_application(applicationName="live-web", computePlatform="Server")
    name = {"applicationName": "live-web"}
    return Seeded(
        "AWS::CodeDeploy::Application",
        _event("codedeploy", "CreateApplication", name),
        _event("codedeploy", "DeleteApplication", name),
        # the emulator cannot delete applications: it answers as AWS does for an unknown one
        lambda: aws.faults(
            [
                {
                    "service": "codedeploy",
                    "action": "BatchGetApplications",
                    "status": 400,
                    "code": "ApplicationDoesNotExistException",
                }
            ]
        ),
    )


@seeds("AWS::CodePipeline::Pipeline")
def _pipeline(aws: Emulator) -> Seeded:
    codepipeline = aws.client("codepipeline", REGION)
    codepipeline.create_pipeline(pipeline=pipeline_definition("live-deliver", service_role(aws)))
    return Seeded(
        "AWS::CodePipeline::Pipeline",
        _event("codepipeline", "CreatePipeline", {"pipeline": {"name": "live-deliver"}}),
        _event("codepipeline", "DeletePipeline", {"name": "live-deliver"}),
        lambda: codepipeline.delete_pipeline(name="live-deliver"),
    )


@seeds("AWS::StepFunctions::StateMachine")
def _state_machine(aws: Emulator) -> Seeded:
    states = aws.client("stepfunctions", REGION)
    arn = states.create_state_machine(
        name="live-checkout",
        definition=json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}),
        roleArn=f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/states",
    )["stateMachineArn"]
    return Seeded(
        "AWS::StepFunctions::StateMachine",
        _event("states", "CreateStateMachine", {"name": "live-checkout"}, {"stateMachineArn": arn}),
        _event("states", "DeleteStateMachine", {"stateMachineArn": arn}),
        lambda: states.delete_state_machine(stateMachineArn=arn),
    )


@seeds("AWS::KMS::Key")
def _key(aws: Emulator) -> Seeded:
    kms = aws.client("kms", REGION)
    key = kms.create_key(Description="live data key")["KeyMetadata"]["KeyId"]
    return Seeded(
        "AWS::KMS::Key",
        _event(
            "kms", "CreateKey", {"description": "live data key"}, {"keyMetadata": {"keyId": key}}
        ),
        _event("kms", "ScheduleKeyDeletion", {"keyId": key, "pendingWindowInDays": 7}),
        lambda: kms.schedule_key_deletion(KeyId=key, PendingWindowInDays=7),
    )


@seeds("AWS::OpenSearchService::Domain")
def _domain(aws: Emulator) -> Seeded:
    opensearch = aws.client("opensearch", REGION)
    opensearch.create_domain(DomainName="live-search")
    name = {"domainName": "live-search"}
    return Seeded(
        "AWS::OpenSearchService::Domain",
        _event("es", "CreateDomain", name),
        _event("es", "DeleteDomain", name),
        lambda: opensearch.delete_domain(DomainName="live-search"),
    )


@seeds("AWS::Events::Rule")
def _rule(aws: Emulator) -> Seeded:
    events = aws.client("events", REGION)
    arn = events.put_rule(Name="live-nightly", ScheduleExpression="rate(1 day)")["RuleArn"]
    events.put_rule(Name="live-nightly-2", ScheduleExpression="rate(1 day)")
    return Seeded(
        "AWS::Events::Rule",
        _event("events", "PutRule", {"name": "live-nightly"}, {"ruleArn": arn}),
        _event("events", "DeleteRule", {"name": "live-nightly"}),
        lambda: events.delete_rule(Name="live-nightly"),
    )


@seeds("AWS::ECS::Service")
def _ecs_service(aws: Emulator) -> Seeded:
    ecs = aws.client("ecs", REGION)
    ecs.create_cluster(clusterName="live-services")
    ecs.register_task_definition(
        family="live-web", containerDefinitions=[{"name": "web", "image": "nginx", "memory": 64}]
    )
    service = ecs.create_service(
        cluster="live-services", serviceName="web", taskDefinition="live-web"
    )["service"]
    return Seeded(
        "AWS::ECS::Service",
        _event("ecs", "CreateService", {"serviceName": "web"}, {"service": service}),
        _event("ecs", "DeleteService", {"service": "web"}, {"service": service}),
        lambda: ecs.delete_service(cluster="live-services", service="web", force=True),
    )


def _resync_run() -> ResyncRun:
    """A resync's own run (a resync closes its clients at its end; live events keep theirs)."""
    return ResyncRun(load_settings(STATIC))


@pytest.fixture(scope="module")
def run() -> ResyncRun:
    """Accounts and regions discovered once for the module (as live events share them)."""
    return ResyncRun(load_settings(STATIC))


@seeds("AWS::ECS::TaskDefinition")
def _task_definition(aws: Emulator) -> Seeded:
    ecs = aws.client("ecs", REGION)
    definition = ecs.register_task_definition(
        family="live-job",
        containerDefinitions=[
            {
                "name": "job",
                "image": "busybox",
                "memory": 64,
                "environment": [{"name": "API_TOKEN", "value": "s3cret"}],
            }
        ],
    )["taskDefinition"]
    arn = {"taskDefinition": {"taskDefinitionArn": definition["taskDefinitionArn"]}}
    return Seeded(
        "AWS::ECS::TaskDefinition",
        _event("ecs", "RegisterTaskDefinition", {"family": "live-job"}, arn),
        _event("ecs", "DeregisterTaskDefinition", {"taskDefinition": "live-job:1"}, arn),
        lambda: ecs.deregister_task_definition(taskDefinition=definition["taskDefinitionArn"]),
    )


@seeds("AWS::MSK::ServerlessCluster")
def _msk_serverless(aws: Emulator) -> Seeded:
    kafka = aws.client("kafka", REGION)
    arn = kafka.create_cluster_v2(
        ClusterName="live-serverless", Serverless={"VpcConfigs": [{"SubnetIds": _subnets(aws)}]}
    )["ClusterArn"]
    return Seeded(
        "AWS::MSK::ServerlessCluster",
        _event("kafka", "CreateClusterV2", {"clusterName": "live-serverless"}, {"clusterArn": arn}),
        _event("kafka", "DeleteCluster", {"clusterArn": arn}),
        lambda: kafka.delete_cluster(ClusterArn=arn),
    )


@seeds("AWS::IAM::Policy")
def _policy(aws: Emulator) -> Seeded:
    iam = aws.client("iam")
    document = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
    }
    arn = iam.create_policy(
        PolicyName="live-read", Path="/team/", PolicyDocument=json.dumps(document)
    )["Policy"]["Arn"]
    return Seeded(
        "AWS::IAM::Policy",
        _event("iam", "CreatePolicy", {"policyName": "live-read"}, {"policy": {"arn": arn}}),
        _event("iam", "DeletePolicy", {"policyArn": arn}),
        lambda: iam.delete_policy(PolicyArn=arn),
    )


@seeds("AWS::SES::EmailIdentity")
def _email_identity(aws: Emulator) -> Seeded:
    ses = aws.client("sesv2", REGION)
    ses.create_email_identity(EmailIdentity="live@example.com")
    name = {"emailIdentity": "live@example.com"}
    return Seeded(
        "AWS::SES::EmailIdentity",
        _event("ses", "CreateEmailIdentity", name),
        _event("ses", "DeleteEmailIdentity", name),
        lambda: ses.delete_email_identity(EmailIdentity="live@example.com"),
    )


@seeds("AWS::EC2::Volume")
def _volume(aws: Emulator) -> Seeded:
    ec2 = aws.client("ec2", REGION)
    volume = ec2.create_volume(AvailabilityZone=f"{REGION}a", Size=8, VolumeType="gp3")
    ident = volume["VolumeId"]
    return Seeded(
        "AWS::EC2::Volume",
        _event(
            "ec2",
            "CreateVolume",
            {"size": 8, "zone": f"{REGION}a", "volumeType": "gp3", "encrypted": False},
            {"requestId": "r-1", "volumeId": ident, "size": "8", "status": "creating"},
        ),
        _event("ec2", "DeleteVolume", {"volumeId": ident}, {"requestId": "r-2", "_return": True}),
        lambda: ec2.delete_volume(VolumeId=ident),
    )


@seeds("AWS::EC2::VPC")
def _vpc(aws: Emulator) -> Seeded:
    ec2 = aws.client("ec2", REGION)
    vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
    return Seeded(
        "AWS::EC2::VPC",
        _event(
            "ec2",
            "CreateVpc",
            {"cidrBlock": "10.40.0.0/16", "instanceTenancy": "default"},
            {"requestId": "r-1", "vpc": {"vpcId": vpc, "state": "pending"}},
        ),
        _event("ec2", "DeleteVpc", {"vpcId": vpc}, {"requestId": "r-2", "_return": True}),
        lambda: ec2.delete_vpc(VpcId=vpc),
    )


@seeds("AWS::EC2::Subnet")
def _subnet(aws: Emulator) -> Seeded:
    ec2 = aws.client("ec2", REGION)
    vpc = ec2.create_vpc(CidrBlock="10.41.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.41.1.0/24")["Subnet"]["SubnetId"]
    return Seeded(
        "AWS::EC2::Subnet",
        _event(
            "ec2",
            "CreateSubnet",
            {"vpcId": vpc, "cidrBlock": "10.41.1.0/24"},
            {"requestId": "r-1", "subnet": {"subnetId": subnet, "vpcId": vpc}},
        ),
        _event("ec2", "DeleteSubnet", {"subnetId": subnet}, {"requestId": "r-2", "_return": True}),
        lambda: ec2.delete_subnet(SubnetId=subnet),
    )


@seeds("AWS::EKS::Nodegroup")
def _nodegroup(aws: Emulator) -> Seeded:
    eks = aws.client("eks", REGION)
    role = f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/eks"
    eks.create_cluster(
        name="live-nodes", roleArn=role, resourcesVpcConfig={"subnetIds": _subnets(aws)}
    )
    group = eks.create_nodegroup(
        clusterName="live-nodes",
        nodegroupName="general",
        nodeRole=role,
        subnets=_subnets(aws),
        scalingConfig={"minSize": 1, "maxSize": 2, "desiredSize": 1},
    )["nodegroup"]
    answer = {"nodegroup": {"nodegroupName": "general", "nodegroupArn": group["nodegroupArn"]}}
    name = {"name": "live-nodes", "nodegroupName": "general"}
    return Seeded(
        "AWS::EKS::Nodegroup",
        _event("eks", "CreateNodegroup", name, answer),
        _event("eks", "DeleteNodegroup", name, answer),
        lambda: eks.delete_nodegroup(clusterName="live-nodes", nodegroupName="general"),
    )


@seeds("AWS::RDS::DBCluster")
def _db_cluster(aws: Emulator) -> Seeded:
    rds = aws.client("rds", REGION)
    arn = rds.create_db_cluster(
        DBClusterIdentifier="live-ledger",
        Engine="aurora-postgresql",
        MasterUsername="app",
        MasterUserPassword="not-read-here",
    )["DBCluster"]["DBClusterArn"]
    name = {"dBClusterIdentifier": "live-ledger"}
    answer = {"dBClusterIdentifier": "live-ledger", "dBClusterArn": arn}
    return Seeded(
        "AWS::RDS::DBCluster",
        _event("rds", "CreateDBCluster", {**name, "engine": "aurora-postgresql"}, answer),
        _event("rds", "DeleteDBCluster", {**name, "skipFinalSnapshot": True}, answer),
        lambda: rds.delete_db_cluster(DBClusterIdentifier="live-ledger", SkipFinalSnapshot=True),
    )


@seeds("AWS::IAM::User")
def _user(aws: Emulator) -> Seeded:
    iam = aws.client("iam")
    user = iam.create_user(UserName="live-ann", Tags=[{"Key": "team", "Value": "a"}])["User"]
    answer = {"user": {"userName": "live-ann", "arn": user["Arn"], "userId": user["UserId"]}}
    return Seeded(
        "AWS::IAM::User",
        _event("iam", "CreateUser", {"userName": "live-ann"}, answer),
        _event("iam", "DeleteUser", {"userName": "live-ann"}),
        lambda: iam.delete_user(UserName="live-ann"),
    )


@seeds("AWS::ElasticLoadBalancingV2::TargetGroup")
def _target_group(aws: Emulator) -> Seeded:
    elbv2 = aws.client("elbv2", REGION)
    vpc = aws.client("ec2", REGION).describe_vpcs()["Vpcs"][0]["VpcId"]
    (group,) = elbv2.create_target_group(Name="live-api", Protocol="HTTP", Port=8080, VpcId=vpc)[
        "TargetGroups"
    ]
    arn = group["TargetGroupArn"]
    return Seeded(
        "AWS::ElasticLoadBalancingV2::TargetGroup",
        _event(
            "elasticloadbalancing",
            "CreateTargetGroup",
            {"name": "live-api", "protocol": "HTTP", "port": 8080, "vpcId": vpc},
            {"targetGroups": [{"targetGroupArn": arn, "targetGroupName": "live-api"}]},
        ),
        _event("elasticloadbalancing", "DeleteTargetGroup", {"targetGroupArn": arn}),
        lambda: elbv2.delete_target_group(TargetGroupArn=arn),
    )


@seeds("AWS::CodeDeploy::DeploymentGroup")
def _deployment_group(aws: Emulator) -> Seeded:
    codedeploy = aws.client("codedeploy", REGION)
    role = service_role(aws, "live-deploy")
    codedeploy.create_application(applicationName="live-ship", computePlatform="Server")
    ident = codedeploy.create_deployment_group(
        applicationName="live-ship", deploymentGroupName="canary", serviceRoleArn=role
    )["deploymentGroupId"]
    described = {
        "applicationName": "live-ship",
        "deploymentGroupId": ident,
        "deploymentGroupName": "canary",
        "serviceRoleArn": role,
        "computePlatform": "Server",
    }

    def batch_get(groups: list[dict[str, Any]]) -> dict[str, Any]:
        """moto lacks BatchGetDeploymentGroups: CodeDeploy's answer, canned (an unknown group
        is named in ``errorMessage``, not answered with an error)."""
        body: dict[str, Any] = {"deploymentGroupsInfo": groups}
        if not groups:
            body["errorMessage"] = "Deployment groups do not exist: canary"
        return {
            "service": "codedeploy",
            "action": "BatchGetDeploymentGroups",
            "match": '"applicationName": "live-ship"',
            "body": body,
        }

    aws.answers([batch_get([described])])
    name = {"applicationName": "live-ship", "deploymentGroupName": "canary"}
    return Seeded(
        "AWS::CodeDeploy::DeploymentGroup",
        _event(
            "codedeploy",
            "CreateDeploymentGroup",
            {**name, "serviceRoleArn": role},
            {"deploymentGroupId": ident},
        ),
        _event("codedeploy", "DeleteDeploymentGroup", name, {"hooksNotCleanedUp": []}),
        lambda: aws.answers([batch_get([])]),
    )


@pytest.fixture(scope="module")
def emptied_once(emulator: Emulator) -> Emulator:
    emulator.reset()
    return emulator


@pytest.fixture
def shared(emptied_once: Emulator) -> Emulator:
    """The emulator, emptied once for the module: each kind below seeds its own resources
    into it (names do not collide), with no reset in between; injected faults cleared and the
    region answered for each test."""
    emptied_once.faults([])
    emptied_once.answers([])
    emptied_once.list_regions([REGION])
    return emptied_once


async def _applied(event: dict[str, Any], kind: str, run: ResyncRun) -> Any:
    parsed = parse_event(event)
    rt = RESOURCE_TYPES[kind]
    assert rt in kinds_for(parsed), f"{parsed.name} is not an event of {kind}"
    stats = KindStats(kind)
    token = current_stats.set(stats)
    try:
        outcome = await apply_event(rt, parsed, run, KindOptions())
    finally:
        current_stats.reset(token)
    _assert_declared(rt, stats)
    return outcome


def _assert_declared(rt: ResourceType, stats: KindStats) -> None:
    """The re-read called only IAM actions the kind declares (the installation's policy)."""
    called = {iam_action(*op.split(":", 1)) for op in stats.calls_by_operation}
    undeclared = called - set(rt.all_permissions) - set(ENGINE_ACTIONS)
    assert not {a for a in undeclared if not a.startswith("sts:")}, (rt.kind, undeclared)


VOLATILE = {"LatestRestorableTime", "SizeInBytes"}
"""Values AWS changes by itself between two reads (RDS's restore point, EFS's metered size)."""

ARN_NOT_IN_DELETE_EVENT = {"AWS::AutoScaling::AutoScalingGroup"}
"""Kinds whose ARN holds an id their delete event does not name: left to the next resync."""
DELETED_LATER = {"AWS::KMS::Key", "AWS::EC2::Instance", "AWS::ElastiCache::Cluster"}
"""Kinds whose resources AWS deletes later, with no event of the account: the re-read after
the last event still finds them (a key pending deletion, a terminated instance, a cluster
being deleted), so they are kept, with their new state, until the next resync."""


def _assert_same(item: dict[str, Any], expected: dict[str, Any]) -> None:
    props, want = item["Properties"], expected["Properties"]
    differing = {k for k in {*props, *want} if props.get(k) != want.get(k)}
    assert {k: (props.get(k), want.get(k)) for k in differing - VOLATILE} == {}
    assert {**item, "Properties": {}} == {**expected, "Properties": {}}


@pytest.mark.parametrize("kind", list(SEEDERS))
async def test_live_event_of_every_kind(kind: str, shared: Emulator, run: ResyncRun) -> None:
    case = SEEDERS[kind](shared)
    rt = RESOURCE_TYPES[kind]
    options = KindOptions.model_validate({"region_policy": {"allow": [REGION]}})
    resynced = {
        i["Properties"]["Arn"]: i
        async for batch in stream_kind(rt, options, _resync_run())
        for i in batch
    }

    created = await _applied(case.create, kind, run)
    assert not created.deleted and not created.dropped, created
    (item,) = created.upserted
    _assert_same(item, resynced[item["Properties"]["Arn"]])
    assert rt.live_events is not None
    if TAG_CHANGE in rt.live_events.native:  # EventBridge's own event, naming the ARN
        service = rt.live_events.source.split(".")[0]
        tagged = await _applied(tag_change(service, item["Properties"]["Arn"]), kind, run)
        assert not tagged.deleted and not tagged.dropped, tagged
        _assert_same(tagged.upserted[0], item)
    if EC2_STATE_CHANGE in rt.live_events.native:
        state = {"instance-id": item["Properties"]["InstanceId"], "state": "running"}
        event = native(EC2_STATE_CHANGE, "aws.ec2", state, [item["Properties"]["Arn"]])
        changed = await _applied(event, kind, run)
        assert not changed.deleted and not changed.dropped, changed
        _assert_same(changed.upserted[0], item)

    kept = await _applied(case.delete, kind, run)
    assert kept.deleted == [] and len(kept.upserted) == 1, kept
    _assert_same(kept.upserted[0], item)

    case.remove()
    try:
        gone = await _applied(case.delete, kind, run)
    finally:
        shared.faults([])
    if kind in ARN_NOT_IN_DELETE_EVENT:
        assert gone.upserted == gone.deleted == [] and "does not tell its ARN" in gone.dropped
        return
    if kind in DELETED_LATER:
        assert gone.deleted == [] and len(gone.upserted) == 1, gone
        return
    (deleted,) = gone.deleted
    assert deleted["Properties"]["Arn"] == item["Properties"]["Arn"]
    assert deleted["Properties"][rt.id] == item["Properties"][rt.id]


NOT_ROUND_TRIPPED = {
    "AWS::Account::Info": "an account is not deleted by an API call of its own, so no event "
    "deletes it; its alias events are read again in test_account_alias_event_upserts_the_account",
}
"""Kinds with live events but no create/delete round trip above, and why."""


def test_every_declared_kind_is_round_tripped_or_says_why() -> None:
    """Each kind declaring live events has a seeder (create → upsert as a resync gives; delete
    of a resource still there → kept; delete once gone → deleted) or a reason here."""
    declared = {kind for kind, rt in RESOURCE_TYPES.items() if rt.live_events is not None}
    uncovered = declared - set(SEEDERS) - set(NOT_ROUND_TRIPPED)
    assert not uncovered, f"kinds with live events but no round trip: {sorted(uncovered)}"
    assert not (set(SEEDERS) | set(NOT_ROUND_TRIPPED)) - declared
    assert not set(SEEDERS) & set(NOT_ROUND_TRIPPED)


DOC_START = "<!-- live events: generated from port_aws/catalog by tests/test_live_events.py -->"
DOC_END = "<!-- end of live events -->"


def _codes(names: tuple[str, ...]) -> str:
    return ", ".join(f"`{name}`" for name in names) or "–"


SAMPLES = ROOT / "tests" / "data" / "cloudtrail_samples.json"
"""CloudTrail events in the layout AWS records them (each with its source), trimmed."""


def recorded_samples() -> list[dict[str, Any]]:
    return list(json.loads(SAMPLES.read_text())["samples"])


def verified_events() -> dict[str, list[str]]:
    """Kind -> the event names whose identifier paths a recorded sample verifies."""
    found: dict[str, list[str]] = {}
    for sample in recorded_samples():
        names = found.setdefault(sample["kind"], [])
        if sample["eventName"] not in names:
            names.append(sample["eventName"])
    return found


def live_events_doc() -> str:
    """docs/kinds.md's list of the events each kind handles, and of the kinds without."""
    verified = verified_events()
    lines = [
        "| Kind | Event source | Upserting events | Deleting events | Identifier in the event "
        "| Not-found codes | EventBridge's own events | Verified against a recorded event |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for kind, rt in RESOURCE_TYPES.items():
        live = rt.live_events
        if live is not None:
            ids = ", ".join(f"`{path}`" for path in live.ids).replace("|", "\\|")
            lines.append(
                f"| `{kind}` | `{live.source}` | {_codes(live.upserts)} | {_codes(live.deletes)} "
                f"| {ids} | {_codes(live.not_found)} | {_codes(tuple(live.native))} "
                f"| {_codes(tuple(verified.get(kind, ())))} |"
            )
    lines += [
        "",
        "The last column names the events whose identifier paths were checked against an event "
        "as AWS records it (AWS's documented log entries, recorded events in public detection "
        "rule and log pipeline test data; tests/data/cloudtrail_samples.json cites each). The "
        "other paths follow the API's member names, as CloudTrail writes them (first letter in "
        "lower case: `ARN` is written `aRN`).",
        "",
        "Kinds without live events (read at the next resync):",
        "",
    ]
    lines += [
        f"- `{kind}`: {rt.no_live_events}."
        for kind, rt in RESOURCE_TYPES.items()
        if rt.live_events is None
    ]
    return "\n".join(lines)


@pytest.mark.parametrize(
    "sample", recorded_samples(), ids=lambda s: f"{s['kind']}:{s['eventName']}"
)
def test_recorded_events_name_their_resources(sample: dict[str, Any]) -> None:
    """An event in the layout AWS records it is matched to its kind, and the declared paths
    find the resource it names."""
    assert sample["source"], "each sample cites where its layout was observed"
    payload = cloudtrail_payload(
        DEFAULT_ACCOUNT,
        REGION,
        sample["eventSource"],
        sample["eventName"],
        sample["requestParameters"],
        sample["responseElements"],
    )
    if "resources" in sample:
        payload["detail"]["resources"] = sample["resources"]
    payload["source"] = sample.get("busSource", payload["source"])
    event = parse_event(payload)
    rt = RESOURCE_TYPES[sample["kind"]]
    assert rt in kinds_for(event), f"{sample['eventName']} is not declared for {rt.kind}"
    assert resource_ids(rt, event) == sample["ids"]


def test_every_kind_has_live_events_or_says_why() -> None:
    for kind, rt in RESOURCE_TYPES.items():
        assert (rt.live_events is None) == bool(rt.no_live_events), kind
        if rt.live_events is not None:
            assert rt.live_events.upserts or rt.live_events.deletes, kind
            assert not set(rt.live_events.upserts) & set(rt.live_events.deletes), kind
    services = {rt.service for rt in RESOURCE_TYPES.values()}
    served = {rt.service for rt in RESOURCE_TYPES.values() if rt.live_events is not None}
    assert services - served == {"organizations"}
    assert served == {RESOURCE_TYPES[kind].service for kind in SEEDERS}, "a service is untested"


def test_kinds_doc_lists_the_live_events_of_the_catalog() -> None:
    """``PORT_AWS_WRITE_README=1`` rewrites the section from the declarations."""
    path = ROOT / "docs" / "kinds.md"
    text = path.read_text()
    pattern = re.compile(re.escape(DOC_START) + r".*?" + re.escape(DOC_END), re.DOTALL)
    assert pattern.search(text), f"docs/kinds.md lacks the markers {DOC_START!r} … {DOC_END!r}"
    current = f"{DOC_START}\n{live_events_doc()}\n{DOC_END}"
    if os.environ.get("PORT_AWS_WRITE_README"):
        path.write_text(pattern.sub(lambda _: current, text))
        text = path.read_text()
    assert current in text, (
        "docs/kinds.md's live events are stale: PORT_AWS_WRITE_README=1 rewrites them"
    )


def test_tag_events_match_the_kinds_of_the_resources_they_name() -> None:
    tagged = parse_event(
        cloudtrail("CreateTags", _ec2_tagged("i-0a1", "vol-0b2"), source="ec2.amazonaws.com")
    )
    assert {rt.kind for rt in kinds_for(tagged)} == {"AWS::EC2::Instance", "AWS::EC2::Volume"}
    assert resource_ids(RESOURCE_TYPES["AWS::EC2::Instance"], tagged) == ["i-0a1"]
    only_group = parse_event(
        cloudtrail("DeleteTags", _ec2_tagged("sg-0c3"), source="ec2.amazonaws.com")
    )
    assert [rt.kind for rt in kinds_for(only_group)] == ["AWS::EC2::SecurityGroup"]


async def test_one_event_reads_every_resource_it_names(aws: Emulator) -> None:
    ec2 = aws.client("ec2", REGION)
    launched = ec2.run_instances(ImageId="ami-12c6146b", MinCount=2, MaxCount=2)["Instances"]
    ids = {"instancesSet": {"items": [{"instanceId": i["InstanceId"]} for i in launched]}}
    event = cloudtrail("RunInstances", {}, ids, source="ec2.amazonaws.com")
    outcome = await _applied(event, "AWS::EC2::Instance", ResyncRun(load_settings(STATIC)))
    assert sorted(i["Properties"]["InstanceId"] for i in outcome.upserted) == sorted(
        i["InstanceId"] for i in launched
    )


async def test_event_from_a_region_outside_the_region_policy_is_dropped(aws: Emulator) -> None:
    url = aws.client("sqs", REGION).create_queue(QueueName="elsewhere")["QueueUrl"]
    event = parse_event(cloudtrail("TagQueue", {"queueUrl": url}))
    options = KindOptions.model_validate({"region_policy": {"deny": [REGION]}})
    outcome = await apply_event(QUEUE, event, ResyncRun(load_settings(STATIC)), options)
    assert outcome.upserted == outcome.deleted == []
    assert "outside the kind's regionPolicy" in outcome.dropped


async def test_access_denied_on_a_listed_read_keeps_the_entity(aws: Emulator) -> None:
    """A read through the list (IAM) that is refused is never taken for "not listed"."""
    aws.faults([{"service": "iam", "action": "ListRoles", "status": 403, "code": "AccessDenied"}])
    event = _event("iam", "DeleteRole", {"roleName": "gone-or-not"})
    try:
        outcome = await _applied(event, "AWS::IAM::Role", ResyncRun(load_settings(STATIC)))
    finally:
        aws.faults([])
    assert outcome.upserted == outcome.deleted == [] and "AccessDenied" in outcome.dropped


# An identifier that does not exist: each kind's read answers one of its not-found codes, or
# nothing (Gone), so the entity is deleted; never another error taken for "gone".
_A, _R = DEFAULT_ACCOUNT, REGION
MISSING = {
    "AWS::S3::Bucket": "no-such-bucket-live",
    "AWS::EC2::Instance": "i-0123456789abcdef0",
    "AWS::EC2::Volume": "vol-0123456789abcdef0",
    "AWS::EC2::VPC": "vpc-0123456789abcdef0",
    "AWS::EC2::Subnet": "subnet-0123456789abcdef0",
    "AWS::EC2::SecurityGroup": "sg-0123456789abcdef0",
    "AWS::ECS::Cluster": "no-such-cluster",
    "AWS::ECS::Service": f"arn:aws:ecs:{_R}:{_A}:service/no-such-cluster/web",
    "AWS::ECS::TaskDefinition": f"arn:aws:ecs:{_R}:{_A}:task-definition/none:1",
    "AWS::ECR::Repository": "no/such",
    "AWS::EKS::Cluster": "no-such-cluster",
    "AWS::EKS::Nodegroup": "no-such-cluster/ng",
    "AWS::Lambda::Function": "no-such-function",
    "AWS::RDS::DBInstance": "no-such-db",
    "AWS::RDS::DBCluster": "no-such-cluster",
    "AWS::DynamoDB::Table": "no-such-table",
    "AWS::ElastiCache::Cluster": "no-such-cluster",
    "AWS::MemoryDB::User": "no-such-user",
    "AWS::MSK::Cluster": f"arn:aws:kafka:{_R}:{_A}:cluster/none/0000",
    "AWS::MSK::ServerlessCluster": f"arn:aws:kafka:{_R}:{_A}:cluster/none/0000",
    "AWS::SQS::Queue": f"https://sqs.{_R}.amazonaws.com/{_A}/no-such-queue",
    "AWS::SNS::Topic": f"arn:aws:sns:{_R}:{_A}:no-such-topic",
    "AWS::IAM::Role": "no-such-role",
    "AWS::IAM::User": "no-such-user",
    "AWS::IAM::Policy": f"arn:aws:iam::{_A}:policy/no-such-policy",
    "AWS::ElasticLoadBalancingV2::LoadBalancer": f"arn:aws:elasticloadbalancing:{_R}:{_A}:loadbalancer/app/none/0123456789abcdef",
    "AWS::ElasticLoadBalancingV2::TargetGroup": f"arn:aws:elasticloadbalancing:{_R}:{_A}:targetgroup/none/0123456789abcdef",
    "AWS::AutoScaling::AutoScalingGroup": "no-such-group",
    "AWS::SES::EmailIdentity": "nobody@example.com",
    "AWS::SES::ConfigurationSet": "no-such-set",
    "AWS::CodeBuild::Project": "no-such-project",
    "AWS::CodeDeploy::Application": "no-such-app",
    "AWS::CodePipeline::Pipeline": "no-such-pipeline",
    "AWS::CloudFormation::Stack": f"arn:aws:cloudformation:{_R}:{_A}:stack/none/00000000-0000-0000-0000-000000000000",
    "AWS::CertificateManager::Certificate": f"arn:aws:acm:{_R}:{_A}:certificate/00000000-0000-0000-0000-000000000000",
    "AWS::Route53::HostedZone": "Z0000000000000NONE",
    "AWS::CloudFront::Distribution": "E0000NONE",
    "AWS::ApiGateway::RestApi": "none000000",
    "AWS::ApiGatewayV2::Api": "none000000",
    "AWS::StepFunctions::StateMachine": f"arn:aws:states:{_R}:{_A}:stateMachine:none",
    "AWS::SecretsManager::Secret": f"arn:aws:secretsmanager:{_R}:{_A}:secret:none-AbCdEf",
    "AWS::KMS::Key": "00000000-0000-0000-0000-000000000000",
    "AWS::EFS::FileSystem": "fs-00000000",
    "AWS::OpenSearchService::Domain": "none",
    "AWS::Kinesis::Stream": "no-such-stream",
    "AWS::Events::Rule": "default/no-such-rule",
    "AWS::CloudWatch::Alarm": "no-such-alarm",
    "AWS::Logs::LogGroup": "/no/such/group",
}

KEPT_WHEN_NEVER_SEEN = {
    "AWS::CloudFormation::Stack": "ValidationError",
    "AWS::ECS::TaskDefinition": "ClientException",
}
"""Services whose answer for an identifier they never had is a generic error code, never taken
for "not found": the entity is kept (their deleted resources are still described, with a
status the resync's list never shows: DELETE_COMPLETE, INACTIVE)."""


async def test_every_kind_reads_a_missing_resource_as_deleted(
    shared: Emulator, run: ResyncRun
) -> None:
    """Against the emulator, for every kind with live events: a read for an identifier that
    does not exist deletes (or, where the ARN cannot be told, drops with that reason)."""
    kinds = [kind for kind, rt in RESOURCE_TYPES.items() if rt.live_events is not None]
    # the emulator answers 500 for a deployment group of an unknown application
    assert set(MISSING) == set(kinds) - {"AWS::Account::Info", "AWS::CodeDeploy::DeploymentGroup"}
    problems = {}
    for kind, identifier in MISSING.items():
        rt = RESOURCE_TYPES[kind]
        stats = KindStats(kind)
        token = current_stats.set(stats)
        try:
            outcome = await read_again(
                rt, run, DEFAULT_ACCOUNT, REGION, [identifier], KindOptions()
            )
        finally:
            current_stats.reset(token)
        _assert_declared(rt, stats)
        deleted = len(outcome.deleted) == 1 and outcome.deleted[0]["Properties"].get("Arn")
        unknown_arn = not outcome.deleted and "does not tell its ARN" in outcome.dropped
        if kind in KEPT_WHEN_NEVER_SEEN:
            code = KEPT_WHEN_NEVER_SEEN[kind]
            if outcome.upserted or outcome.deleted or not outcome.dropped.startswith(code):
                problems[kind] = outcome.dropped or outcome
        elif outcome.upserted or not (deleted or unknown_arn):
            problems[kind] = outcome.dropped or outcome
    assert problems == {}


async def test_account_alias_event_upserts_the_account(shared: Emulator, run: ResyncRun) -> None:
    rt = RESOURCE_TYPES["AWS::Account::Info"]
    shared.client("iam").create_account_alias(AccountAlias="live-platform")
    outcome = await _applied(
        _event("iam", "CreateAccountAlias", {"accountAlias": "live-platform"}), rt.kind, run
    )
    resynced = [i async for batch in stream_kind(rt, KindOptions(), _resync_run()) for i in batch]
    assert outcome.upserted == resynced and outcome.deleted == []


@pytest.mark.parametrize(
    ("kind", "source", "name", "params", "answer", "ids"),
    [
        (
            "AWS::CodeDeploy::DeploymentGroup",
            "codedeploy",
            "UpdateDeploymentGroup",
            {
                "applicationName": "api",
                "currentDeploymentGroupName": "prod",
                "newDeploymentGroupName": "live",
            },
            None,
            ["api/prod", "api/live"],
        ),
        (
            "AWS::CodeDeploy::DeploymentGroup",
            "codedeploy",
            "DeleteDeploymentGroup",
            {"applicationName": "api", "deploymentGroupName": "prod"},
            None,
            ["api/prod"],
        ),
        (
            "AWS::EKS::Nodegroup",
            "eks",
            "UpdateNodegroupConfig",
            {"name": "platform", "nodegroupName": "general"},
            None,
            ["platform/general"],
        ),
        (
            "AWS::EKS::Nodegroup",
            "eks",
            "UpdateNodegroupConfig",
            {"clusterName": "platform", "nodegroupName": "general"},
            None,
            ["platform/general"],
        ),
        (
            "AWS::Events::Rule",
            "events",
            "DeleteRule",
            {"name": "nightly", "eventBusName": "orders"},
            None,
            ["orders/nightly"],
        ),
        (
            "AWS::Events::Rule",
            "events",
            "DeleteRule",
            {"name": "nightly"},
            None,
            ["default/nightly"],
        ),
        (
            "AWS::IAM::User",
            "iam",
            "UpdateUser",
            {"userName": "ann", "newUserName": "ann.lee"},
            None,
            ["ann", "ann.lee"],
        ),
        (
            "AWS::CloudWatch::Alarm",
            "monitoring",
            "DeleteAlarms",
            {"alarmNames": ["a", "b"]},
            None,
            ["a", "b"],
        ),
        (
            "AWS::Route53::HostedZone",
            "route53",
            "ChangeTagsForResource",
            {"resourceType": "hostedzone", "resourceId": "Z1"},
            None,
            ["Z1"],
        ),
        (
            "AWS::Route53::HostedZone",
            "route53",
            "ChangeTagsForResource",
            {"resourceType": "healthcheck", "resourceId": "abc"},
            None,
            [],
        ),
        # a path parameter holding an ARN is recorded URL-encoded (MSK's DeleteCluster, EKS's
        # AssociateAccessPolicy): it is decoded, then told apart by kind
        (
            "AWS::MSK::Cluster",
            "kafka",
            "UpdateMonitoring",
            {
                "clusterArn": f"arn%3Aaws%3Akafka%3A{REGION}%3A{DEFAULT_ACCOUNT}%3Acluster%2Fs%2Fid-1"
            },
            None,
            [f"arn:aws:kafka:{REGION}:{DEFAULT_ACCOUNT}:cluster/s/id-1"],
        ),
        (
            "AWS::EKS::Cluster",
            "eks",
            "TagResource",
            {"resourceArn": f"arn%3Aaws%3Aeks%3A{REGION}%3A{DEFAULT_ACCOUNT}%3Acluster%2Fplatform"},
            None,
            [f"arn:aws:eks:{REGION}:{DEFAULT_ACCOUNT}:cluster/platform"],
        ),
        (
            "AWS::EKS::Nodegroup",
            "eks",
            "TagResource",
            {"resourceArn": f"arn%3Aaws%3Aeks%3A{REGION}%3A{DEFAULT_ACCOUNT}%3Acluster%2Fplatform"},
            None,
            [],
        ),
        (
            "AWS::KMS::Key",
            "kms",
            "DeleteAlias",
            {"aliasName": "alias/data"},
            None,
            [f"arn:aws:kms:{REGION}:{DEFAULT_ACCOUNT}:key/k-1"],
        ),
    ],
)
def test_identifiers_found_in_events(
    kind: str, source: str, name: str, params: Any, answer: Any, ids: list[str]
) -> None:
    payload = _event(source, name, params, answer)
    if name == "DeleteAlias":  # CloudTrail lists the alias and its key among the resources
        payload["detail"]["resources"] = [
            {
                "accountId": DEFAULT_ACCOUNT,
                "type": "AWS::KMS::Alias",
                "ARN": f"arn:aws:kms:{REGION}:{DEFAULT_ACCOUNT}:alias/data",
            },
            {
                "accountId": DEFAULT_ACCOUNT,
                "type": "AWS::KMS::Key",
                "ARN": f"arn:aws:kms:{REGION}:{DEFAULT_ACCOUNT}:key/k-1",
            },
        ]
    event = parse_event(payload)
    assert resource_ids(RESOURCE_TYPES[kind], event) == ids
