"""Resources for the demo organization, created through AWS APIs in the emulator.

Spread over three regions and the active member accounts; moto also gives every account and
region its default VPC, subnets and security group.
"""

import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

from port_aws.emulated_org import ClientFactory, EmulatedOrg

REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-2")
DEMO_IMAGE = "ami-12c6146b"
"""An image id the emulator knows (looking one up with DescribeImages costs seconds there)."""
_TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)


def _bucket_config(region: str) -> dict[str, Any]:
    return (
        {}
        if region == "us-east-1"
        else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    )


def _lambda_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handle(event, context):\n    return 'ok'\n")
    return buffer.getvalue()


def seed_account(clients: ClientFactory, account: str, name: str, index: int) -> int:
    """A handful of resources of many kinds in one account; returns how many were created."""
    created = 0
    tags = [{"Key": "team", "Value": name.split("-")[0]}, {"Key": "env", "Value": name}]
    region = REGIONS[index % len(REGIONS)]
    other = REGIONS[(index + 1) % len(REGIONS)]

    s3 = clients("s3", region, account)
    for suffix, where in (("logs", region), ("assets", other)):
        bucket = f"{name}-{suffix}-{account[-4:]}"
        clients("s3", where, account).create_bucket(Bucket=bucket, **_bucket_config(where))
        s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": tags})
        created += 1
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )
    s3.put_public_access_block(
        Bucket=bucket,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )

    iam = clients("iam", "us-east-1", account)
    role_arn = iam.create_role(
        RoleName=f"{name}-lambda", AssumeRolePolicyDocument=_TRUST, Tags=tags
    )["Role"]["Arn"]
    iam.create_user(UserName=f"{name}-deployer", Tags=tags)
    created += 2

    for where in (region, other):
        ecs = clients("ecs", where, account)
        ecs.create_cluster(
            clusterName=f"{name}-apps",
            tags=[{"key": t["Key"], "value": t["Value"]} for t in tags],
            capacityProviders=["FARGATE"],
        )
        sqs = clients("sqs", where, account)
        failed = sqs.create_queue(QueueName=f"{name}-jobs-failed")["QueueUrl"]
        failed_arn = sqs.get_queue_attributes(QueueUrl=failed, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        sqs.create_queue(
            QueueName=f"{name}-jobs",
            tags={t["Key"]: t["Value"] for t in tags},
            Attributes={
                "RedrivePolicy": json.dumps(
                    {"deadLetterTargetArn": failed_arn, "maxReceiveCount": "5"}
                )
            },
        )
        sns = clients("sns", where, account)
        sns.create_topic(
            Name=f"{name}-alerts", Tags=tags, Attributes={"KmsMasterKeyId": "alias/aws/sns"}
        )
        created += 4

    dynamodb = clients("dynamodb", region, account)
    dynamodb.create_table(
        TableName=f"{name}-orders",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        Tags=tags,
    )
    functions = clients("lambda", region, account)
    functions.create_function(
        FunctionName=f"{name}-worker",
        Runtime="python3.12",
        Role=role_arn,
        Handler="handler.handle",
        Code={"ZipFile": _lambda_zip()},
        Tags={t["Key"]: t["Value"] for t in tags},
    )
    functions.put_function_concurrency(
        FunctionName=f"{name}-worker", ReservedConcurrentExecutions=2
    )
    clients("ecr", region, account).create_repository(repositoryName=f"{name}/service", tags=tags)
    kms = clients("kms", region, account)
    key = kms.create_key(
        Description=f"{name} data key",
        KeyUsage="ENCRYPT_DECRYPT",
        MultiRegion=False,
        Tags=[{"TagKey": t["Key"], "TagValue": t["Value"]} for t in tags],
    )["KeyMetadata"]
    kms.create_alias(AliasName=f"alias/{name}-data", TargetKeyId=key["KeyId"])
    logs = clients("logs", region, account)
    logs.create_log_group(
        logGroupName=f"/{name}/app",
        tags={"team": name},
        kmsKeyId=key["Arn"],
        logGroupClass="STANDARD",
    )
    logs.put_retention_policy(logGroupName=f"/{name}/app", retentionInDays=30)
    clients("secretsmanager", region, account).create_secret(
        Name=f"{name}/db-password",
        Description=f"{name} database password",
        KmsKeyId=key["Arn"],
        SecretString="not-read-by-the-integration",
        Tags=tags,
    )
    created += 6
    if index < 2:  # EC2 is slow in the emulator: a couple of instances are enough
        ec2 = clients("ec2", region, account)
        ec2.run_instances(
            ImageId=DEMO_IMAGE,
            MinCount=1,
            MaxCount=1,
            InstanceType="t3.small",
            TagSpecifications=[
                {
                    "ResourceType": "instance",
                    "Tags": [{"Key": "Name", "Value": f"{name}-web"}, *tags],
                }
            ],
        )
        vpc = ec2.create_vpc(
            CidrBlock="10.20.0.0/16",
            TagSpecifications=[{"ResourceType": "vpc", "Tags": tags}],
        )["Vpc"]["VpcId"]
        ec2.create_subnet(
            VpcId=vpc,
            CidrBlock="10.20.1.0/24",
            TagSpecifications=[{"ResourceType": "subnet", "Tags": tags}],
        )
        group = ec2.create_security_group(
            GroupName=f"{name}-web",
            Description="web servers",
            VpcId=vpc,
            TagSpecifications=[{"ResourceType": "security-group", "Tags": tags}],
        )["GroupId"]
        ec2.authorize_security_group_ingress(
            GroupId=group, IpProtocol="tcp", FromPort=443, ToPort=443, CidrIp="10.0.0.0/8"
        )
        ec2.create_volume(
            AvailabilityZone=f"{region}a",
            Size=20,
            VolumeType="gp3",
            Iops=3000,
            TagSpecifications=[{"ResourceType": "volume", "Tags": tags}],
        )
        created += 5
    return created


def seed_resources(
    clients: ClientFactory, org: EmulatedOrg, names: list[str], every_kind: bool = False
) -> int:
    """Resources in the named accounts; with ``every_kind``, one of each other kind the emulator
    can hold in the first of them. Returns how many were created."""
    created = sum(
        seed_account(clients, org.accounts[name], name, index) for index, name in enumerate(names)
    )
    if every_kind:
        refused = _seed_catalog_rest(clients, org.accounts[names[0]], REGIONS[0])
        for name in refused:
            print(f"  the emulator cannot hold {name}: shown empty", flush=True)
    return created


GENERIC_KIND = "AWS::Glue::Job"
"""A kind the catalog does not declare: the demo reads it through Cloud Control."""


def cloudcontrol_seed() -> dict[str, Any]:
    """Glue jobs for the emulator's Cloud Control stand-in (every account and region sees them)."""
    jobs = [
        {
            "Identifier": f"nightly-{name}",
            "Properties": {
                "Name": f"nightly-{name}",
                "Role": "arn:aws:iam::000000000000:role/glue-etl",
                "GlueVersion": "4.0",
                "Command": {"Name": "glueetl", "ScriptLocation": f"s3://etl/{name}.py"},
                "DefaultArguments": {"--db_password": "not-read-by-the-integration"},
            },
        }
        for name in ("orders", "billing")
    ]
    return {"types": {GENERIC_KIND: {"resources": jobs}}}


def generic_mapping() -> dict[str, Any]:
    """The mapping entry for GENERIC_KIND, as `python -m port_aws blueprint` prints it."""
    return {
        "kind": GENERIC_KIND,
        "selector": {"query": "true"},
        "port": {
            "entity": {
                "mappings": {
                    "identifier": '.__ExtraContext.AccountId + "/" + .__ExtraContext.Region'
                    ' + "/" + .Properties.Name',
                    "title": ".Properties.Name",
                    "blueprint": '"glueJob"',
                    "properties": {
                        "GlueVersion": ".Properties.GlueVersion",
                        "Role": ".Properties.Role",
                        "accountId": ".__ExtraContext.AccountId",
                        "region": ".__ExtraContext.Region",
                    },
                }
            }
        },
    }


def _seed_catalog_rest(clients: ClientFactory, account: str, region: str) -> list[str]:
    """One resource of each kind ``seed_account`` does not create, in one account and region;
    the kinds whose seeding the emulator refused."""

    def c(service: str) -> Any:
        return clients(service, region, account)

    tags = [{"Key": "team", "Value": "platform"}]
    subnets = [s["SubnetId"] for s in c("ec2").describe_subnets()["Subnets"]][:2]
    vpc = c("ec2").describe_vpcs()["Vpcs"][0]["VpcId"]
    role = c("iam").create_role(RoleName="demo-service", AssumeRolePolicyDocument=_TRUST)["Role"][
        "Arn"
    ]

    def ecs() -> None:
        ecs = c("ecs")
        ecs.create_cluster(clusterName="services")
        ecs.register_task_definition(
            family="web",
            containerDefinitions=[
                {
                    "name": "web",
                    "image": "nginx:1.27",
                    "memory": 256,
                    "environment": [{"name": "API_TOKEN", "value": "not-sent-to-port"}],
                }
            ],
        )
        ecs.create_service(cluster="services", serviceName="web", taskDefinition="web")

    def codebuild() -> None:
        build = c("codebuild")
        build.create_project(
            name="app",
            source={"type": "S3", "location": "demo-sources/app.zip"},
            artifacts={"type": "NO_ARTIFACTS"},
            environment={
                "type": "LINUX_CONTAINER",
                "image": "aws/codebuild/standard:7.0",
                "computeType": "BUILD_GENERAL1_SMALL",
            },
            serviceRole=role,
        )
        build.start_build(projectName="app")

    def elbv2() -> None:
        lb = c("elbv2")
        lb.create_load_balancer(Name="web", Subnets=subnets, Tags=tags)
        lb.create_target_group(Name="web", Protocol="HTTP", Port=80, VpcId=vpc)

    def autoscaling() -> None:
        scaling = c("autoscaling")
        scaling.create_launch_configuration(
            LaunchConfigurationName="web", ImageId=DEMO_IMAGE, InstanceType="t3.micro"
        )
        scaling.create_auto_scaling_group(
            AutoScalingGroupName="web",
            LaunchConfigurationName="web",
            MinSize=0,
            MaxSize=2,
            VPCZoneIdentifier=subnets[0],
        )

    def eks() -> None:
        eks = c("eks")
        eks.create_cluster(name="platform", roleArn=role, resourcesVpcConfig={"subnetIds": subnets})
        eks.create_nodegroup(
            clusterName="platform", nodegroupName="general", subnets=subnets, nodeRole=role
        )

    seeds: dict[str, Callable[[], Any]] = {
        "CodeDeploy applications": lambda: c("codedeploy").create_application(
            applicationName="web", computePlatform="Server"
        ),
        "ECS services and task definitions": ecs,
        "CodeBuild": codebuild,
        "load balancers and target groups": elbv2,
        "Auto Scaling": autoscaling,
        "EKS": eks,
        "API Gateway": lambda: c("apigateway").create_rest_api(name="orders"),
        "API Gateway v2": lambda: c("apigatewayv2").create_api(Name="events", ProtocolType="HTTP"),
        "ACM": lambda: c("acm").request_certificate(DomainName="demo.example.com"),
        "CloudFormation": lambda: c("cloudformation").create_stack(
            StackName="network",
            TemplateBody=json.dumps(
                {"Resources": {"Topic": {"Type": "AWS::SNS::Topic", "Properties": {}}}}
            ),
        ),
        "CloudWatch": lambda: c("cloudwatch").put_metric_alarm(
            AlarmName="errors",
            MetricName="Errors",
            Namespace="AWS/Lambda",
            Statistic="Sum",
            Period=60,
            EvaluationPeriods=1,
            Threshold=1,
            ComparisonOperator="GreaterThanOrEqualToThreshold",
        ),
        "EFS": lambda: c("efs").create_file_system(
            CreationToken="shared", Tags=[{"Key": "Name", "Value": "shared"}]
        ),
        "ElastiCache": lambda: c("elasticache").create_cache_cluster(
            CacheClusterId="sessions",
            Engine="redis",
            CacheNodeType="cache.t3.micro",
            NumCacheNodes=1,
        ),
        "EventBridge": lambda: c("events").put_rule(
            Name="nightly", ScheduleExpression="rate(1 day)"
        ),
        "IAM policies": lambda: c("iam").create_policy(
            PolicyName="read-reports",
            PolicyDocument=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
                }
            ),
        ),
        "Kinesis": lambda: c("kinesis").create_stream(StreamName="clicks", ShardCount=1),
        "MSK": lambda: c("kafka").create_cluster_v2(
            ClusterName="events",
            Provisioned={
                "BrokerNodeGroupInfo": {"InstanceType": "kafka.t3.small", "ClientSubnets": subnets},
                "KafkaVersion": "3.6.0",
                "NumberOfBrokerNodes": 2,
            },
        ),
        "MSK Serverless": lambda: c("kafka").create_cluster_v2(
            ClusterName="stream",
            Serverless={"VpcConfigs": [{"SubnetIds": subnets}]},
        ),
        "OpenSearch": lambda: c("opensearch").create_domain(DomainName="search"),
        "RDS instances": lambda: c("rds").create_db_instance(
            DBInstanceIdentifier="orders",
            DBInstanceClass="db.t3.micro",
            Engine="postgres",
            MasterUsername="app",
            MasterUserPassword="not-read-by-the-integration",
            AllocatedStorage=20,
        ),
        "RDS clusters": lambda: c("rds").create_db_cluster(
            DBClusterIdentifier="ledger",
            Engine="aurora-postgresql",
            MasterUsername="app",
            MasterUserPassword="not-read-by-the-integration",
        ),
        "Route 53": lambda: c("route53").create_hosted_zone(
            Name="demo.example.com", CallerReference="demo"
        ),
        "SES identities": lambda: c("sesv2").create_email_identity(
            EmailIdentity="team@example.com"
        ),
        "SES configuration sets": lambda: c("sesv2").create_configuration_set(
            ConfigurationSetName="transactional"
        ),
        "Step Functions": lambda: c("stepfunctions").create_state_machine(
            name="checkout",
            definition=json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}),
            roleArn=role,
        ),
    }
    refused = []
    for name, seed in seeds.items():
        try:
            seed()
        except Exception:  # the emulator lacks it: the demo shows the kind empty
            refused.append(name)
    return refused
