"""Bad input: malformed configurations and selectors, each run through Ocean's harness with
entities already in Port. Each must fail with one clear line naming the field, no traceback in
that line, and delete nothing.

No AWS is reachable (the endpoint is a closed port): every case must be refused before any call.
"""

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.rig import STATIC, mapping_for, resync

ROLE = "arn:aws:iam::123456789012:role/port-integration"
EXISTING = [
    {
        "identifier": "arn:aws:s3:::kept",
        "blueprint": "s3Bucket",
        "properties": {},
        "relations": {"account": "123456789012"},
    }
]


@pytest.fixture(autouse=True)
def no_aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.delenv("AWS_WEB_IDENTITY_TOKEN_FILE", raising=False)
    yield


CONFIGS: list[tuple[str, dict[str, Any], str]] = [
    ("short account id", {"account_role_arn": "arn:aws:iam::12345:role/x"}, "accountRoleArn"),
    ("not an ARN", {"account_role_arn": "port-integration"}, "accountRoleArn"),
    (
        "unknown partition",
        {"account_role_arn": "arn:aws-mars:iam::123456789012:role/x"},
        "accountRoleArn",
    ),
    (
        "user instead of role",
        {"account_role_arn": "arn:aws:iam::123456789012:user/x"},
        "accountRoleArn",
    ),
    ("bad partition setting", {**STATIC, "aws_partition": "aws-mars"}, "aws_partition"),
    (
        "role outside the configured partition",
        {"account_role_arn": "arn:aws-cn:iam::123456789012:role/x", "aws_partition": "aws"},
        "accountRoleArn",
    ),
    ("malformed OU id", {"account_role_arn": ROLE, "ou_id": "ou-12"}, "ouId"),
    ("OU id list with junk", {"account_role_arn": ROLE, "ou_id": "r-abcd,team-a"}, "ouId"),
    ("unknown scope", {"account_role_arn": ROLE, "account_scope": "SOME"}, "accountScope"),
    (
        "scope without ids",
        {"account_role_arn": ROLE, "account_scope": "INTERSECTION"},
        "accountIds",
    ),
    (
        "malformed account id",
        {"account_role_arn": ROLE, "account_scope": "DIFFERENCE", "account_ids": "1234"},
        "accountIds",
    ),
    (
        "ids without scope",
        {"account_role_arn": ROLE, "account_ids": "123456789012"},
        "accountScope",
    ),
    (
        "scope without a role",
        {**STATIC, "account_scope": "DIFFERENCE", "account_ids": "123456789012"},
        "accountRoleArn",
    ),
    (
        "two roles for one account",
        {"account_role_arns": [ROLE, "arn:aws:iam::123456789012:role/other"]},
        "accountRoleArns",
    ),
    (
        "bad member role name",
        {"account_role_arn": ROLE, "member_role_name": "bad name!"},
        "memberRoleName",
    ),
    (
        "unknown credential provider",
        {**STATIC, "credential_provider_priority": "Magic"},
        "credentialProviderPriority",
    ),
    ("half a static key pair", {"aws_access_key_id": "AKIAEXAMPLE"}, "aws_secret_access_key"),
    ("other half of a key pair", {"aws_secret_access_key": "secret"}, "aws_access_key_id"),
    ("session token alone", {"aws_session_token": "token"}, "aws_session_token"),
    ("unknown denied policy", {**STATIC, "access_denied_policy": "ignore"}, "accessDeniedPolicy"),
    ("negative concurrency", {**STATIC, "max_concurrency": -1}, "maxConcurrency"),
    ("zero attempts", {**STATIC, "max_attempts": 0}, "maxAttempts"),
    ("zero account bound", {**STATIC, "max_concurrent_accounts": 0}, "maxConcurrentAccounts"),
    (
        "negative service bound",
        {**STATIC, "max_concurrency_per_service": -4},
        "maxConcurrencyPerService",
    ),
    ("reader processes as words", {**STATIC, "reader_processes": "two"}, "readerProcesses"),
    ("attempts above the maximum", {**STATIC, "max_attempts": 1_000_000}, "maxAttempts"),
    ("a 100 KB external id", {**STATIC, "external_id": "x" * 100_000}, "externalId"),
    ("a short live-events key", {**STATIC, "live_events_api_key": "abc"}, "liveEventsApiKey"),
    ("no credentials at all", {"account_role_arn": ROLE}, "credentialProviderPriority"),
]


