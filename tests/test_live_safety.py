"""Live events never delete (or read) what is not the event's own: an identifier that is an ARN
or a URL naming another account or region is dropped with its reason, and an S3 bucket is
deleted only when S3 answers ``NoSuchBucket``.

Each test has two phases: the resource is read into the catalog (a resync, or the event of its
own account and region), then the event naming it from elsewhere deletes nothing."""

import asyncio
import contextlib
import json
import os
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from port_aws.aws.accounts import discover_accounts
from port_aws.aws.arn import Owner, owner_of
from port_aws.catalog import RESOURCE_TYPES
from port_aws.catalog.model import KindOptions, Scope
from port_aws.config.settings import Settings, load_settings
from port_aws.live.events import (
    API_KEY_HEADER,
    WEBHOOK_PATH,
    apply_event,
    parse_event,
)
from port_aws.resync import state as run_module
from port_aws.resync.state import LiveRuns, ResyncRun, forget_run
from tests.rig import DEFAULT_ACCOUNT, STATIC, Emulator, mapping_for, resync
from tests.test_live_events import SEEDERS, _until, cloudtrail, webhook_app

A = DEFAULT_ACCOUNT
B = "210987654321"
KEY = "the-live-events-key-0123"
TWO_ACCOUNTS = {
    **STATIC,
    "account_role_arns": [f"arn:aws:iam::{account}:role/port-integration" for account in (A, B)],
}
S3 = "AWS::S3::Bucket"
SNS = "AWS::SNS::Topic"


