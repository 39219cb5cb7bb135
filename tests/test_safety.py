"""Catalog safety: a resync lets Ocean delete an entity only when the slice that would have
produced it was read completely and positively.

Every row runs two resyncs through Ocean's harness against the emulator: a clean one, whose
entities then stand in Port, and one with a fault injected in AWS's own wire format. The faulty
one must delete nothing, leave every entity it still upserts exactly as the clean one had it (no
field nulled), be reported incomplete with a one-line reason naming the account, region, kind and
action, and end within its deadline. The last test is the positive control: with AWS healthy, a
resource really deleted is deleted from Port.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.rig import DEFAULT_ACCOUNT, STATIC, Emulator, mapping_for, resync

REGIONS = ["eu-west-1", "us-east-1"]
ECS = "AWS::ECS::Cluster"
SQS = "AWS::SQS::Queue"
S3 = "AWS::S3::Bucket"
EVENTS = "AWS::Events::Rule"
A = DEFAULT_ACCOUNT


def seed_ecs(aws: Emulator) -> None:
    for region in REGIONS:
        ecs = aws.client("ecs", region)
        for name in ("web", "jobs"):
            ecs.create_cluster(clusterName=name, tags=[{"key": "team", "value": "core"}])


def seed_sqs(aws: Emulator) -> None:
    for region in REGIONS:
        aws.client("sqs", region).create_queue(QueueName="orders", tags={"team": "core"})


def seed_s3(aws: Emulator) -> None:
    s3 = aws.client("s3")
    for name in ("alpha", "beta"):
        s3.create_bucket(Bucket=name)
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": "team", "Value": "core"}]})


def seed_events(aws: Emulator) -> None:
    for region in REGIONS:
        aws.client("events", region).put_rule(Name="nightly", ScheduleExpression="rate(1 day)")


def seed_ecs_and_sqs(aws: Emulator) -> None:
    seed_ecs(aws)
    seed_sqs(aws)


def fault(**rule: Any) -> dict[str, Any]:
    return {"status": 400, "message": "injected", **rule}


@dataclass
class Row:
    name: str
    kinds: tuple[str, ...]
    seed: Callable[[Emulator], None]
    faults: list[dict[str, Any]] = field(default_factory=list)
    answers: list[dict[str, Any]] = field(default_factory=list)
    config: dict[str, Any] = field(default_factory=dict)
    selector: dict[str, Any] = field(default_factory=dict)
    reason: tuple[str, ...] = ()
    """Texts the resync's error must contain (account/region, kind, action, code)."""
    seconds: float = 60
    """The faulty resync must end within this."""