def _one_clear_line(result: Any, field: str) -> str:
    assert result.errors, "a bad input must fail the resync"
    assert result.deleted_entities == [], "a bad input must delete nothing"
    assert result.upserted_entities == []
    line = str(result.errors[0])
    assert "\n" not in line.strip(), f"not one line: {line!r}"
    assert "Traceback" not in line
    assert field in line, f"{field!r} not named in {line!r}"
    return line


@pytest.mark.parametrize(("case", "config", "field"), CONFIGS, ids=[c[0] for c in CONFIGS])
async def test_bad_configuration(case: str, config: dict[str, Any], field: str) -> None:
    result = await resync(config, mapping_for("AWS::S3::Bucket"), EXISTING)
    _one_clear_line(result, field)


async def test_missing_token_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AWS_WEB_IDENTITY_TOKEN_FILE", str(tmp_path / "absent"))
    result = await resync({"account_role_arn": ROLE}, mapping_for("AWS::S3::Bucket"), EXISTING)
    _one_clear_line(result, "AWS_WEB_IDENTITY_TOKEN_FILE")


def _bucket_mapping(**selector: Any) -> dict[str, Any]:
    mapping = mapping_for("AWS::S3::Bucket")
    mapping["resources"][0]["selector"] |= selector
    return mapping


SELECTORS: list[tuple[str, dict[str, Any], str]] = [
    ("unknown includeActions", {"includeActions": ["GetNothing"]}, "includeActions"),
    ("region policy key", {"regionPolicy": {"only": ["eu-*"]}}, "regionPolicy"),
    ("region pattern", {"regionPolicy": {"allow": ["EU WEST"]}}, "regionPolicy"),
    ("region policy not a mapping", {"regionPolicy": "eu-*"}, "regionPolicy"),
    ("negative account bound", {"maxConcurrentAccounts": -2}, "maxConcurrentAccounts"),
    ("zero history days", {"historyDays": 0}, "historyDays"),
]


@pytest.mark.parametrize(("case", "selector", "field"), SELECTORS, ids=[c[0] for c in SELECTORS])
async def test_bad_selector(case: str, selector: dict[str, Any], field: str) -> None:
    result = await resync(STATIC, _bucket_mapping(**selector), EXISTING)
    _one_clear_line(result, field)


async def test_unknown_kind() -> None:
    mapping = mapping_for("AWS::S3::Bucket")
    mapping["resources"][0]["kind"] = "AWS::Nothing"  # AWS::X::Y would be a generic kind
    result = await resync(STATIC, mapping, EXISTING)
    line = _one_clear_line(result, "AWS::Nothing")
    assert "supported kinds" in line


async def test_unreadable_port_app_config() -> None:
    mapping = mapping_for("AWS::S3::Bucket")
    mapping["resources"] = "AWS::S3::Bucket"
    result = await resync(STATIC, mapping, EXISTING)
    _one_clear_line(result, "resources")


async def test_invalid_jq_fails_the_kind_naming_the_expression() -> None:
    mapping = mapping_for("AWS::S3::Bucket")
    mapping["resources"][0]["port"]["entity"]["mappings"]["identifier"] = ".Properties.Arn |"
    result = await resync(STATIC, mapping, EXISTING)
    line = _one_clear_line(result, "AWS::S3::Bucket: port.entity.mappings.identifier")
    assert "invalid JQ '.Properties.Arn |': jq: error: syntax error" in line
