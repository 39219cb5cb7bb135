"""Drop-in for Port's aws-v3 users: its published mappings and its default mapping load here
unchanged, and a resync fills every field they map wherever AWS (here, the emulator) has the
data.

The mappings are read from ``../shared/aws-v3-examples/`` (beside the repository); the test
skips when that folder is absent. All mappings run in one resync against one seeded account
(each mapping's blueprint is prefixed with its file name, so entities of the same blueprint
from two mappings stay apart); ``EMULATOR_GAPS`` lists the fields the emulator cannot produce.
"""

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from port_ocean.integration_testing import ResyncResult
from pydantic.v1 import ValidationError as PydanticV1Error

from port_aws.catalog import RESOURCE_TYPES
from port_aws.mapping import AWSPortAppConfig, mapping_error
from tests.kinds.seed import (
    auto_enable_io_answer,
    codebuild_project_with_builds,
    codedeploy_web,
    codepipeline_deliver,
    lambda_zip,
    service_role,
)
from tests.rig import DEFAULT_ACCOUNT, ROOT, Emulator, resync

AWS_V3 = ROOT.parent / "shared" / "aws-v3-examples"
MAPPINGS = sorted((AWS_V3 / "mappings").glob("*.y*ml")) if AWS_V3.is_dir() else []
ROLE = f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/port-integration"
REPOSITORY_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "pull",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{DEFAULT_ACCOUNT}:root"},
                "Action": ["ecr:BatchGetImage"],
            }
        ],
    }
)

needs_aws_v3 = pytest.mark.skipif(
    not MAPPINGS,
    reason=f"aws-v3's mappings are not at {AWS_V3}/mappings (clone shared/ beside the repository)",
)


def _gaps(mapping: str, why: str, *fields: str) -> dict[str, str]:
    return {f"{mapping}-mappings.yaml:properties.{field}": why for field in fields}


