"""Deadlines on every AWS call path, and state bounded by what is in flight.

Deadlines: a loopback "slow loris" accepts each request and answers one byte every half
second, which restarts every socket read timeout and so never times out by itself. With
``callTimeoutSeconds: 1`` every call path that talks to it fails within that deadline: preflight,
role assumption (first fetch and every refresh), the host's own credentials, discovery's first
calls, doctor, a command's own session (``blueprint``, with the default deadline shortened), and
a resync, which then deletes nothing. A registry read that does not come (the emulator holding its answer)
fails its slice within the deadline and deletes nothing either.

Bounded state: a resync over many accounts keeps service bounds (and their pacers) only for
the slices reading at once, not one per account, region and service ever read.
"""

import asyncio
import contextlib
import gc
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from port_aws.__main__ import main
from port_aws.aws import credentials
from port_aws.aws.accounts import Account, DiscoveryError, discover_accounts, read_organization
from port_aws.aws.arn import parse_role_arn
from port_aws.aws.bounds import CallTimeout
from port_aws.aws.credentials import resolve_source
from port_aws.aws.errors import ConfigError
from port_aws.aws.preflight import preflight
from port_aws.config.settings import load_settings
from port_aws.resync.state import ResyncRun
from tests.loopback import loopback_server
from tests.rig import DEFAULT_ACCOUNT, STATIC, Emulator, mapping_for, resync
from tests.test_cloudcontrol import SEED, mapping
from tests.test_safety import seed_sqs

LAMBDA = "AWS::Lambda::Function"
SQS = "AWS::SQS::Queue"
GLUE = "AWS::Glue::Job"
ROLE = f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/port-integration"
SLOW = {**STATIC, "call_timeout_seconds": 1}
GUARD = 40.0
"""Seconds a test waits at most, far beyond the 1 s deadline: without a call deadline nothing
else ends these calls (the trickle restarts every socket read timeout)."""


@contextlib.asynccontextmanager
async def slow_loris() -> AsyncIterator[str]:
    """A loopback HTTP server that reads each request, then sends its answer's status line one
    byte every half second, never finishing it."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await reader.readuntil(b"\r\n\r\n")
            for byte in b"HTTP/1.1 200 OK\r\nX-Trickle: " + b"." * 8000:
                writer.write(bytes([byte]))
                await writer.drain()
                await asyncio.sleep(0.5)
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    async with loopback_server(handle) as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture
async def loris(aws: Emulator, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[str]:
    """Every AWS endpoint is the slow loris for the test."""
    async with slow_loris() as url:
        monkeypatch.setenv("AWS_ENDPOINT_URL", url)
        yield url


async def test_preflight_fails_within_the_deadline(loris: str) -> None:
    async with asyncio.timeout(GUARD):
        with pytest.raises(ConfigError, match="callTimeoutSeconds") as refused:
            await preflight(load_settings(SLOW))
    assert "no answer within 1s" in str(refused.value)


async def test_assuming_a_role_fails_within_the_deadline(loris: str) -> None:
    """The credential fetcher's STS call, as at every refresh of a role's credentials."""
    source = await resolve_source(load_settings({**SLOW, "account_role_arn": ROLE}), {})
    session = source.session_for_role(parse_role_arn(ROLE, "accountRoleArn"))
    async with asyncio.timeout(GUARD):
        with pytest.raises(CallTimeout) as late:
            credentials = await session.get_credentials()
            await credentials.get_frozen_credentials()
    assert late.value.action == "sts:AssumeRole"


async def test_the_hosts_own_credentials_come_within_the_deadline(
    loris: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``DefaultCredentialChain`` from a container credential endpoint that trickles."""
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", loris + "/credentials")
    settings = load_settings(
        {"credential_provider_priority": "DefaultCredentialChain", "call_timeout_seconds": 1}
    )
    async with asyncio.timeout(GUARD):
        with pytest.raises(ConfigError, match="did not come within 1s"):
            await resolve_source(settings, {})


async def test_discovery_first_calls_fail_within_the_deadline(loris: str) -> None:
    settings = load_settings(SLOW)
    source = await resolve_source(settings, {})
    async with asyncio.timeout(GUARD):
        with pytest.raises(DiscoveryError, match="CallTimeout"):
            await discover_accounts(settings, source)
        management = Account(DEFAULT_ACCOUNT, None, source.own_session())
        with pytest.raises(DiscoveryError, match="DescribeOrganization"):
            await read_organization(settings, management, 4)


