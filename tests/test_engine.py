"""The sync engine end to end: regions, region policy, throttling, failed and denied slices.

Faults are injected by the emulator's fault layer (tests/emulator.py) in each service's real
wire format; account:ListRegions is answered by its stand-in, since moto lacks that call.
"""

import time
from typing import Any

import pytest

from tests.rig import DEFAULT_ACCOUNT, STATIC, Emulator, by_blueprint, mapping_for, resync

ECS = mapping_for("AWS::ECS::Cluster")


def cluster_arn(region: str, name: str) -> str:
    return f"arn:aws:ecs:{region}:{DEFAULT_ACCOUNT}:cluster/{name}"


def seed_clusters(aws: Emulator, regions: list[str]) -> None:
    for region in regions:
        aws.client("ecs", region).create_cluster(clusterName=f"c-{region}")


def entity(identifier: str, blueprint: str = "ecsCluster") -> dict[str, Any]:
    """An entity as Port's search returns it, for the harness's reconciliation."""
    return {"identifier": identifier, "blueprint": blueprint, "properties": {}, "relations": {}}


def with_policy(mapping: dict[str, Any], **selector: Any) -> dict[str, Any]:
    for resource in mapping["resources"]:
        resource["selector"].update(selector)
    return mapping


async def test_list_regions_is_followed_through_every_page(aws: Emulator) -> None:
    regions = ["ap-south-1", "eu-west-1", "us-east-1", "us-west-2"]
    aws.list_regions(regions, page_size=1, disabled=("me-south-1",))
    seed_clusters(aws, [*regions, "me-south-1"])

    result = await resync(STATIC, ECS)

    assert result.errors == []
    assert set(by_blueprint(result, "ecsCluster")) == {cluster_arn(r, f"c-{r}") for r in regions}
    assert aws.count("account", "POST /listRegions") == len(regions)  # one page per region
    assert aws.count("ec2", "DescribeRegions") == 0


async def test_describe_regions_is_the_fallback_when_list_regions_is_unavailable(
    aws: Emulator,
) -> None:
    aws.list_regions(None)  # the emulator answers 404, as real endpoints do when the API is missing
    seed_clusters(aws, ["eu-north-1"])

    result = await resync(
        STATIC, with_policy(mapping_for("AWS::ECS::Cluster"), regionPolicy={"allow": ["eu-*"]})
    )

    assert result.errors == []
    assert list(by_blueprint(result, "ecsCluster")) == [cluster_arn("eu-north-1", "c-eu-north-1")]
    assert aws.count("ec2", "DescribeRegions") == 1


async def test_region_policy_allows_globs_and_deny_wins(aws: Emulator) -> None:
    regions = ["eu-central-1", "eu-west-1", "us-east-1", "us-west-2"]
    aws.list_regions(regions, page_size=10)
    seed_clusters(aws, regions)
    for region in regions:
        config = {"LocationConstraint": region} if region != "us-east-1" else None
        aws.client("s3", region).create_bucket(
            Bucket=f"b-{region}", **({"CreateBucketConfiguration": config} if config else {})
        )
    mapping = with_policy(
        mapping_for("AWS::ECS::Cluster", "AWS::S3::Bucket"),
        regionPolicy={"allow": ["eu-*", "us-east-1"], "deny": ["eu-central-1"]},
    )

    result = await resync(STATIC, mapping)

    assert result.errors == []
    assert set(by_blueprint(result, "ecsCluster")) == {
        cluster_arn("eu-west-1", "c-eu-west-1"),
        cluster_arn("us-east-1", "c-us-east-1"),
    }
    assert set(by_blueprint(result, "s3Bucket")) == {
        "arn:aws:s3:::b-eu-west-1",
        "arn:aws:s3:::b-us-east-1",
    }
    assert aws.count("ecs", "ListClusters") == 2