_MOTO_OMITS = "moto's answer omits it"
EMULATOR_GAPS: dict[str, str] = {
    **_gaps(
        "codebuild-project",
        _MOTO_OMITS + " (BatchGetProjects)",
        "lastModified",
        "projectVisibility",
        "concurrentBuildLimit",
    ),
    **_gaps(
        "codedeploy-application",
        _MOTO_OMITS + " (BatchGetApplications)",
        "linkedToGitHub",
        "gitHubAccountName",
    ),
    **_gaps(
        "codedeploy-deployment",
        "moto never runs a deployment, so it has no start or completion time",
        "startTime",
        "completeTime",
    ),
    **_gaps(
        "codepipeline-pipeline-execution",
        _MOTO_OMITS + " (ListPipelineExecutions)",
        "statusSummary",
        "executionMode",
    ),
    **_gaps(
        "codepipeline-pipeline-execution",
        "from GetPipelineExecution, which aws-v3 always called and a mapping opts into here "
        "(includeActions GetPipelineExecution or GetPipelineExecutionDetailsAction; see "
        "docs/migrating-from-aws-v3.md)",
        "pipelineVersion",
        "artifactRevisions",
        "variables",
    ),
    **_gaps(
        "ecs-service",
        _MOTO_OMITS + " (DescribeServices returns a subset of a service's fields)",
        "deploymentConfiguration",
        "enableECSManagedTags",
        "enableExecuteCommand",
        "healthCheckGracePeriodSeconds",
        "placementConstraints",
        "placementStrategy",
        "platformFamily",
        "capacityProviderStrategy",
        "availabilityZoneRebalancing",
        "createdAt",
        "createdBy",
    ),
    **_gaps("ecs-task-definition", _MOTO_OMITS + " (DescribeTaskDefinition)", "registeredAt"),
    **_gaps(
        "eks-cluster",
        _MOTO_OMITS + " (DescribeCluster predates these fields)",
        "accessConfig",
        "upgradePolicy",
        "zonalShiftConfig",
        "computeConfig",
        "storageConfig",
    ),
    **_gaps(
        "elasticache-cluster",
        _MOTO_OMITS + " (DescribeCacheClusters returns a subset of a cluster's fields)",
        "engineVersion",
        "preferredAvailabilityZone",
        "preferredMaintenanceWindow",
        "cacheParameterGroup",
        "cacheSubnetGroupName",
        "cacheNodes",
        "autoMinorVersionUpgrade",
        "securityGroups",
        "snapshotWindow",
        "transitEncryptionEnabled",
        "atRestEncryptionEnabled",
        "networkType",
        "ipDiscovery",
    ),
    **_gaps(
        "elasticache-cluster",
        "AWS sets it only for a cluster in a replication group, which moto cannot create "
        "with cache clusters",
        "replicationGroupId",
    ),
    **_gaps(
        "lambda-function",
        _MOTO_OMITS + " (ListFunctions)",
        "LastUpdateStatusReason",
        "LastUpdateStatusReasonCode",
        "RevisionId",
        "LoggingConfig",
        "RuntimeVersionConfig",
        "DeadLetterConfig",
        "StateReason",
        "StateReasonCode",
    ),
    **_gaps(
        "lambda-function",
        "AWS sets it only for Lambda@Edge replicas, signed code, container images or EFS "
        "mounts, which moto cannot create",
        "MasterArn",
        "SigningJobArn",
        "SigningProfileVersionArn",
        "ImageConfigResponse",
        "FileSystemConfigs",
    ),
    **_gaps(
        "msk-cluster",
        _MOTO_OMITS + " (ListClustersV2 drops EncryptionInfo)",
        "encryptionInTransit",
    ),
    **_gaps(
        "rds-db-cluster",
        _MOTO_OMITS + " (DescribeDBClusters)",
        "activityStreamStatus",
        "globalWriteForwardingStatus",
    ),
    **_gaps(
        "rds-db-instance",
        _MOTO_OMITS + " (DescribeDBInstances; for enablePerformanceInsights: the API's "
        "PerformanceInsightsEnabled, emitted as EnablePerformanceInsights)",
        "activityStreamStatus",
        "backupTarget",
        "certificateDetails",
        "customerOwnedIpEnabled",
        "databaseInsightsMode",
        "dedicatedLogVolume",
        "enablePerformanceInsights",
        "engineLifecycleSupport",
        "isStorageConfigUpgradeAvailable",
        "networkType",
        "storageThroughput",
        "enhancedMonitoringResourceArn",
    ),
    **_gaps(
        "rds-db-instance",
        "AWS sets it only while a change is pending or for a Multi-AZ instance; moto applies "
        "changes at once and has no standby",
        "pendingModifiedValues",
        "secondaryAvailabilityZone",
    ),
    **_gaps(
        "sns-topic", _MOTO_OMITS + " (GetTopicAttributes drops TracingConfig)", "tracingConfig"
    ),
    **_gaps(
        "sqs-queue",
        _MOTO_OMITS + " (GetQueueAttributes drops RedriveAllowPolicy)",
        "redriveAllowPolicy",
    ),
}
"""``<mapping file>:<field>`` -> why it is empty in every entity of that mapping here, though
real AWS fills it. Every other mapped field must have a value."""


def _load(path: Path) -> dict[str, Any]:
    return dict(yaml.safe_load(path.read_text()))


@needs_aws_v3
@pytest.mark.parametrize("path", MAPPINGS, ids=lambda p: p.name)
def test_the_mapping_loads_unchanged(path: Path) -> None:
    mapping = _load(path)

    config = AWSPortAppConfig.parse_obj(mapping)

    assert [r.kind for r in config.resources] == [r["kind"] for r in mapping["resources"]]
    for parsed, raw in zip(config.resources, mapping["resources"], strict=True):
        declared = RESOURCE_TYPES[parsed.kind]
        named = raw["selector"].get("includeActions", [])
        expected = {declared.include_action(name) for name in named} - {None}
        assert set(parsed.selector.include_actions) == expected
        assert set(parsed.selector.include_actions) <= set(declared.enrichments)


