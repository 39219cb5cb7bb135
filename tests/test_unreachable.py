"""An AWS endpoint that cannot be reached is a network problem, never refused credentials.

STS is pointed at a loopback port nothing listens on (``AWS_ENDPOINT_URL_STS``, botocore's
per-service endpoint setting; every other service stays on the emulator): each connection is
refused at once. The resync deletes nothing and says "cannot reach sts at …"; ``doctor`` and
``preview`` say the same; credentials STS really refuses are still "refused".
"""

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from port_aws.__main__ import main
from tests.rig import STATIC, Emulator, mapping_for, resync
from tests.test_accounts import role

ACCOUNT = "210987654321"
KINDS = ("AWS::Account::Info", "AWS::S3::Bucket")
REACH = "check the network, proxy or AWS_ENDPOINT_URL"


@pytest.fixture
def closed_sts(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """STS's endpoint set to a loopback port that is bound but never listens: refused."""
    with socket.socket() as bound:
        bound.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{bound.getsockname()[1]}"
        monkeypatch.setenv("AWS_ENDPOINT_URL_STS", url)
        yield url


def _config(how: str, token_file: Path) -> dict[str, Any]:
    """Static keys of the account itself, or its role assumed with the OIDC token."""
    if how == "static keys":
        return {**STATIC, "max_attempts": 2}
    token_file.touch()
    return {"account_role_arn": role(ACCOUNT), "max_attempts": 2}


def _seed(aws: Emulator) -> None:
    aws.list_regions(["us-east-1"])
    s3 = aws.client("s3", "us-east-1", ACCOUNT)
    for name in ("kept-a", "kept-b"):
        s3.create_bucket(Bucket=name)


@pytest.mark.parametrize("how", ["static keys", "web identity"])
async def test_an_unreachable_sts_deletes_nothing_and_says_cannot_reach(
    aws: Emulator,
    token_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    how: str,
) -> None:
    if how == "static keys":
        monkeypatch.delenv("AWS_WEB_IDENTITY_TOKEN_FILE")
    _seed(aws)
    config = _config(how, token_file)
    mapping = mapping_for(*KINDS) | {"entityDeletionThreshold": 1}
    clean = await resync(config, mapping)
    assert clean.errors == []

    with socket.socket() as bound:
        bound.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{bound.getsockname()[1]}"
        monkeypatch.setenv("AWS_ENDPOINT_URL_STS", closed)
        faulty = await resync(config, mapping, existing=clean.upserted_entities)

    assert faulty.deleted_entities == []
    assert faulty.upserted_entities == []
    text = " | ".join(str(error) for error in faulty.errors)
    assert f"cannot reach sts at {closed}/: {REACH}" in text
    assert "refused by AWS STS" not in text and "trust" not in text  # no credential blamed
    assert all("\n" not in str(error) for error in faulty.errors)


def _cli(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    config: dict[str, Any],
    *argv: str,
) -> tuple[int, str, str]:
    for key, value in config.items():
        monkeypatch.setenv(f"OCEAN__INTEGRATION__CONFIG__{key.upper()}", str(value))
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.mark.parametrize("how", ["static keys", "web identity"])
def test_doctor_says_cannot_reach_sts(
    aws: Emulator,
    token_file: Path,
    closed_sts: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    how: str,
) -> None:
    if how == "static keys":
        monkeypatch.delenv("AWS_WEB_IDENTITY_TOKEN_FILE")

    status, out, _ = _cli(
        monkeypatch, capsys, _config(how, token_file), "doctor", "--kind", "AWS::Account::Info"
    )

    assert status == 1
    lines = out.splitlines()
    [failed] = [line for line in lines if line.startswith("✗")]
    assert failed.startswith("✗ integration role")
    assert f"cannot reach sts at {closed_sts}/: {REACH}" in failed
    assert "refused" not in failed.replace("Connection refused", "")
    assert "nothing was refused: check the network" in out


@pytest.mark.parametrize("how", ["static keys", "web identity"])
def test_preview_says_cannot_reach_sts_in_one_line(
    aws: Emulator,
    token_file: Path,
    closed_sts: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    how: str,
) -> None:
    if how == "static keys":
        monkeypatch.delenv("AWS_WEB_IDENTITY_TOKEN_FILE")
    status, _, err = _cli(
        monkeypatch,
        capsys,
        _config(how, token_file),
        "preview",
        "--output",
        str(tmp_path / "entities.json"),
    )

    assert status == 2
    [line] = err.strip().splitlines()
    assert line.startswith(f"error: cannot reach sts at {closed_sts}/: {REACH}")
    assert not (tmp_path / "entities.json").exists()


def test_credentials_sts_refuses_are_still_refused(
    aws: Emulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    aws.faults(
        [
            {
                "service": "sts",
                "action": "GetCallerIdentity",
                "status": 403,
                "code": "InvalidClientTokenId",
                "message": "The security token included in the request is invalid.",
            }
        ]
    )

    status, _, err = _cli(
        monkeypatch, capsys, {**STATIC, "max_attempts": 2}, "preview", "--output", str(tmp_path)
    )

    assert status == 2
    [line] = err.strip().splitlines()
    assert "AWS refused the StaticCredential credentials: InvalidClientTokenId" in line
    assert "cannot reach" not in line


async def test_a_service_that_cannot_be_reached_fails_its_slices_and_says_so(
    aws: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """STS answers; ECS's endpoint refuses every connection: every slice of the kind fails
    with "cannot reach", nothing is deleted."""
    aws.list_regions(["eu-west-1", "us-east-1"])
    for region in ("eu-west-1", "us-east-1"):
        aws.client("ecs", region).create_cluster(clusterName=f"c-{region}")
    config = {**STATIC, "max_attempts": 2}
    mapping = mapping_for("AWS::ECS::Cluster") | {"entityDeletionThreshold": 1}
    clean = await resync(config, mapping)
    assert clean.errors == [] and len(clean.upserted_entities) == 2

    with socket.socket() as bound:
        bound.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{bound.getsockname()[1]}"
        monkeypatch.setenv("AWS_ENDPOINT_URL_ECS", closed)
        faulty = await resync(config, mapping, existing=clean.upserted_entities)

    assert faulty.deleted_entities == []
    [error] = [str(e) for e in faulty.errors]
    for region in ("eu-west-1", "us-east-1"):
        assert f"/{region}: EndpointConnectionError: cannot reach AWS at " in error
    assert f"cannot reach AWS at {closed}/: {REACH}" in error