def _existing(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Port's entities after a resync, as Ocean's harness answers its search."""
    return [{"identifier": e["identifier"], "blueprint": e["blueprint"]} for e in entities]


async def _post_all(
    app: Any, events: list[dict[str, Any]], logs: list[str], marker: str = "dropped"
) -> None:
    """Post each event with the right key and wait until each is processed (one ``marker``
    line per event in the logs)."""
    before = sum(marker in line for line in logs)
    transport = httpx.ASGITransport(app=app.fast_api_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://ocean") as client:
        for event in events:
            answer = await client.post(
                f"/integration{WEBHOOK_PATH}", json=event, headers={API_KEY_HEADER: KEY}
            )
            assert answer.status_code == 200, answer.text
    await _until(lambda: sum(marker in line for line in logs) >= before + len(events))


async def test_another_accounts_bucket_named_by_an_event_is_not_deleted(
    aws: Emulator, logs: list[str]
) -> None:
    """PutBucketTagging recorded in account A naming account B's bucket (a bucket policy lets
    A's callers tag it): A does not list it, yet it exists (or S3 refuses A with 403); B's
    bucket entity stays. Only S3's NoSuchBucket deletes."""
    aws.list_regions(["us-east-1"])
    aws.client("s3").create_bucket(Bucket="a-logs")
    aws.client("s3", account=B).create_bucket(Bucket="b-ledger")
    clean = await resync(TWO_ACCOUNTS, mapping_for(S3))
    assert clean.errors == []
    bucket = "arn:aws:s3:::b-ledger"
    assert {e["identifier"] for e in clean.upserted_entities} == {"arn:aws:s3:::a-logs", bucket}

    harness, app = await webhook_app(
        KEY,
        mapping_for(S3),
        TWO_ACCOUNTS,
        port_search_entities_response=_existing(clean.upserted_entities),
    )
    tagging = {"bucketName": "b-ledger", "Host": "b-ledger.s3.amazonaws.com", "tagging": ""}
    event = cloudtrail("PutBucketTagging", tagging, account=A, source="s3.amazonaws.com")
    try:
        await _post_all(app, [event], logs)
        assert any("b-ledger exists but is not one of account" in line for line in logs)
        # S3 refuses A (no bucket policy): 403 is never taken for "gone"
        aws.faults([{"service": "s3", "url": "location", "status": 403, "code": "AccessDenied"}])
        await _post_all(app, [event], logs)
        aws.faults([])
        assert harness.port_mock.deleted_entities == []
        assert harness.port_mock.upserted_entities == []

        # positive control: the bucket really deleted, B's own event deletes its entity
        aws.client("s3", account=B).delete_bucket(Bucket="b-ledger")
        gone = cloudtrail("DeleteBucket", tagging, account=B, source="s3.amazonaws.com")
        await _post_all(app, [gone], logs, marker="Finished Processing Successfully")
        await _until(lambda: harness.port_mock.deleted_entities)
        assert [e["identifier"] for e in harness.port_mock.deleted_entities] == [bucket]
    finally:
        aws.faults([])
        await harness.shutdown()
        forget_run()


async def test_an_event_of_one_region_naming_another_regions_topic_deletes_nothing(
    aws: Emulator, logs: list[str]
) -> None:
    """An event recorded in us-east-1 naming an eu-west-1 topic: read in us-east-1, SNS would
    answer NotFound; the topic's entity stays, and the same event from eu-west-1 reads it."""
    aws.list_regions(["us-east-1", "eu-west-1"])
    topic = aws.client("sns", "eu-west-1").create_topic(Name="alerts")["TopicArn"]
    clean = await resync(STATIC, mapping_for(SNS))
    assert clean.errors == []
    assert [e["identifier"] for e in clean.upserted_entities] == [topic]

    harness, app = await webhook_app(
        KEY, mapping_for(SNS), port_search_entities_response=_existing(clean.upserted_entities)
    )
    event = cloudtrail(
        "TagResource",
        {"resourceArn": topic, "tags": [{"key": "team", "value": "core"}]},
        source="sns.amazonaws.com",
    )
    assert event["region"] == "us-east-1"
    try:
        await _post_all(app, [event], logs)
        reason = f"{topic} is in region eu-west-1, not the event's us-east-1"
        assert any(reason in line for line in logs)
        assert harness.port_mock.deleted_entities == []
        assert harness.port_mock.upserted_entities == []

        # positive control: recorded in the topic's own region, the event reads it again
        event["region"] = event["detail"]["awsRegion"] = "eu-west-1"
        await _post_all(app, [event], logs, marker="Finished Processing Successfully")
        await _until(lambda: harness.port_mock.upserted_entities)
        assert [e["identifier"] for e in harness.port_mock.upserted_entities] == [topic]
        assert harness.port_mock.deleted_entities == []
    finally:
        await harness.shutdown()
        forget_run()


ARN_PASSED_THROUGH = [
    "AWS::SNS::Topic",
    "AWS::SQS::Queue",
    "AWS::ECS::Service",
    "AWS::ECS::TaskDefinition",
    "AWS::ElasticLoadBalancingV2::LoadBalancer",
    "AWS::ElasticLoadBalancingV2::TargetGroup",
    "AWS::CertificateManager::Certificate",
    "AWS::IAM::Policy",
    "AWS::StepFunctions::StateMachine",
    "AWS::MSK::Cluster",
    "AWS::MSK::ServerlessCluster",
    "AWS::SecretsManager::Secret",
    "AWS::EKS::Nodegroup",
]
"""Kinds whose events name their resources by ARN (or URL) and whose delete passes it through."""


def _recorded_in(event: dict[str, Any], account: str, region: str) -> dict[str, Any]:
    """The event as recorded in ``account`` and ``region``, naming the same resource (a queue
    by the URL AWS gives it, which names its region; the emulator's names none)."""
    aws_urls = re.sub(
        r"http://127\.0\.0\.1:[0-9]+/",
        "https://sqs.us-east-1.amazonaws.com/",
        json.dumps(event, default=str),
    )
    moved: dict[str, Any] = json.loads(aws_urls)
    moved["account"] = moved["detail"]["recipientAccountId"] = account
    moved["region"] = moved["detail"]["awsRegion"] = region
    return moved


def test_the_kinds_passing_arns_through_are_those_of_the_catalog() -> None:
    for kind in ARN_PASSED_THROUGH:
        live = RESOURCE_TYPES[kind].live_events
        assert live is not None and kind in SEEDERS, kind


@pytest.mark.parametrize(
    ("kind", "elsewhere"),
    [
        (kind, elsewhere)
        for kind in ARN_PASSED_THROUGH
        for elsewhere in ("account", "region")
        # IAM is global: its events are read in the partition's home region, wherever recorded
        if not (RESOURCE_TYPES[kind].scope is Scope.GLOBAL and elsewhere == "region")
    ],
)
async def test_an_arn_of_another_account_or_region_is_never_deleted(
    aws: Emulator, kind: str, elsewhere: str
) -> None:
    """The resource stands in account A, us-east-1 (its create event upserts it); its delete
    event, recorded in account B (in scope) or in eu-west-1, names it by ARN: read there, it
    is not found, but nothing is deleted or upserted, and the reason names the account or
    region."""
    case = SEEDERS[kind](aws)
    rt = RESOURCE_TYPES[kind]
    run = ResyncRun(load_settings(TWO_ACCOUNTS))
    created = await apply_event(rt, parse_event(case.create), run, KindOptions())
    assert len(created.upserted) == 1 and not created.deleted, created

    account, region = (B, "us-east-1") if elsewhere == "account" else (A, "eu-west-1")
    moved = parse_event(_recorded_in(case.delete, account, region))
    outcome = await apply_event(rt, moved, run, KindOptions())
    assert outcome.deleted == [] and outcome.upserted == [], outcome
    expected = (
        f"account {A}, not the event's {B}"
        if elsewhere == "account"
        else (f"region us-east-1, not the event's {region}")
    )
    assert expected in outcome.dropped, outcome.dropped


@pytest.mark.parametrize(
    ("identifier", "owner"),
    [
        ("arn:aws:sns:eu-west-1:210987654321:alerts", Owner("aws", B, "eu-west-1")),
        ("arn:aws:s3:::b-ledger", Owner("aws", None, None)),
        ("arn:aws:iam::210987654321:policy/team/read", Owner("aws", B, None)),
        ("https://sqs.eu-west-1.amazonaws.com/210987654321/q", Owner(None, B, "eu-west-1")),
        ("https://eu-west-1.queue.amazonaws.com/210987654321/q", Owner(None, B, "eu-west-1")),
        ("arn:aws:sns", Owner(None, None, None)),
        ("orders", None),
    ],
)
def test_where_an_identifier_says_its_resource_is(identifier: str, owner: Owner | None) -> None:
    assert owner_of(identifier) == owner


# The live run: no reader process, replaced runs closed, discovery refreshed outside events.

QUEUE = RESOURCE_TYPES["AWS::SQS::Queue"]


def _children() -> set[int]:
    """This process's child processes (the emulator's among them)."""
    me = str(os.getpid())
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            if stat.read_text().rsplit(")", 1)[1].split()[1] == me:
                found.add(int(stat.parent.name))
    return found


async def _event_work(runs: LiveRuns, settings: Settings, url: str) -> ResyncRun:
    """One event's work on the live run: the queue read again; the run it used."""
    event = parse_event(cloudtrail("TagQueue", {"queueUrl": url}))
    async with runs.use(settings) as run:
        outcome = await apply_event(QUEUE, event, run, KindOptions())
    assert len(outcome.upserted) == 1 and not outcome.dropped, outcome
    return run


async def test_live_runs_start_no_reader_and_close_the_runs_they_replace(
    aws: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With readerProcesses set, across two replacements of the live run (a settings change,
    then the refresh every RUN_TTL_SECONDS): no child process is started, and each replaced
    run is closed."""
    url = aws.client("sqs").create_queue(QueueName="watched")["QueueUrl"]
    config = {**STATIC, "reader_processes": 2}
    before = _children()
    runs = LiveRuns()
    try:
        first = await _event_work(runs, load_settings(config), url)
        changed = load_settings({**config, "progress_interval_seconds": 30})
        second = await _event_work(runs, changed, url)  # replaced: the settings changed
        assert second is not first
        monkeypatch.setattr(run_module, "RUN_TTL_SECONDS", 0.0)
        assert await _event_work(runs, changed, url) is second  # the refresh starts aside
        monkeypatch.setattr(run_module, "RUN_TTL_SECONDS", 900.0)
        await _until(lambda: first.clients.closed and second.clients.closed)
        third = await _event_work(runs, changed, url)
        assert third not in (first, second) and not third.clients.closed
        assert first.clients.closed and second.clients.closed
        assert _children() - before == set()
    finally:
        await runs.aclose()
    assert third.clients.closed


async def test_discovery_is_refreshed_outside_events(
    aws: Emulator, monkeypatch: pytest.MonkeyPatch, logs: list[str]
) -> None:
    """Accounts discovered again while a large organization's walk takes its time: events go
    on with the last good discovery meanwhile (one is handled while the walk is held), the new
    one is used once complete; a refresh that fails leaves events on the last good one."""
    url = aws.client("sqs").create_queue(QueueName="watched")["QueueUrl"]
    settings = load_settings(STATIC)
    walks: list[str] = []
    held = asyncio.Event()
    discover = discover_accounts

    async def walk(*args: Any, **kwargs: Any) -> Any:
        walks.append("walk")
        if len(walks) == 2:
            await held.wait()  # the refresh: a large organization, still walking
        if len(walks) == 3:
            raise RuntimeError("Organizations walk failed")
        return await discover(*args, **kwargs)

    monkeypatch.setattr(run_module, "discover_accounts", walk)
    runs = LiveRuns()
    try:
        first = await _event_work(runs, settings, url)
        monkeypatch.setattr(run_module, "RUN_TTL_SECONDS", 0.0)
        during = await _event_work(runs, settings, url)  # starts the refresh, not held by it
        assert during is first and len(walks) == 2 and not held.is_set()
        assert await _event_work(runs, settings, url) is first  # one refresh at a time
        assert len(walks) == 2
        monkeypatch.setattr(run_module, "RUN_TTL_SECONDS", 900.0)
        held.set()
        await _until(lambda: first.clients.closed)
        refreshed = await _event_work(runs, settings, url)
        assert refreshed is not first

        monkeypatch.setattr(run_module, "RUN_TTL_SECONDS", 0.0)
        assert await _event_work(runs, settings, url) is refreshed  # this refresh fails
        await _until(lambda: any("discovering the accounts again failed" in x for x in logs))
        monkeypatch.setattr(run_module, "RUN_TTL_SECONDS", 900.0)
        assert await _event_work(runs, settings, url) is refreshed
        assert not refreshed.clients.closed
    finally:
        await runs.aclose()