EXPORTERS = {
    "aws_lambda/function": "AWS::Lambda::Function",
    "codebuild/build_run": "AWS::CodeBuild::BuildRun",
    "codebuild/project": "AWS::CodeBuild::Project",
    "codedeploy/application": "AWS::CodeDeploy::Application",
    "codedeploy/deployment": "AWS::CodeDeploy::Deployment",
    "codedeploy/deployment_group": "AWS::CodeDeploy::DeploymentGroup",
    "codedeploy/deployment_target": "AWS::CodeDeploy::DeploymentTarget",
    "codepipeline/action": "AWS::CodePipeline::Action",
    "codepipeline/action_execution": "AWS::CodePipeline::ActionExecution",
    "codepipeline/pipeline": "AWS::CodePipeline::Pipeline",
    "codepipeline/pipeline_execution": "AWS::CodePipeline::PipelineExecution",
    "codepipeline/stage": "AWS::CodePipeline::Stage",
    "dynamodb/table": "AWS::DynamoDB::Table",
    "ec2/instance": "AWS::EC2::Instance",
    "ec2/volume": "AWS::EC2::Volume",
    "ecr/repository": "AWS::ECR::Repository",
    "ecs/cluster": "AWS::ECS::Cluster",
    "ecs/service": "AWS::ECS::Service",
    "ecs/task_definition": "AWS::ECS::TaskDefinition",
    "eks/cluster": "AWS::EKS::Cluster",
    "elasticache/cluster": "AWS::ElastiCache::Cluster",
    "memorydb/user": "AWS::MemoryDB::User",
    "msk/cluster": "AWS::MSK::Cluster",
    "msk/serverless_cluster": "AWS::MSK::ServerlessCluster",
    "organizations/account": "AWS::Organizations::Account",
    "rds/db_cluster": "AWS::RDS::DBCluster",
    "rds/db_instance": "AWS::RDS::DBInstance",
    "s3/bucket": "AWS::S3::Bucket",
    "ses/configuration_set": "AWS::SES::ConfigurationSet",
    "ses/email_identity": "AWS::SES::EmailIdentity",
    "sns/topic": "AWS::SNS::Topic",
    "sqs/queue": "AWS::SQS::Queue",
}
"""aws-v3's exporters (ACTIONS.md's first column) and the kind each one reads."""


@needs_aws_v3
def test_every_option_name_aws_v3_accepts_is_accepted_for_its_kind() -> None:
    rows = [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in (AWS_V3 / "ACTIONS.md").read_text().splitlines()
        if line.startswith("| ") and "/" in line.split("|")[1]
    ]
    assert {row[0] for row in rows} == set(EXPORTERS)
    missing = {}
    for exporter, always_run, options in rows:
        declared = RESOURCE_TYPES[EXPORTERS[exporter]]
        names = re.findall(r"\b([A-Z][A-Za-z]+)\b(?: \(|,|$)", f"{always_run}, {options}")
        unknown = [n for n in names if n not in {*declared.enrichments, *declared.action_aliases}]
        if unknown:
            missing[declared.kind] = unknown
    assert missing == {}


def test_an_option_name_neither_integration_knows_is_one_clear_error() -> None:
    mapping = {
        "resources": [
            {
                "kind": "AWS::S3::Bucket",
                "selector": {
                    "query": "true",
                    "includeActions": ["GetBucketEncryptionAction", "Nope"],
                },
                "port": {
                    "entity": {"mappings": {"identifier": ".Properties.Arn", "blueprint": '"b"'}}
                },
            }
        ]
    }

    with pytest.raises(PydanticV1Error) as caught:
        AWSPortAppConfig.parse_obj(mapping)

    message = str(mapping_error(caught.value))
    assert "\n" not in message
    assert "AWS::S3::Bucket: unknown includeActions ['Nope']; valid for this kind: " in message
    assert "GetBucketEncryption, " in message and "GetBucketEncryptionAction" in message


