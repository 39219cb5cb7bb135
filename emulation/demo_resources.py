"""Resources for the demo organization, created through AWS APIs in the emulator.

Spread over three regions and the active member accounts; moto also gives every account and
region its default VPC, subnets and security group.
"""

import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

from emulation.organization import ClientFactory, EmulatedOrg
from emulation.seeds import (
    Answer,
    cloudfront_site,
    codedeploy_web,
    codepipeline_deliver,
    errors_alarm,
)

REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-2")
DEMO_IMAGE = "ami-12c6146b"
"""An image id the emulator knows (looking one up with DescribeImages costs seconds there)."""


def _trust(*services: str) -> str:
    """A role trust policy for these AWS services."""
    hosts = [f"{service}.amazonaws.com" for service in services]
    statement = {
        "Effect": "Allow",
        "Principal": {"Service": hosts[0] if len(hosts) == 1 else hosts},
        "Action": "sts:AssumeRole",
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


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
    """A handful of resources of many kinds in one account; returns how many were created.

    Every other account (even ``index``) gets the stricter settings: an ``owner`` tag, KMS
    encryption, rotation, backups, scanning; the others keep the defaults, so each scorecard
    rule has resources that pass and resources that fail. References between resources (a
    function's VPC, a queue's key, an instance's subnet) make the relations of the graph."""
    created = 0
    strict = index % 2 == 0
    tags = [{"Key": "team", "Value": name.split("-")[0]}, {"Key": "env", "Value": name}]
    if strict:
        tags.append({"Key": "owner", "Value": f"{name.split('-')[0]}-team"})
    region = REGIONS[index % len(REGIONS)]
    other = REGIONS[(index + 1) % len(REGIONS)]

    kms = clients("kms", region, account)
    key = kms.create_key(
        Description=f"{name} data key",
        KeyUsage="ENCRYPT_DECRYPT",
        MultiRegion=False,
        Tags=[{"TagKey": t["Key"], "TagValue": t["Value"]} for t in tags],
    )["KeyMetadata"]
    kms.create_alias(AliasName=f"alias/{name}-data", TargetKeyId=key["KeyId"])
    if strict:
        kms.enable_key_rotation(KeyId=key["KeyId"])

    s3 = clients("s3", region, account)
    for suffix, where in (("logs", region), ("assets", other)):
        bucket = f"{name}-{suffix}-{account[-4:]}"
        clients("s3", where, account).create_bucket(Bucket=bucket, **_bucket_config(where))
        s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": tags})
        created += 1
    if strict:
        s3.put_bucket_encryption(
            Bucket=f"{name}-logs-{account[-4:]}",
            ServerSideEncryptionConfiguration={
                "Rules": [
                    {
                        "ApplyServerSideEncryptionByDefault": {
                            "SSEAlgorithm": "aws:kms",
                            "KMSMasterKeyID": key["Arn"],
                        }
                    }
                ]
            },
        )
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
        RoleName=f"{name}-lambda", AssumeRolePolicyDocument=_trust("lambda"), Tags=tags
    )["Role"]["Arn"]
    iam.create_user(UserName=f"{name}-deployer", Tags=tags)
    created += 2

    dead_letters = jobs = alerts = ""
    for where in (region, other):
        ecs = clients("ecs", where, account)
        ecs.create_cluster(
            clusterName=f"{name}-apps",
            tags=[{"key": t["Key"], "value": t["Value"]} for t in tags],
            capacityProviders=["FARGATE"],
        )
        sqs = clients("sqs", where, account)
        failed = sqs.create_queue(
            QueueName=f"{name}-jobs-failed",
            Attributes={} if where == region else {"SqsManagedSseEnabled": "false"},
        )["QueueUrl"]
        failed_arn = sqs.get_queue_attributes(QueueUrl=failed, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        if where == region:
            dead_letters = failed_arn
        jobs_url = sqs.create_queue(
            QueueName=f"{name}-jobs",
            tags={t["Key"]: t["Value"] for t in tags},
            Attributes={
                "RedrivePolicy": json.dumps(
                    {"deadLetterTargetArn": failed_arn, "maxReceiveCount": "5"}
                ),
                **({"KmsMasterKeyId": key["KeyId"]} if where == region else {}),
            },
        )["QueueUrl"]
        sns = clients("sns", where, account)
        topic = sns.create_topic(
            Name=f"{name}-alerts",
            Tags=tags,
            Attributes={"KmsMasterKeyId": key["Arn"]} if where == region else {},
        )["TopicArn"]
        if where == region:
            jobs = sqs.get_queue_attributes(QueueUrl=jobs_url, AttributeNames=["QueueArn"])[
                "Attributes"
            ]["QueueArn"]
            alerts = topic
        created += 4

    ec2 = clients("ec2", region, account)
    default_subnets = [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]][:2]
    default_group = ec2.describe_security_groups(GroupNames=["default"])["SecurityGroups"][0]

    dynamodb = clients("dynamodb", region, account)
    table = dynamodb.create_table(
        TableName=f"{name}-orders",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        SSESpecification={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": key["Arn"]},
        DeletionProtectionEnabled=index == 0,
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
        Tags=tags,
    )["TableDescription"]
    if strict:
        dynamodb.update_continuous_backups(
            TableName=f"{name}-orders",
            PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
        )
    functions = clients("lambda", region, account)
    worker = functions.create_function(
        FunctionName=f"{name}-worker",
        Runtime="python3.12" if index != 1 else "python3.8",
        Role=role_arn,
        Handler="handler.handle",
        Code={"ZipFile": _lambda_zip()},
        Tags={t["Key"]: t["Value"] for t in tags},
        **(
            {
                "VpcConfig": {
                    "SubnetIds": default_subnets,
                    "SecurityGroupIds": [default_group["GroupId"]],
                },
                "KMSKeyArn": key["Arn"],
                "DeadLetterConfig": {"TargetArn": dead_letters},
            }
            if strict
            else {}
        ),
    )["FunctionArn"]
    functions.put_function_concurrency(
        FunctionName=f"{name}-worker", ReservedConcurrentExecutions=2
    )
    # the worker reads the jobs queue and the orders table's stream, and the alerts topic
    # notifies both the queue and the worker: relations read through enrichments
    functions.create_event_source_mapping(EventSourceArn=jobs, FunctionName=worker)
    functions.create_event_source_mapping(
        EventSourceArn=table["LatestStreamArn"], FunctionName=worker, StartingPosition="LATEST"
    )
    topics = clients("sns", region, account)
    topics.subscribe(TopicArn=alerts, Protocol="sqs", Endpoint=jobs)
    topics.subscribe(TopicArn=alerts, Protocol="lambda", Endpoint=worker)
    clients("ecr", region, account).create_repository(
        repositoryName=f"{name}/service",
        tags=tags,
        **(
            {
                "imageScanningConfiguration": {"scanOnPush": True},
                "imageTagMutability": "IMMUTABLE",
                "encryptionConfiguration": {"encryptionType": "KMS", "kmsKey": key["Arn"]},
            }
            if strict
            else {}
        ),
    )
    logs = clients("logs", region, account)
    logs.create_log_group(
        logGroupName=f"/{name}/app",
        tags={"team": name},
        kmsKeyId=key["Arn"],
        logGroupClass="STANDARD",
    )
    logs.put_retention_policy(logGroupName=f"/{name}/app", retentionInDays=30)
    secrets = clients("secretsmanager", region, account)
    secrets.create_secret(
        Name=f"{name}/db-password",
        Description=f"{name} database password",
        KmsKeyId=key["Arn"],
        SecretString="not-read-by-the-integration",
        Tags=tags,
    )
    secrets.rotate_secret(
        SecretId=f"{name}/db-password", RotationRules={"AutomaticallyAfterDays": 30}
    )
    created += 6
    if index < 2:  # EC2 is slow in the emulator: a couple of instances are enough
        vpc = ec2.create_vpc(
            CidrBlock="10.20.0.0/16",
            TagSpecifications=[{"ResourceType": "vpc", "Tags": tags}],
        )["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(
            VpcId=vpc,
            CidrBlock="10.20.1.0/24",
            TagSpecifications=[{"ResourceType": "subnet", "Tags": tags}],
        )["Subnet"]["SubnetId"]
        group = ec2.create_security_group(
            GroupName=f"{name}-web",
            Description="web servers",
            VpcId=vpc,
            TagSpecifications=[{"ResourceType": "security-group", "Tags": tags}],
        )["GroupId"]
        ec2.authorize_security_group_ingress(
            GroupId=group, IpProtocol="tcp", FromPort=443, ToPort=443, CidrIp="10.0.0.0/8"
        )
        iam.create_role(RoleName=f"{name}-web", AssumeRolePolicyDocument=_trust("ec2"))
        profile = iam.create_instance_profile(InstanceProfileName=f"{name}-web")
        iam.add_role_to_instance_profile(InstanceProfileName=f"{name}-web", RoleName=f"{name}-web")
        # the first instance, in the default VPC, has a public address and requires IMDSv2;
        # the second, in the new private subnet, has neither
        ec2.run_instances(
            ImageId=DEMO_IMAGE,
            MinCount=1,
            MaxCount=1,
            InstanceType="t3.small",
            IamInstanceProfile={"Arn": profile["InstanceProfile"]["Arn"]},
            TagSpecifications=[
                {
                    "ResourceType": "instance",
                    "Tags": [{"Key": "Name", "Value": f"{name}-web"}, *tags],
                }
            ],
            **(
                {"MetadataOptions": {"HttpTokens": "required", "HttpEndpoint": "enabled"}}
                if strict
                else {"SubnetId": subnet, "SecurityGroupIds": [group]}
            ),
        )
        ec2.create_volume(
            AvailabilityZone=f"{region}a",
            Size=20,
            VolumeType="gp3",
            Iops=3000,
            TagSpecifications=[{"ResourceType": "volume", "Tags": tags}],
            **({"Encrypted": True, "KmsKeyId": key["Arn"]} if strict else {}),
        )
        created += 6
    return created


def seed_resources(
    clients: ClientFactory,
    org: EmulatedOrg,
    names: list[str],
    answers: Callable[[list[Answer]], None],
) -> int:
    """Resources in the named accounts, and one of each other kind of the catalog in the first
    of them, posting through ``answers`` the canned answers for the calls the emulator lacks.
    Returns how many were created."""
    created = sum(
        seed_account(clients, org.accounts[name], name, index) for index, name in enumerate(names)
    )
    seeded, refused, canned = _seed_catalog_rest(clients, org.accounts[names[0]], REGIONS[0])
    answers(canned)
    for name in refused:
        print(f"  the emulator cannot hold {name}: shown empty", flush=True)
    return created + seeded


GENERIC_KIND = "AWS::Glue::Job"
"""A kind the catalog does not declare: the demo reads it through Cloud Control."""


def cloudcontrol_seed() -> dict[str, Any]:
    """Glue jobs for the emulator's Cloud Control stand-in (every account and region sees them).
    Their list answers each job's ``Name`` alone, as many types' list handlers answer a subset
    of the model: the mapping's other properties come from ``GetResource``."""
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
    return {"types": {GENERIC_KIND: {"resources": jobs, "list_properties": ["Name"]}}}


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
                    "relations": {"account": ".__ExtraContext.AccountId"},
                }
            }
        },
    }


