"""Resources for the demo organization, created through AWS APIs in the emulator.

Spread over three regions and the active member accounts; moto also gives every account and
region its default VPC, subnets and security group.
"""

import io
import json
import zipfile
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


def seed_resources(clients: ClientFactory, org: EmulatedOrg, names: list[str]) -> int:
    """Resources in the named accounts; returns how many were created."""
    return sum(
        seed_account(clients, org.accounts[name], name, index) for index, name in enumerate(names)
    )


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