def _seed(aws: Emulator) -> None:
    """One account holding at least one item of every aws-v3 kind, each with the optional
    parts aws-v3's mappings read (encryption, policies, settings, tags …)."""
    aws.list_regions(["us-east-1"])
    region = "us-east-1"
    tags = [{"Key": "team", "Value": "core"}]
    org = aws.client("organizations")
    org.create_organization(FeatureSet="ALL")

    answers: list[dict[str, Any]] = []
    codebuild_project_with_builds(aws)
    answers += codedeploy_web(aws)[1]
    answers += codepipeline_deliver(aws)[1]

    kms = aws.client("kms", region)
    key = kms.create_key(Description="data")["KeyMetadata"]["Arn"]

    s3 = aws.client("s3", region)
    s3.create_bucket(Bucket="audit")
    s3.put_bucket_tagging(Bucket="audit", Tagging={"TagSet": tags})
    s3.put_bucket_encryption(
        Bucket="audit",
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )
    s3.put_public_access_block(
        Bucket="audit",
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )

    ec2 = aws.client("ec2", region)
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.20.1.0/24", AvailabilityZone="us-east-1a")[
        "Subnet"
    ]["SubnetId"]
    second_subnet = ec2.create_subnet(
        VpcId=vpc, CidrBlock="10.20.2.0/24", AvailabilityZone="us-east-1b"
    )["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="app", Description="app", VpcId=vpc)["GroupId"]
    ec2.create_key_pair(KeyName="ops")
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    ec2.run_instances(
        ImageId=image,
        MinCount=1,
        MaxCount=1,
        InstanceType="t3.micro",
        KeyName="ops",
        SubnetId=subnet,
        SecurityGroupIds=[group],
        Monitoring={"Enabled": True},
        TagSpecifications=[
            {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "web-1"}]}
        ],
    )
    # in the default VPC, so it gets a public address
    ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType="t3.micro")
    volume = ec2.create_volume(
        AvailabilityZone="us-east-1a",
        Size=20,
        VolumeType="gp3",
        Iops=3000,
        Throughput=125,
        Encrypted=True,
        TagSpecifications=[{"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": "data"}]}],
    )["VolumeId"]
    answers.append(auto_enable_io_answer(volume))

    ecr = aws.client("ecr", region)
    ecr.create_repository(
        repositoryName="app",
        imageScanningConfiguration={"scanOnPush": True},
        encryptionConfiguration={"encryptionType": "AES256"},
        tags=tags,
    )
    ecr.set_repository_policy(repositoryName="app", policyText=REPOSITORY_POLICY)
    ecr.put_lifecycle_policy(
        repositoryName="app",
        lifecyclePolicyText=json.dumps(
            {
                "rules": [
                    {
                        "rulePriority": 1,
                        "selection": {
                            "tagStatus": "untagged",
                            "countType": "imageCountMoreThan",
                            "countNumber": 5,
                        },
                        "action": {"type": "expire"},
                    }
                ]
            }
        ),
    )

    ecs = aws.client("ecs", region)
    ecs.create_cluster(
        clusterName="apps",
        settings=[{"name": "containerInsights", "value": "enabled"}],
        capacityProviders=["FARGATE"],
        tags=[{"key": "team", "value": "core"}],
    )
    ecs.register_task_definition(
        family="web",
        taskRoleArn=service_role(aws, "task"),
        executionRoleArn=service_role(aws, "exec"),
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        volumes=[{"name": "scratch"}],
        placementConstraints=[{"type": "memberOf", "expression": "attribute:ecs.os-type == linux"}],
        containerDefinitions=[{"name": "web", "image": "nginx:1.27", "memory": 256}],
        tags=[{"key": "team", "value": "core"}],
    )
    ecs.create_service(
        cluster="apps",
        serviceName="frontend",
        taskDefinition="web",
        desiredCount=1,
        launchType="FARGATE",
        platformVersion="LATEST",
        role=service_role(aws, "ecs"),
        tags=[{"key": "team", "value": "core"}],
    )

    aws.client("eks", region).create_cluster(
        name="prod",
        roleArn=service_role(aws, "eks"),
        resourcesVpcConfig={"subnetIds": [subnet]},
        tags={"team": "core"},
    )

    aws.client("elasticache", region).create_cache_cluster(
        CacheClusterId="sessions",
        Engine="redis",
        CacheNodeType="cache.t4g.micro",
        NumCacheNodes=1,
        Tags=tags,
    )

    awslambda = aws.client("lambda", region)
    awslambda.create_function(
        FunctionName="resize",
        Runtime="python3.12",
        Role=service_role(aws, "lambda"),
        Handler="index.handler",
        Code={"ZipFile": lambda_zip()},
        Description="resizes images",
        Environment={"Variables": {"MODE": "fast"}},
        KMSKeyArn=key,
        TracingConfig={"Mode": "Active"},
        VpcConfig={"SubnetIds": [subnet], "SecurityGroupIds": [group]},
        DeadLetterConfig={"TargetArn": f"arn:aws:sns:us-east-1:{DEFAULT_ACCOUNT}:failures"},
        Tags={"team": "core"},
    )

    aws.client("memorydb", region).create_user(
        UserName="reporting",
        AccessString="on ~* &* +@read",
        AuthenticationMode={"Type": "password", "Passwords": ["not-a-real-secret-123"]},
        Tags=tags,
    )

    kafka = aws.client("kafka", region)
    kafka.create_cluster_v2(
        ClusterName="events",
        Provisioned={
            "BrokerNodeGroupInfo": {"InstanceType": "kafka.m5.large", "ClientSubnets": [subnet]},
            "KafkaVersion": "3.6.0",
            "NumberOfBrokerNodes": 2,
            "EncryptionInfo": {"EncryptionInTransit": {"ClientBroker": "TLS", "InCluster": True}},
        },
        Tags={"team": "core"},
    )
    kafka.create_cluster_v2(
        ClusterName="events-serverless",
        Serverless={"VpcConfigs": [{"SubnetIds": [subnet]}]},
        Tags={"team": "core"},
    )

    rds = aws.client("rds", region)
    rds.create_db_cluster(
        DBClusterIdentifier="orders",
        Engine="aurora-postgresql",
        MasterUsername="admin",
        MasterUserPassword="not-a-secret-1",
        DatabaseName="orders",
        StorageEncrypted=True,
        Tags=tags,
    )
    rds.create_db_subnet_group(
        DBSubnetGroupName="data",
        DBSubnetGroupDescription="data",
        SubnetIds=[subnet, second_subnet],
    )
    rds.create_db_instance(
        DBInstanceIdentifier="legacy",
        DBInstanceClass="db.t3.micro",
        Engine="mysql",
        AllocatedStorage=100,
        StorageType="io1",
        Iops=3000,
        StorageEncrypted=True,
        PubliclyAccessible=True,
        CharacterSetName="utf8",
        DBSubnetGroupName="data",
        MonitoringInterval=60,
        MonitoringRoleArn=service_role(aws, "rds-monitoring"),
        MasterUsername="admin",
        MasterUserPassword="not-a-secret-1",
        DBName="legacy",
        VpcSecurityGroupIds=[group],
        EnableIAMDatabaseAuthentication=True,
        EnablePerformanceInsights=True,
        Tags=tags,
    )

    dynamodb = aws.client("dynamodb", region)
    dynamodb.create_table(
        TableName="orders",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        SSESpecification={"Enabled": True, "SSEType": "KMS"},
        DeletionProtectionEnabled=True,
        Tags=tags,
    )

    ses = aws.client("sesv2", region)
    ses.create_configuration_set(
        ConfigurationSetName="transactional",
        TrackingOptions={"CustomRedirectDomain": "links.example.com"},
        DeliveryOptions={"TlsPolicy": "REQUIRE"},
        ReputationOptions={"ReputationMetricsEnabled": True},
        SendingOptions={"SendingEnabled": True},
        SuppressionOptions={"SuppressedReasons": ["BOUNCE"]},
        Tags=tags,
    )
    ses.create_email_identity(
        EmailIdentity="example.com", ConfigurationSetName="transactional", Tags=tags
    )

    sns = aws.client("sns", region)
    sns.create_topic(
        Name="alerts.fifo",
        Attributes={
            "DisplayName": "Alerts",
            "FifoTopic": "true",
            "KmsMasterKeyId": key,
            "TracingConfig": "Active",
        },
        Tags=tags,
    )

    sqs = aws.client("sqs", region)
    dlq = sqs.create_queue(QueueName="orders-dlq.fifo", Attributes={"FifoQueue": "true"})
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq["QueueUrl"], AttributeNames=["QueueArn"])
    sqs.create_queue(
        QueueName="orders.fifo",
        Attributes={
            "FifoQueue": "true",
            "ContentBasedDeduplication": "true",
            "DeduplicationScope": "messageGroup",
            "FifoThroughputLimit": "perMessageGroupId",
            "KmsMasterKeyId": key,
            "KmsDataKeyReusePeriodSeconds": "300",
            "DelaySeconds": "5",
            "Policy": json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"AWS": DEFAULT_ACCOUNT},
                            "Action": "sqs:SendMessage",
                            "Resource": "*",
                        }
                    ],
                }
            ),
            "RedrivePolicy": json.dumps(
                {"deadLetterTargetArn": dlq_arn["Attributes"]["QueueArn"], "maxReceiveCount": 3}
            ),
            "RedriveAllowPolicy": json.dumps({"redrivePermission": "allowAll"}),
        },
        tags={"team": "core"},
    )
    sqs.create_queue(QueueName="plain", Attributes={"SqsManagedSseEnabled": "true"})

    aws.answers(answers)