def _seed_catalog_rest(
    clients: ClientFactory, account: str, region: str
) -> tuple[int, list[str], list[Answer]]:
    """One resource of each kind ``seed_account`` does not create, in one account and region:
    how many seeds succeeded, the names of those the emulator refused, and the canned answers
    the reads need."""

    def c(service: str) -> Any:
        return clients(service, region, account)

    tags = [{"Key": "team", "Value": "platform"}]
    owned = [*tags, {"Key": "owner", "Value": "platform-team"}]
    """The first of each pair the demo makes (to pass the scorecards' rules) has an owner."""
    subnets = [s["SubnetId"] for s in c("ec2").describe_subnets()["Subnets"]][:2]
    vpc = c("ec2").describe_vpcs()["Vpcs"][0]["VpcId"]
    role = c("iam").create_role(
        RoleName="demo-service",
        AssumeRolePolicyDocument=_trust("codebuild", "codedeploy", "eks", "states", "ecs-tasks"),
    )["Role"]["Arn"]
    pipeline_role = c("iam").create_role(
        RoleName="demo-pipeline", AssumeRolePolicyDocument=_trust("codepipeline")
    )["Role"]["Arn"]

    lower = [{"key": t["Key"], "value": t["Value"]} for t in tags]
    as_map = {t["Key"]: t["Value"] for t in tags}
    owned_map = {t["Key"]: t["Value"] for t in owned}
    group = c("ec2").create_security_group(GroupName="web-lb", Description="load balancer")
    key = c("kms").create_key(Description="platform key")["KeyMetadata"]["Arn"]
    topic = c("sns").create_topic(Name="platform-alerts", Tags=owned)["TopicArn"]
    instances = [
        i["InstanceId"]
        for r in c("ec2").describe_instances()["Reservations"]
        for i in r["Instances"]
    ]
    made: dict[str, str] = {}
    """ARNs one seed makes and a later one refers to."""
    worker = c("lambda").list_functions()["Functions"][0]["FunctionArn"]
    """``seed_account``'s function in this account and region."""
    invoke = f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{worker}/invocations"
    jobs = c("sqs").get_queue_attributes(
        QueueUrl=c("sqs").list_queues()["QueueUrls"][0], AttributeNames=["QueueArn"]
    )["Attributes"]["QueueArn"]

    def ecs() -> None:
        ecs = c("ecs")
        ecs.create_cluster(clusterName="services")
        ecs.register_task_definition(
            family="web",
            cpu="256",
            memory="512",
            networkMode="awsvpc",
            requiresCompatibilities=["FARGATE"],
            taskRoleArn=role,
            executionRoleArn=role,
            containerDefinitions=[
                {
                    "name": "web",
                    "image": "nginx:1.27",
                    "memory": 256,
                    "environment": [{"name": "API_TOKEN", "value": "not-sent-to-port"}],
                }
            ],
            tags=lower,
        )
        ecs.create_service(
            cluster="services",
            serviceName="web",
            taskDefinition="web",
            loadBalancers=[
                {
                    "targetGroupArn": made["target group"],
                    "containerName": "web",
                    "containerPort": 80,
                }
            ],
            networkConfiguration={
                "awsvpcConfiguration": {"subnets": subnets, "securityGroups": [group["GroupId"]]}
            },
            tags=lower,
        )

    def codebuild() -> None:
        build = c("codebuild")
        build.create_project(
            name="app",
            description="builds the web app",
            source={"type": "S3", "location": "demo-sources/app.zip"},
            artifacts={"type": "NO_ARTIFACTS"},
            environment={
                "type": "LINUX_CONTAINER",
                "image": "aws/codebuild/standard:7.0",
                "computeType": "BUILD_GENERAL1_SMALL",
            },
            serviceRole=role,
            tags=lower,
        )
        build.start_build(projectName="app")

    def elbv2() -> None:
        lb = c("elbv2")
        public = lb.create_load_balancer(
            Name="web",
            Subnets=subnets,
            SecurityGroups=[group["GroupId"]],
            Scheme="internet-facing",
            Tags=owned,
        )["LoadBalancers"][0]["LoadBalancerArn"]
        internal = lb.create_load_balancer(
            Name="internal", Subnets=subnets, Scheme="internal", Tags=tags
        )["LoadBalancers"][0]["LoadBalancerArn"]
        target_group = lb.create_target_group(
            Name="web", Protocol="HTTP", Port=80, VpcId=vpc, Tags=tags
        )["TargetGroups"][0]["TargetGroupArn"]
        made["target group"] = target_group
        lb.create_listener(  # HTTP answered with a redirect to HTTPS: passes ELB.1
            LoadBalancerArn=public,
            Protocol="HTTP",
            Port=80,
            DefaultActions=[
                {
                    "Type": "redirect",
                    "RedirectConfig": {
                        "Protocol": "HTTPS",
                        "Port": "443",
                        "StatusCode": "HTTP_301",
                    },
                }
            ],
        )
        lb.create_listener(  # plain HTTP to the targets: fails ELB.1
            LoadBalancerArn=internal,
            Protocol="HTTP",
            Port=8080,
            DefaultActions=[{"Type": "forward", "TargetGroupArn": target_group}],
        )

    def autoscaling() -> None:
        scaling = c("autoscaling")
        scaling.create_launch_configuration(
            LaunchConfigurationName="web", ImageId=DEMO_IMAGE, InstanceType="t3.micro"
        )
        scaling.create_auto_scaling_group(
            AutoScalingGroupName="web",
            LaunchConfigurationName="web",
            MinSize=1,
            MaxSize=2,
            VPCZoneIdentifier=subnets[0],
            TargetGroupARNs=[made["target group"]],
            Tags=[{**t, "PropagateAtLaunch": True} for t in tags],
        )

    def eks() -> None:
        eks = c("eks")
        eks.create_cluster(
            name="platform",
            roleArn=role,
            resourcesVpcConfig={
                "subnetIds": subnets,
                "securityGroupIds": [group["GroupId"]],
                "endpointPublicAccess": True,
            },
            encryptionConfig=[{"resources": ["secrets"], "provider": {"keyArn": key}}],
            tags=owned_map,
        )
        eks.create_cluster(
            name="internal",
            roleArn=role,
            resourcesVpcConfig={
                "subnetIds": subnets,
                "endpointPublicAccess": False,
                "endpointPrivateAccess": True,
            },
            tags=as_map,
        )
        eks.create_nodegroup(
            clusterName="platform",
            nodegroupName="general",
            subnets=subnets,
            nodeRole=role,
            tags=as_map,
        )

    def cloudformation() -> None:
        template = {
            "Description": "shared network resources",
            "Resources": {"Topic": {"Type": "AWS::SNS::Topic", "Properties": {}}},
            "Outputs": {"TopicArn": {"Value": {"Ref": "Topic"}}},
        }
        stacks = c("cloudformation")
        stacks.create_stack(
            StackName="network",
            TemplateBody=json.dumps(template),
            RoleARN=role,
            NotificationARNs=[topic],
            Tags=tags,
        )
        template["Description"] = "shared network resources (v2)"
        stacks.update_stack(
            StackName="network",
            TemplateBody=json.dumps(template),
            RoleARN=role,
            NotificationARNs=[topic],
            Tags=tags,
        )

    def events() -> None:
        rules = c("events")
        rules.put_rule(
            Name="nightly",
            ScheduleExpression="rate(1 day)",
            Description="nightly report",
            Tags=tags,
        )
        rules.put_rule(
            Name="instance-stopped",
            EventPattern=json.dumps(
                {"source": ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"]}
            ),
            Description="instances that stop",
        )
        rules.put_targets(
            Rule="nightly",
            Targets=[
                {"Id": "report", "Arn": worker},
                {"Id": "queue", "Arn": jobs},
                {"Id": "notify", "Arn": topic},
            ],
        )

    def kinesis() -> None:
        streams = c("kinesis")
        streams.create_stream(StreamName="clicks", ShardCount=1)
        streams.add_tags_to_stream(StreamName="clicks", Tags=as_map)
        streams.start_stream_encryption(StreamName="clicks", EncryptionType="KMS", KeyId=key)
        c("lambda").create_event_source_mapping(
            EventSourceArn=streams.describe_stream_summary(StreamName="clicks")[
                "StreamDescriptionSummary"
            ]["StreamARN"],
            FunctionName=worker,
            StartingPosition="TRIM_HORIZON",
        )

    def rest_api() -> None:
        apis = c("apigateway")
        api = apis.create_rest_api(name="orders", description="orders API", tags=as_map)["id"]
        root = apis.get_resources(restApiId=api)["items"][0]["id"]
        orders = apis.create_resource(restApiId=api, parentId=root, pathPart="orders")["id"]
        apis.put_method(
            restApiId=api, resourceId=orders, httpMethod="GET", authorizationType="NONE"
        )
        apis.put_integration(
            restApiId=api,
            resourceId=orders,
            httpMethod="GET",
            type="AWS_PROXY",
            integrationHttpMethod="POST",
            uri=invoke,
        )

    def http_api() -> None:
        apis = c("apigatewayv2")
        api = apis.create_api(Name="events", ProtocolType="HTTP", Tags=as_map)["ApiId"]
        apis.create_integration(
            ApiId=api,
            IntegrationType="AWS_PROXY",
            IntegrationUri=worker,
            PayloadFormatVersion="2.0",
        )

    def state_machine() -> None:
        machine = c("stepfunctions").create_state_machine(
            name="checkout",
            definition=json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}),
            roleArn=role,
            tags=lower,
        )["stateMachineArn"]
        c("events").put_targets(
            Rule="instance-stopped", Targets=[{"Id": "checkout", "Arn": machine, "RoleArn": role}]
        )

    def route53() -> None:
        dns = c("route53")
        zone = dns.create_hosted_zone(
            Name="demo.example.com",
            CallerReference="demo",
            HostedZoneConfig={"Comment": "public zone of the demo", "PrivateZone": False},
        )["HostedZone"]
        dns.change_tags_for_resource(
            ResourceType="hostedzone", ResourceId=zone["Id"].rsplit("/", 1)[-1], AddTags=tags
        )

    def ses() -> None:
        mail = c("sesv2")
        mail.create_configuration_set(
            ConfigurationSetName="transactional",
            DeliveryOptions={"TlsPolicy": "REQUIRE"},
            ReputationOptions={"ReputationMetricsEnabled": True},
            SuppressionOptions={"SuppressedReasons": ["BOUNCE", "COMPLAINT"]},
            Tags=tags,
        )
        mail.create_email_identity(
            EmailIdentity="team@example.com", ConfigurationSetName="transactional", Tags=tags
        )

    def acm() -> None:
        made["certificate"] = c("acm").request_certificate(
            DomainName="demo.example.com", Tags=tags
        )["CertificateArn"]

    def cloudfront() -> None:
        site = f"demo-site-{account[-4:]}"
        c("s3").create_bucket(Bucket=site)
        cloudfront_site(
            c,
            reference="demo",
            aliases=("cdn.demo.example.com",),
            bucket=site,
            viewer="redirect-to-https",
            certificate=made.get("certificate"),
            tags=owned,
        )
        cloudfront_site(c, reference="demo-plain", bucket=site)

    def rds_instances() -> None:
        rds = c("rds")
        rds.create_db_subnet_group(
            DBSubnetGroupName="orders",
            DBSubnetGroupDescription="orders database",
            SubnetIds=subnets,
        )
        postgres = {
            "DBInstanceClass": "db.t3.micro",
            "Engine": "postgres",
            "MasterUsername": "app",
            "MasterUserPassword": "not-read-by-the-integration",
            "AllocatedStorage": 20,
        }
        rds.create_db_instance(
            DBInstanceIdentifier="orders",
            **postgres,
            PubliclyAccessible=False,
            DBSubnetGroupName="orders",
            VpcSecurityGroupIds=[group["GroupId"]],
            StorageEncrypted=True,
            KmsKeyId=key,
            MultiAZ=True,
            BackupRetentionPeriod=7,
            Tags=owned,
        )
        rds.create_db_instance(
            DBInstanceIdentifier="reports",
            **postgres,
            PubliclyAccessible=True,
            BackupRetentionPeriod=1,
            Tags=tags,
        )

    def rds_clusters() -> None:
        rds = c("rds")
        rds.create_db_cluster(
            DBClusterIdentifier="ledger",
            Engine="aurora-postgresql",
            MasterUsername="app",
            MasterUserPassword="not-read-by-the-integration",
            VpcSecurityGroupIds=[group["GroupId"]],
            StorageEncrypted=True,
            KmsKeyId=key,
            DeletionProtection=True,
            AvailabilityZones=[f"{region}a", f"{region}b"],
            Tags=owned,
        )
        for zone in ("a", "b"):  # writers in two zones: a Multi-AZ cluster
            rds.create_db_instance(
                DBInstanceIdentifier=f"ledger-{zone}",
                DBClusterIdentifier="ledger",
                DBInstanceClass="db.r6g.large",
                Engine="aurora-postgresql",
                AvailabilityZone=f"{region}{zone}",
                Tags=owned,
            )
        rds.create_db_cluster(
            DBClusterIdentifier="scratch",
            Engine="aurora-postgresql",
            MasterUsername="app",
            MasterUserPassword="not-read-by-the-integration",
            Tags=tags,
        )

    canned: list[Answer] = []
    seeds: dict[str, Callable[[], Any]] = {
        "load balancers and target groups": elbv2,
        "ACM": acm,
        "CodeDeploy": lambda: canned.extend(
            codedeploy_web(c, account, region, role, *instances[:1])[1]
        ),
        "CodePipeline": lambda: canned.extend(
            codepipeline_deliver(c, region, pipeline_role, role)[1]
        ),
        "CloudFront": cloudfront,
        "MemoryDB users": lambda: c("memorydb").create_user(
            UserName="reporting",
            AuthenticationMode={"Type": "iam"},
            AccessString="on ~reports:* +@read",
            Tags=tags,
        ),
        "ECS services and task definitions": ecs,
        "CodeBuild": codebuild,
        "Auto Scaling": autoscaling,
        "EKS": eks,
        "API Gateway": rest_api,
        "API Gateway v2": http_api,
        "CloudFormation": cloudformation,
        "CloudWatch": lambda: errors_alarm(c, "errors", tags, actions=(topic,)),
        "EFS": lambda: c("efs").create_file_system(
            CreationToken="shared",
            Encrypted=True,
            KmsKeyId=key,
            Tags=[{"Key": "Name", "Value": "shared"}],
        ),
        "ElastiCache": lambda: c("elasticache").create_cache_cluster(
            CacheClusterId="sessions",
            Engine="redis",
            EngineVersion="7.1",
            CacheNodeType="cache.t3.micro",
            NumCacheNodes=1,
            SecurityGroupIds=[group["GroupId"]],
            Tags=tags,
        ),
        "EventBridge": events,
        "IAM policies": lambda: c("iam").create_policy(
            PolicyName="read-reports",
            PolicyDocument=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
                }
            ),
            Tags=tags,
        ),
        "Kinesis": kinesis,
        "MSK": lambda: c("kafka").create_cluster_v2(
            ClusterName="events",
            Provisioned={
                "BrokerNodeGroupInfo": {
                    "InstanceType": "kafka.t3.small",
                    "ClientSubnets": subnets,
                    "SecurityGroups": [group["GroupId"]],
                },
                "EncryptionInfo": {"EncryptionAtRest": {"DataVolumeKMSKeyId": key}},
                "KafkaVersion": "3.6.0",
                "NumberOfBrokerNodes": 2,
            },
            Tags=as_map,
        ),
        "MSK Serverless": lambda: c("kafka").create_cluster_v2(
            ClusterName="stream",
            Serverless={
                "VpcConfigs": [{"SubnetIds": subnets, "SecurityGroupIds": [group["GroupId"]]}]
            },
            Tags=as_map,
        ),
        "OpenSearch": lambda: c("opensearch").create_domain(
            DomainName="search",
            VPCOptions={"SubnetIds": subnets[:1], "SecurityGroupIds": [group["GroupId"]]},
            EncryptionAtRestOptions={"Enabled": True, "KmsKeyId": key},
            TagList=tags,
        ),
        "RDS instances": rds_instances,
        "RDS clusters": rds_clusters,
        "Route 53": route53,
        "SES": ses,
        "Step Functions": state_machine,
    }
    refused = []
    for name, seed in seeds.items():
        try:
            seed()
        except Exception:  # the emulator lacks it: the demo shows the kind empty
            refused.append(name)
    return len(seeds) - len(refused), refused, canned