async def test_a_region_refusing_credentials_is_unavailable_when_aws_did_not_list_it(
    aws: Emulator,
) -> None:
    """Neither ListRegions nor DescribeRegions answered, so every region of the partition is
    tried; one refusing the credentials is one the account has not enabled. (Where ListRegions
    reported the region enabled, the same answer fails the slice: tests/test_safety.py.)"""
    aws.list_regions(None)
    seed_clusters(aws, ["us-east-1"])
    aws.faults(
        [
            {"service": "ec2", "action": "DescribeRegions", "status": 403, "code": "AccessDenied"},
            {
                "service": "ecs",
                "region": "ap-east-1",
                "status": 400,
                "code": "UnrecognizedClientException",
                "message": "The security token included in the request is invalid.",
            },
        ]
    )

    result = await resync(STATIC, ECS)

    assert result.errors == []
    assert list(by_blueprint(result, "ecsCluster")) == [cluster_arn("us-east-1", "c-us-east-1")]


async def test_throttling_on_a_third_of_calls_still_yields_every_resource(aws: Emulator) -> None:
    regions = ["eu-west-1", "us-east-1", "us-west-2"]
    aws.list_regions(regions)
    for region in regions:
        ecs = aws.client("ecs", region)
        for n in range(3):
            ecs.create_cluster(clusterName=f"c{n}")
    aws.faults(
        [
            {
                "service": "ecs",
                "rate": 0.3,
                "status": 400,
                "code": "ThrottlingException",
                "message": "Rate exceeded",
            }
        ]
    )

    result = await resync(STATIC, ECS)

    assert result.errors == []
    assert len(by_blueprint(result, "ecsCluster")) == 9


async def test_a_region_failing_until_retries_run_out_fails_only_its_slice(aws: Emulator) -> None:
    regions = ["eu-west-1", "us-east-1", "us-west-2"]
    aws.list_regions(regions)
    seed_clusters(aws, regions)
    aws.faults(
        [
            {
                "service": "ecs",
                "region": "eu-west-1",
                "status": 503,
                "code": "ServiceUnavailable",
                "message": "down",
            }
        ]
    )
    # Were the delete phase to run, it would delete the failed slice's cluster and "gone".
    existing = [
        entity(cluster_arn("eu-west-1", "c-eu-west-1")),
        entity(cluster_arn("us-east-1", "gone")),
        entity(cluster_arn("us-east-1", "c-us-east-1")),
        entity(cluster_arn("us-west-2", "c-us-west-2")),
    ]

    result = await resync({**STATIC, "max_attempts": 2}, ECS, existing=existing)

    assert set(by_blueprint(result, "ecsCluster")) == {
        cluster_arn("us-east-1", "c-us-east-1"),
        cluster_arn("us-west-2", "c-us-west-2"),
    }
    assert result.deleted_entities == []
    [error] = result.errors
    assert f"{DEFAULT_ACCOUNT}/eu-west-1" in str(error)
    assert "ServiceUnavailable" in str(error)
    assert aws.count("ecs", "ListClusters") == 2 + 2  # two healthy regions + two attempts


@pytest.mark.parametrize("policy", ["empty", "fail"])
async def test_access_denied_on_one_service_follows_the_setting(
    aws: Emulator, policy: str, logs: list[str]
) -> None:
    aws.list_regions(["us-east-1", "eu-west-1"])
    seed_clusters(aws, ["us-east-1", "eu-west-1"])
    aws.faults(
        [
            {
                "service": "ecs",
                "region": "eu-west-1",
                "status": 400,
                "code": "AccessDeniedException",
                "message": "explicit deny in a service control policy",
            }
        ]
    )
    existing = [
        entity(cluster_arn("eu-west-1", "c-eu-west-1")),
        entity(cluster_arn("us-east-1", "c-us-east-1")),
    ]

    result = await resync({**STATIC, "access_denied_policy": policy}, ECS, existing=existing)

    assert list(by_blueprint(result, "ecsCluster")) == [cluster_arn("us-east-1", "c-us-east-1")]
    assert any("ecs:ListClusters is not allowed" in line for line in logs), logs[-5:]
    if policy == "empty":
        assert result.errors == []
        assert [e["identifier"] for e in result.deleted_entities] == [
            cluster_arn("eu-west-1", "c-eu-west-1")
        ]
    else:
        assert result.deleted_entities == []
        assert "AccessDeniedException" in str(result.errors[0])