def _combined(paths: list[Path]) -> dict[str, Any]:
    """Every resource of every mapping, its blueprint prefixed with the mapping's file."""
    resources = []
    for path in paths:
        for resource in _load(path)["resources"]:
            mappings = resource["port"]["entity"]["mappings"]
            mappings["blueprint"] = f'"{path.name}:" + {mappings["blueprint"]}'
            resources.append(resource)
    return {"resources": resources}


def _empty_fields(result: ResyncResult, paths: list[Path]) -> dict[str, int]:
    """``<file>:<field>`` -> how many entities left it null, for fields null in every entity
    of their mapping (identifier and title must be set on every entity)."""
    empty: dict[str, int] = {}
    for path in paths:
        for resource in _load(path)["resources"]:
            mappings = resource["port"]["entity"]["mappings"]
            blueprint = f"{path.name}:" + json.loads(mappings["blueprint"].strip("'"))
            entities = [e for e in result.upserted_entities if e["blueprint"] == blueprint]
            assert entities, f"{path.name}: {resource['kind']} produced no entity"
            for entity in entities:
                assert entity.get("identifier"), f"{path.name}: an entity has no identifier"
                assert entity.get("title"), f"{path.name}: {entity['identifier']} has no title"
            for group in ("properties", "relations"):
                for name in mappings.get(group, {}):
                    values = [e.get(group, {}).get(name) for e in entities]
                    if all(v is None for v in values):
                        empty[f"{path.name}:{group}.{name}"] = len(values)
    return empty