async def test_doctor_fails_within_the_deadline(
    loris: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for key, value in SLOW.items():
        monkeypatch.setenv(f"OCEAN__INTEGRATION__CONFIG__{key.upper()}", str(value))
    async with asyncio.timeout(GUARD):
        status = await asyncio.to_thread(main, ["doctor", "--kind", SQS, "--kind", GLUE])
    lines = capsys.readouterr().out.splitlines()
    assert status != 0
    assert any("no answer within 1s (callTimeoutSeconds)" in line for line in lines), lines


async def test_a_command_with_its_own_session_fails_within_the_default_deadline(
    loris: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``blueprint`` reads the registry with the host's own session, outside any setting: its
    clients get the default deadline (here shortened to 1 s)."""
    monkeypatch.setattr(credentials, "DEFAULT_CALL_DEADLINE", 1.0)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    async with asyncio.timeout(GUARD):
        status = await asyncio.to_thread(main, ["blueprint", GLUE])
    assert status != 0
    assert "no answer within 1s" in capsys.readouterr().err


async def test_a_resync_against_a_slow_loris_deletes_nothing(
    aws: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    aws.list_regions(["eu-west-1", "us-east-1"], page_size=10)
    seed_sqs(aws)
    clean = await resync(STATIC, mapping_for(SQS))
    assert clean.errors == [] and clean.upserted_entities

    async with slow_loris() as url:
        monkeypatch.setenv("AWS_ENDPOINT_URL", url)
        async with asyncio.timeout(GUARD):
            faulty = await resync(SLOW, mapping_for(SQS), existing=clean.upserted_entities)

    assert faulty.deleted_entities == []
    assert faulty.upserted_entities == []
    assert "CallTimeout" in " ".join(str(error) for error in faulty.errors), faulty.errors


async def test_a_registry_read_past_its_deadline_deletes_nothing(aws: Emulator) -> None:
    """Cloud Control's registry check (cloudformation:DescribeType) of a generic kind."""
    aws.list_regions(["eu-west-1", "us-east-1"], page_size=10)
    aws.cloudcontrol(SEED)
    clean = await resync(STATIC, mapping(GLUE))
    assert clean.errors == [] and clean.upserted_entities

    aws.faults([{"service": "cloudformation", "action": "DescribeType", "delay": 4}])
    started = time.monotonic()
    faulty = await resync(SLOW, mapping(GLUE), existing=clean.upserted_entities)

    assert faulty.deleted_entities == []
    text = " ".join(str(error) for error in faulty.errors)
    assert "cloudformation:DescribeType" in text and "CallTimeout" in text, text
    assert time.monotonic() - started < 30


async def test_service_bounds_and_pacers_are_bounded_by_the_slices_in_flight(
    aws: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """40 accounts x 2 regions x 2 services were 160 bounds kept to the end of the resync (and
    a pacer for each of Lambda's 80); with 3 slices at once, at most 3 are held at any time."""
    aws.list_regions(["eu-west-1", "us-east-1"], page_size=10)
    accounts = [f"{100000000000 + n}" for n in range(40)]
    sizes: list[tuple[int, int]] = []
    runs: list[ResyncRun] = []
    limiter = ResyncRun.limiter

    def counted(run: ResyncRun, account_id: str, region: str, service: str) -> Any:
        bound = limiter(run, account_id, region, service)
        throttles = list(run._limiters.values())
        sizes.append((len(throttles), sum(len(t._pacers) for t in throttles)))
        if run not in runs:
            runs.append(run)
        return bound

    monkeypatch.setattr(ResyncRun, "limiter", counted)
    result = await resync(
        {
            **STATIC,
            "account_role_arns": [f"arn:aws:iam::{a}:role/port-integration" for a in accounts],
            "max_concurrency": 3,
        },
        mapping_for(LAMBDA, SQS),
    )

    assert result.errors == []
    assert len(sizes) == len(accounts) * 2 * 2  # every slice asked for its bound
    assert max(limiters for limiters, _ in sizes) <= 3
    assert max(pacers for _, pacers in sizes) <= 3
    gc.collect()
    assert [len(run._limiters) for run in runs] == [0]
