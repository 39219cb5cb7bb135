"""First vertical slice, end to end: a seeded account resynced through Ocean's harness."""

from tests.rig import DEFAULT_ACCOUNT, STATIC, Emulator, by_blueprint, mapping_for, resync

KINDS = ("AWS::Account::Info", "AWS::S3::Bucket", "AWS::EC2::Instance", "AWS::ECS::Cluster")


def seed_account(aws: Emulator) -> None:
    aws.list_regions(["us-east-1", "eu-west-1"])
    s3_east = aws.client("s3", "us-east-1")
    s3_east.create_bucket(Bucket="logs-east")
    s3_east.put_bucket_tagging(
        Bucket="logs-east", Tagging={"TagSet": [{"Key": "team", "Value": "platform"}]}
    )
    s3_east.create_bucket(Bucket="assets-east")
    aws.client("s3", "eu-west-1").create_bucket(
        Bucket="data-eu", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    ec2 = aws.client("ec2", "us-east-1")
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    ec2.run_instances(
        ImageId=image,
        MinCount=2,
        MaxCount=2,
        InstanceType="t3.micro",
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "web"}]}],
    )
    aws.client("ecs", "eu-west-1").create_cluster(
        clusterName="apps", tags=[{"key": "env", "value": "prod"}]
    )


async def test_single_account_resync_upserts_exactly_the_seeded_resources(aws: Emulator) -> None:
    seed_account(aws)

    result = await resync(STATIC, mapping_for(*KINDS))

    assert result.errors == []
    assert len(result.upserted_entities) == 7
    accounts = by_blueprint(result, "awsAccount")
    assert list(accounts) == [DEFAULT_ACCOUNT]
    assert accounts[DEFAULT_ACCOUNT]["properties"]["arn"] == f"arn:aws:iam::{DEFAULT_ACCOUNT}:root"

    buckets = by_blueprint(result, "s3Bucket")
    assert set(buckets) == {
        "arn:aws:s3:::logs-east",
        "arn:aws:s3:::assets-east",
        "arn:aws:s3:::data-eu",
    }
    assert buckets["arn:aws:s3:::data-eu"]["properties"]["region"] == "eu-west-1"
    assert buckets["arn:aws:s3:::logs-east"]["properties"]["region"] == "us-east-1"
    assert buckets["arn:aws:s3:::logs-east"]["properties"]["tags"] == [
        {"Key": "team", "Value": "platform"}
    ]
    assert buckets["arn:aws:s3:::logs-east"]["title"] == "logs-east"

    instances = by_blueprint(result, "ec2Instance")
    assert len(instances) == 2
    for identifier, instance in instances.items():
        assert identifier.startswith(f"arn:aws:ec2:us-east-1:{DEFAULT_ACCOUNT}:instance/i-")
        assert instance["title"] == "web"
        assert instance["properties"]["instanceType"] == "t3.micro"
        assert instance["properties"]["state"] == "running"

    clusters = by_blueprint(result, "ecsCluster")
    [(arn, cluster)] = clusters.items()
    assert arn == f"arn:aws:ecs:eu-west-1:{DEFAULT_ACCOUNT}:cluster/apps"
    assert cluster["properties"]["tags"] == [{"key": "env", "value": "prod"}]  # as ECS answers
    assert cluster["properties"]["region"] == "eu-west-1"

    for entity in result.upserted_entities:
        if entity["blueprint"] != "awsAccount":
            assert entity["relations"]["account"] == DEFAULT_ACCOUNT, entity
