"""Faults: a resync against the simulated control plane (bench/control_plane.py, a child process
speaking AWS's wire formats) that throttles, fails with 5xx, resets connections, stalls, expires
each account's first credentials, denies one account and one region, and refuses one role.

Every reachable resource must be upserted, no entity of a failed slice deleted, the resync must
finish in bounded time, and no secret the plane issued (nor the static secret or the web
identity token) may reach the logs.
"""

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from loguru import logger

from bench.control_plane import Faults, Options
from bench.plane import PlaneProcess
from bench.synthetic import Org
from tests.rig import mapping_for, resync

KINDS = ("AWS::EC2::Instance", "AWS::ECS::Cluster")
REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"]
TOKEN = "eyJ0ZXN0IjoiZmF1bHQtc3VpdGUtd2ViLWlkZW50aXR5In0.c2lnbmF0dXJl"
STATIC_SECRET = "st4tic/S3cretKeyForTheFaultSuite0123456789"
PER_SLICE = 4
BOUND_SECONDS = 90

ORG = Org(seed=7, accounts=4, regions=tuple(REGIONS), per_slice=PER_SLICE)
MANAGEMENT, HEALTHY, DENIED, REFUSED = ORG.account_ids
DENIED_REGION = "ap-southeast-2"


def _plane_options() -> Options:
    return Options(
        seed=7,
        accounts=4,
        regions=REGIONS,
        per_slice=PER_SLICE,
        web_identity_token=TOKEN,
        faults=Faults(
            throttle_rate=0.1,
            error_rate=0.1,
            reset_rate=0.05,
            spike_rate=0.05,
            spike_seconds=0.3,
            expire_after=2,
            denied_accounts=[DENIED],
            denied_regions=[DENIED_REGION],
            unassumable_accounts=[REFUSED],
        ),
    )


@pytest.fixture
def plane(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[PlaneProcess]:
    server = PlaneProcess.start(_plane_options())
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN)
    monkeypatch.setenv("AWS_ENDPOINT_URL", server.url)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_WEB_IDENTITY_TOKEN_FILE", str(token_file))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def captured() -> Iterator[list[str]]:
    lines: list[str] = []
    sink = logger.add(lambda message: lines.append(str(message)), level=0)
    try:
        yield lines
    finally:
        logger.remove(sink)


def _instance_arn(account: str, region: str, i: int) -> str:
    return f"arn:aws:ec2:{region}:{account}:instance/i-{ORG.hexid(account, region, i)}"


def _cluster_arn(account: str, region: str, i: int) -> str:
    return f"arn:aws:ecs:{region}:{account}:cluster/cluster-{i:05d}"


def _arns(accounts: list[str], regions: list[str]) -> set[str]:
    return {
        make(account, region, i)
        for account in accounts
        for region in regions
        for i in range(PER_SLICE)
        for make in (_instance_arn, _cluster_arn)
    }


def _entity(arn: str) -> dict[str, Any]:
    blueprint = "ec2Instance" if ":instance/" in arn else "ecsCluster"
    return {"identifier": arn, "blueprint": blueprint, "properties": {}, "relations": {}}


REACHABLE = _arns([MANAGEMENT, HEALTHY], ["us-east-1", "eu-west-1"])
UNREACHABLE = (
    _arns([DENIED, REFUSED], REGIONS) | _arns([MANAGEMENT, HEALTHY], [DENIED_REGION])
) - REACHABLE


@pytest.mark.parametrize("provider", ["web_identity", "static"])
async def test_resync_under_faults_keeps_what_it_cannot_read(
    plane: PlaneProcess,
    captured: list[str],
    monkeypatch: pytest.MonkeyPatch,
    provider: str,
) -> None:
    config: dict[str, Any] = {
        "account_role_arn": f"arn:aws:iam::{MANAGEMENT}:role/port-integration",
        "max_attempts": 12,
    }
    if provider == "static":
        monkeypatch.delenv("AWS_WEB_IDENTITY_TOKEN_FILE")
        config |= {
            "aws_access_key_id": f"AKIA{MANAGEMENT}STAT",
            "aws_secret_access_key": STATIC_SECRET,
            "external_id": "fault-suite",
        }
    existing = [_entity(arn) for arn in sorted(UNREACHABLE)[:6]]
    existing.append(_entity(_instance_arn(HEALTHY, "us-east-1", 999)))  # gone from AWS

    started = time.monotonic()
    result = await resync(config, mapping_for(*KINDS), existing)
    elapsed = time.monotonic() - started

    upserted = {e["identifier"] for e in result.upserted_entities}
    assert upserted >= REACHABLE, sorted(REACHABLE - upserted)[:5]
    assert not upserted & UNREACHABLE
    assert result.deleted_entities == []
    assert result.errors, "a refused account must mark the resync incomplete"
    assert any(REFUSED in str(error) for error in result.errors)
    assert elapsed < BOUND_SECONDS

    stats = plane.stats()
    faults = stats["faults"]
    for fault in ("throttle", "5xx", "reset", "spike", "expired", "denied"):
        assert faults.get(fault), f"the plane injected no {fault}: {faults}"
    text = "\n".join(captured)
    assert captured, "no log lines were captured"
    secrets = [*stats["secrets"], TOKEN, STATIC_SECRET]
    leaked = [s[:6] + "…" for s in secrets if s in text]
    assert not leaked, f"secrets in the logs: {leaked}"