def _check(kind: str, actions: list[str], **properties: str) -> dict[str, Any]:
    """A resource mapping of aws-v3 names no published mapping reads (blueprint ``check``)."""
    return {
        "kind": kind,
        "selector": {"query": "true", "includeActions": actions},
        "port": {
            "entity": {
                "mappings": {
                    "identifier": ".Properties.Arn",
                    "title": ".Properties.Arn",
                    "blueprint": '"check"',
                    "properties": properties,
                }
            }
        },
    }


CHECKS = [
    _check(
        "AWS::EC2::Instance",
        ["DescribeInstanceStatusAction"],
        status=".Properties.InstanceStatus.Status",
        system=".Properties.SystemStatus.Status",
    ),
    _check(
        "AWS::ECR::Repository",
        ["GetLifecyclePolicyAction", "GetRepositoryPolicyAction"],
        lifecycle=".Properties.LifecyclePolicy.lifecyclePolicyText | fromjson | .rules[0].action",
        policy=".Properties.RepositoryPolicyText",
    ),
    _check(
        "AWS::ECS::Cluster",
        [],
        settings=".Properties.ClusterSettings",
        apiName=".Properties.Settings",
    ),
    _check(
        "AWS::RDS::DBInstance",
        [],
        port=".Properties.Port",
        groups=".Properties.VPCSecurityGroups | length",
        iam=".Properties.EnableIAMDatabaseAuthentication",
        apiNames="[.Properties.DbInstancePort, .Properties.VpcSecurityGroups] | map(select(.))",
    ),
    _check("AWS::Lambda::Function", [], kms=".Properties.KmsKeyArn == .Properties.KMSKeyArn"),
    _check(
        "AWS::S3::Bucket", ["GetBucketLocationAction"], location=".Properties.LocationConstraint"
    ),
    _check(
        "AWS::DynamoDB::Table",
        ["GetTableBackupStatusAction"],
        backups=".Properties.ContinuousBackupsDescription.ContinuousBackupsStatus",
    ),
    _check("AWS::Organizations::Account", ["ListParentsAction"], parents=".Properties.Parents"),
]
"""Values of aws-v3 names and enrichments no published mapping reads."""


@needs_aws_v3
async def test_every_mapped_field_has_its_value(aws: Emulator, token_file: Path) -> None:
    _seed(aws)
    mapping = _combined(MAPPINGS)
    mapping["resources"] += CHECKS

    result = await resync({"account_role_arn": ROLE}, mapping)

    assert result.errors == []
    empty = _empty_fields(result, MAPPINGS)
    unexplained = sorted(set(empty) - set(EMULATOR_GAPS))
    assert unexplained == [], "mapped fields left empty though the emulator holds the data"
    produced = sorted(set(EMULATOR_GAPS) - set(empty))
    assert produced == [], "the emulator now produces these: take them out of EMULATOR_GAPS"
    checked = {
        e["identifier"].split(":")[2]: e["properties"]
        for e in result.upserted_entities
        if e["blueprint"] == "check"
    }
    root = aws.client("organizations").list_roots()["Roots"][0]["Id"]
    assert checked == {
        "ec2": {"status": "ok", "system": "ok"},
        "ecr": {"lifecycle": {"type": "expire"}, "policy": REPOSITORY_POLICY},
        "ecs": {"settings": [{"name": "containerInsights", "value": "enabled"}], "apiName": None},
        "rds": {"port": 3306, "groups": 1, "iam": True, "apiNames": []},
        "lambda": {"kms": True},
        "s3": {"location": None},  # us-east-1, as GetBucketLocation answers it
        "dynamodb": {"backups": "ENABLED"},
        "organizations": {"parents": [{"Id": root, "Type": "ROOT"}]},
    }