async def test_an_enrichment_failing_for_one_item_fails_the_slice(aws: Emulator) -> None:
    aws.list_regions(["us-east-1"])
    s3 = aws.client("s3")
    for name in ("alpha", "beta", "gamma"):
        s3.create_bucket(Bucket=name)
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": "name", "Value": name}]})
    aws.faults(
        [
            {
                "service": "s3",
                "url": "/beta?tagging",
                "status": 500,
                "code": "InternalError",
                "message": "x",
            }
        ]
    )
    existing = [entity(f"arn:aws:s3:::{n}", "s3Bucket") for n in ("alpha", "beta", "gamma")]

    result = await resync(
        {**STATIC, "max_attempts": 1}, mapping_for("AWS::S3::Bucket"), existing=existing
    )

    # No bucket is upserted without its tags, and none is deleted.
    assert all(e["properties"].get("tags") for e in by_blueprint(result, "s3Bucket").values())
    assert result.deleted_entities == []
    [error] = result.errors
    assert "(s3:GetBucketTagging): InternalError" in str(error)


async def test_an_answer_a_kind_cannot_read_fails_only_its_slice(aws: Emulator) -> None:
    aws.list_regions(["us-east-1", "eu-west-1"])
    seed_clusters(aws, ["us-east-1", "eu-west-1"])
    # A DescribeClusters answer without the cluster's ARN, in eu-west-1 only (canned answer).
    aws.answers(
        [
            {
                "service": "ecs",
                "action": "DescribeClusters",
                "match": "eu-west-1",
                "body": {"clusters": [{"clusterName": "c-eu-west-1", "status": "ACTIVE"}]},
            }
        ]
    )
    existing = [
        entity(cluster_arn("eu-west-1", "c-eu-west-1")),
        entity(cluster_arn("us-east-1", "c-us-east-1")),
    ]

    result = await resync(STATIC, ECS, existing=existing)

    assert list(by_blueprint(result, "ecsCluster")) == [cluster_arn("us-east-1", "c-us-east-1")]
    assert result.deleted_entities == []
    [error] = result.errors
    assert f"{DEFAULT_ACCOUNT}/eu-west-1: KeyError" in str(error)


async def test_lambda_calls_start_at_its_published_rate_and_meet_no_throttling(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The simulated control plane throttles Lambda as AWS publishes (a bucket of 15 calls,
    # refilled at 15 a second per account and region): unpaced, the concurrency
    # enrichment's 45 calls would empty it at once and be retried after back-offs.
    from bench.control_plane import Options
    from bench.plane import PlaneProcess
    from bench.synthetic import Org
    from port_aws.aws.bounds import CALLS_PER_SECOND
    from port_aws.resync.state import current_run

    functions = 45
    org = Org(seed=5, accounts=1, regions=("us-east-1",), per_slice=functions)
    plane = PlaneProcess.start(
        Options(seed=5, accounts=1, regions=["us-east-1"], per_slice=functions)
    )
    monkeypatch.setenv("AWS_ENDPOINT_URL", plane.url)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    try:
        config = {
            "account_role_arn": f"arn:aws:iam::{org.management}:role/port-integration",
            "aws_access_key_id": f"AKIA{org.management}PACE",
            "aws_secret_access_key": "pace-test-secret",
        }
        started = time.monotonic()
        result = await resync(config, mapping_for("AWS::Lambda::Function"))
        elapsed = time.monotonic() - started
        stats = plane.stats()
    finally:
        plane.stop()

    assert result.errors == []
    assert len(by_blueprint(result, "lambdaFunction")) == functions
    run = current_run()
    assert run is not None
    [figures] = run.kinds
    assert figures.calls_by_operation["lambda:GetFunctionConcurrency"] == functions
    assert figures.throttled == 0 and stats["throttled"].get("lambda", 0) == 0
    lambda_calls = sum(
        n for op, n in figures.calls_by_operation.items() if op.startswith("lambda:")
    )
    assert elapsed >= (lambda_calls - 1) / CALLS_PER_SECOND["lambda"]