ROWS = [
    Row(
        "a kind's permission denied (default accessDeniedPolicy)",
        (ECS,),
        seed_ecs,
        faults=[fault(service="ecs", action="ListClusters", code="AccessDeniedException")],
        reason=(ECS, f"{A}/eu-west-1", "ecs:ListClusters is not allowed", "make policy"),
    ),
    Row(
        "credentials refused in a region ListRegions reported enabled",
        (ECS,),
        seed_ecs,
        faults=[
            fault(service="ecs", region="eu-west-1", code="UnrecognizedClientException"),
        ],
        reason=(ECS, f"{A}/eu-west-1", "ecs:ListClusters", "UnrecognizedClientException"),
    ),
    Row(
        "one region disabled mid-resync",
        (ECS,),
        seed_ecs,
        faults=[fault(service="ecs", region="us-east-1", code="InvalidClientTokenId")],
        reason=(ECS, f"{A}/us-east-1", "InvalidClientTokenId"),
    ),
    Row(
        "a regionPolicy that selects no region of the partition",
        (ECS,),
        seed_ecs,
        selector={"regionPolicy": {"allow": ["cn-north-1"]}},
        reason=(ECS, "regionPolicy", "selects no region of partition aws"),
    ),
    Row(
        "a regionPolicy naming a region that does not exist",
        (ECS,),
        seed_ecs,
        selector={"regionPolicy": {"allow": ["xx-nowhere-1"]}},
        reason=("regionPolicy", "'xx-nowhere-1' matches no AWS region"),
    ),
    Row(
        "tags enrichment denied (tag:GetResources)",
        (SQS,),
        seed_sqs,
        faults=[fault(service="tagging", action="GetResources", code="AccessDeniedException")],
        reason=(SQS, f"{A}/eu-west-1", "tag:GetResources is not allowed"),
    ),
    Row(
        "a per-item enrichment denied",
        (S3,),
        seed_s3,
        faults=[fault(service="s3", url="/beta?tagging", status=403, code="AccessDenied")],
        reason=(S3, f"{A}/us-east-1", "s3:GetBucketTagging is not allowed"),
    ),
    Row(
        "a relation's enrichment denied (events:ListTargetsByRule)",
        (EVENTS,),
        seed_events,
        faults=[fault(service="events", action="ListTargetsByRule", code="AccessDeniedException")],
        reason=(EVENTS, f"{A}/eu-west-1", "events:ListTargetsByRule is not allowed"),
    ),
    Row(
        "a paginator answering tokens A, B, A, B …",
        (ECS,),
        seed_ecs,
        answers=[
            {
                "service": "ecs",
                "action": "ListClusters",
                "match": "tokA",
                "body": {"clusterArns": [], "nextToken": "tokB"},
            },
            {
                "service": "ecs",
                "action": "ListClusters",
                "match": "tokB",
                "body": {"clusterArns": [], "nextToken": "tokA"},
            },
            {
                "service": "ecs",
                "action": "ListClusters",
                "body": {"clusterArns": [], "nextToken": "tokA"},
            },
        ],
        reason=(ECS, f"{A}/eu-west-1", "ecs:ListClusters", "RepeatedPageToken"),
    ),
    Row(
        "a hand-written token loop answering one token forever",
        (EVENTS,),
        seed_events,
        answers=[
            {
                "service": "events",
                "action": "ListEventBuses",
                "body": {"EventBuses": [], "NextToken": "again"},
            },
        ],
        reason=(EVENTS, f"{A}/eu-west-1", "events:ListEventBuses", "RepeatedPageToken"),
    ),
    Row(
        "throttling until retries run out",
        (ECS,),
        seed_ecs,
        faults=[fault(service="ecs", action="DescribeClusters", code="ThrottlingException")],
        config={"max_attempts": 2},
        reason=(ECS, f"{A}/eu-west-1", "ecs:DescribeClusters", "ThrottlingException"),
    ),
    Row(
        "5xx until retries run out",
        (ECS,),
        seed_ecs,
        faults=[fault(service="ecs", region="us-east-1", status=503, code="ServiceUnavailable")],
        config={"max_attempts": 2},
        reason=(ECS, f"{A}/us-east-1", "ecs:ListClusters", "ServiceUnavailable"),
    ),
    Row(
        "connections reset until retries run out",
        (ECS,),
        seed_ecs,
        faults=[{"service": "ecs", "region": "eu-west-1", "reset": True}],
        config={"max_attempts": 2},
        reason=(ECS, f"{A}/eu-west-1", "ConnectionClosedError"),
    ),
    Row(
        "an answer the kind cannot read",
        (ECS,),
        seed_ecs,
        answers=[
            {
                "service": "ecs",
                "action": "DescribeClusters",
                "match": "eu-west-1",
                "body": {"clusters": [{"clusterName": "web", "status": "ACTIVE"}]},
            }
        ],
        reason=(ECS, f"{A}/eu-west-1", "KeyError"),
    ),
    Row(
        "one call past its deadline",
        (ECS,),
        seed_ecs,
        faults=[{"service": "ecs", "action": "ListClusters", "region": "eu-west-1", "delay": 4}],
        config={"call_timeout_seconds": 1},
        reason=(ECS, f"{A}/eu-west-1", "ecs:ListClusters", "CallTimeout"),
        seconds=20,
    ),
    Row(
        "a slice past its deadline",
        (ECS,),
        seed_ecs,
        faults=[{"service": "ecs", "action": "ListClusters", "region": "eu-west-1", "delay": 4}],
        config={"slice_timeout_seconds": 1},
        reason=(ECS, f"{A}/eu-west-1", "SliceTimeout", "sliceTimeoutSeconds=1"),
        seconds=20,
    ),
    Row(
        "the resync past its deadline",
        (ECS, SQS),
        seed_ecs_and_sqs,
        faults=[{"service": "ecs", "action": "ListClusters", "delay": 4}],
        config={"resync_timeout_seconds": 2},
        reason=(ECS, "ResyncTimeout", "resyncTimeoutSeconds=2"),
        seconds=25,
    ),
]


def _mapping(row: Row) -> dict[str, Any]:
    mapping = mapping_for(*row.kinds)
    for resource in mapping["resources"]:
        resource["selector"].update(row.selector)
    return mapping


async def two_phases(aws: Emulator, row: Row, config: dict[str, Any]) -> None:
    """The row's clean resync (in the integration's process), then its faulty one with
    ``config`` added: nothing deleted or changed, reported incomplete in one line per error
    naming the row's reason, within the row's time."""
    aws.list_regions(REGIONS, page_size=10)
    row.seed(aws)
    clean = await resync(STATIC, mapping_for(*row.kinds))
    assert clean.errors == []
    before = {e["identifier"]: e for e in clean.upserted_entities}
    assert before

    aws.faults(row.faults)
    aws.answers(row.answers)
    started = time.monotonic()
    faulty = await resync(
        {**STATIC, **config, **row.config}, _mapping(row), existing=list(before.values())
    )
    elapsed = time.monotonic() - started

    assert faulty.deleted_entities == []
    for entity in faulty.upserted_entities:
        assert entity == before[entity["identifier"]], "an entity changed in a failed resync"
    assert faulty.errors, "the resync must be reported incomplete"
    text = " | ".join(str(error) for error in faulty.errors)
    for expected in row.reason:
        assert expected in text, f"{expected!r} not in {text!r}"
    assert all("\n" not in str(error) for error in faulty.errors)
    assert elapsed < row.seconds


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
async def test_a_failure_deletes_nothing_and_changes_nothing(aws: Emulator, row: Row) -> None:
    await two_phases(aws, row, {})


async def test_a_resource_deleted_in_aws_is_deleted_from_port(aws: Emulator) -> None:
    aws.list_regions(REGIONS, page_size=10)
    seed_sqs(aws)
    clean = await resync(STATIC, mapping_for(SQS))
    assert clean.errors == []
    sqs = aws.client("sqs", "eu-west-1")
    sqs.delete_queue(QueueUrl=sqs.get_queue_url(QueueName="orders")["QueueUrl"])

    again = await resync(STATIC, mapping_for(SQS), existing=clean.upserted_entities)

    assert again.errors == []
    assert len(again.deleted_entities) == 1
    [gone] = again.deleted_entities
    assert ":eu-west-1:" in gone["identifier"]
    assert [e["identifier"] for e in again.upserted_entities] == [
        e["identifier"] for e in clean.upserted_entities if e["identifier"] != gone["identifier"]
    ]
