"""Every mistake a user can make with `preview` gives one line (two at most: the problem and the
fix), no traceback, exit 2, and no output file; the command line itself answers as a newcomer
expects."""

import copy
from pathlib import Path
from typing import Any

import pytest

from emulation.organization import create_organization, emulator_clients
from port_aws.__main__ import main
from tests.rig import DEFAULT_ACCOUNT, STATIC, Emulator, mapping_for, resync

ROLE = f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/port-reader"
MAPPING = """resources:
  - kind: AWS::S3::Bucket
    selector: {query: 'true', %s}
    port: {entity: {mappings: {identifier: .Properties.Arn, blueprint: '"s3Bucket"'}}}
"""


def _fault(action: str, code: str) -> list[dict[str, Any]]:
    return [{"service": "sts", "action": action, "status": 403, "code": code, "message": "no"}]


CASES: list[tuple[str, dict[str, str], list[dict[str, Any]], str, str]] = [
    # (name, settings, STS faults, selector extra, what the line must say)
    ("no credentials", {}, [], "", "no credential source applies"),
    (
        "a refused role",
        {**STATIC, "account_role_arn": ROLE},
        _fault("AssumeRole", "AccessDenied"),
        "",
        "cannot assume",
    ),
    (
        "a misspelled setting",
        {**STATIC, "acount_role_arn": ROLE},
        [],
        "",
        "did you mean accountRoleArn (OCEAN__INTEGRATION__CONFIG__ACCOUNT_ROLE_ARN)?",
    ),
    (
        "a misspelled selector key",
        STATIC,
        [],
        "includeAction: [x]",
        "unknown selector key 'includeAction'; did you mean 'includeActions'?",
    ),
]


@pytest.mark.parametrize(
    ("settings", "faults", "selector", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_a_mistake_is_one_line_exit_2_and_no_output(
    aws: Emulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    settings: dict[str, str],
    faults: list[dict[str, Any]],
    selector: str,
    expected: str,
) -> None:
    aws.list_regions(["us-east-1"])
    aws.faults(faults)
    for name, value in settings.items():
        monkeypatch.setenv(f"OCEAN__INTEGRATION__CONFIG__{name.upper()}", value)
    mapping = tmp_path / "mapping.yml"
    mapping.write_text(MAPPING % selector)
    output = tmp_path / "out" / "entities.json"

    status = main(["preview", "--mapping", str(mapping), "--output", str(output)])

    captured = capsys.readouterr()
    lines = [line for line in (captured.out + captured.err).splitlines() if line.strip()]
    assert status == 2, lines
    assert 1 <= len(lines) <= 2, lines
    assert expected in lines[0]
    assert "Traceback" not in captured.err
    assert not output.exists()


@pytest.mark.parametrize("file", ["--env-file", "--mapping"])
def test_a_missing_file_is_one_line(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    file: str,
) -> None:
    output = tmp_path / "entities.json"
    status = main(["preview", file, str(tmp_path / "missing"), "--output", str(output)])
    captured = capsys.readouterr()
    lines = (captured.out + captured.err).strip().splitlines()
    assert status == 2
    assert len(lines) == 1 and "missing" in lines[0]
    assert not output.exists()


def test_a_bare_command_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage: python -m port_aws" in capsys.readouterr().err


def test_version_and_help_with_examples(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.startswith("python -m port_aws 0.")
    for command in ("demo", "preview", "doctor", "quick-create"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        text = capsys.readouterr().out
        assert "example:" in text, command
        assert text.split("\n\n")[1].strip(), f"{command} has no description"


PREVIEW_ERRORS: list[tuple[str, dict[str, str], str, str, str]] = [
    # (name, settings, kind, selector extra, what the line must say)
    (
        "a JQ syntax error in identifier",
        STATIC,
        "AWS::S3::Bucket",
        "",
        "AWS::S3::Bucket: port.entity.mappings.identifier: invalid JQ '.Properties.Arn |'",
    ),
    (
        "every region denied",
        STATIC,
        "AWS::S3::Bucket",
        "regionPolicy: {deny: ['*']}",
        "regionPolicy",
    ),
    ("an unknown resource type", STATIC, "AWS::Foo::Bar", "", "AWS::Foo::Bar"),
    (
        "an OU that does not exist",
        {**STATIC, "account_role_arn": ROLE, "ou_id": "ou-abcd-12345678"},
        "AWS::S3::Bucket",
        "",
        "ou-abcd-12345678",
    ),
]


@pytest.mark.parametrize(
    ("settings", "kind", "selector", "expected"),
    [case[1:] for case in PREVIEW_ERRORS],
    ids=[case[0] for case in PREVIEW_ERRORS],
)
def test_preview_refuses_with_one_line(
    org_emulator: Emulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    settings: dict[str, str],
    kind: str,
    selector: str,
    expected: str,
) -> None:
    for name, value in settings.items():
        monkeypatch.setenv(f"OCEAN__INTEGRATION__CONFIG__{name.upper()}", value)
    mapping = tmp_path / "mapping.yml"
    text = MAPPING % selector
    if kind != "AWS::S3::Bucket":
        text = text.replace("AWS::S3::Bucket", kind)
    if "invalid JQ" in expected:
        text = text.replace("identifier: .Properties.Arn", "identifier: '.Properties.Arn |'")
    mapping.write_text(text)
    output = tmp_path / "out" / "entities.json"

    status = main(["preview", "--mapping", str(mapping), "--output", str(output)])

    captured = capsys.readouterr()
    lines = [line for line in (captured.out + captured.err).splitlines() if line.strip()]
    assert status == 2, lines
    assert lines[-1].startswith("error: ") and expected in lines[-1], lines
    assert len(lines) <= 4, lines  # the kind's own lines (a failed slice said once), the reason
    assert "Traceback" not in captured.err
    assert all(len(line) < 600 for line in lines), lines


@pytest.fixture
def org_emulator(aws: Emulator) -> Emulator:
    aws.list_regions(["us-east-1"])
    create_organization(emulator_clients(aws.url))
    aws.client("s3", "us-east-1").create_bucket(Bucket="audit")
    return aws


async def test_invalid_jq_in_a_resync_fails_its_kind_and_deletes_nothing(aws: Emulator) -> None:
    """Two phases: a clean resync, then one whose bucket identifier does not compile. The bucket
    kind fails naming the expression and nothing is deleted; the queue kind is read as usual."""
    aws.list_regions(["us-east-1"])
    aws.client("s3", "us-east-1").create_bucket(Bucket="audit")
    aws.client("sqs", "us-east-1").create_queue(QueueName="orders")
    mapping = mapping_for("AWS::S3::Bucket", "AWS::SQS::Queue")
    clean = await resync(STATIC, mapping)
    assert not clean.errors
    assert {e["blueprint"] for e in clean.upserted_entities} >= {"s3Bucket", "sqsQueue"}

    broken = copy.deepcopy(mapping)
    bucket = next(r for r in broken["resources"] if r["kind"] == "AWS::S3::Bucket")
    bucket["port"]["entity"]["mappings"]["identifier"] = ".Properties.Arn | ascii_downcase("
    faulty = await resync(STATIC, broken, clean.upserted_entities)

    assert faulty.deleted_entities == []
    [error] = [str(e) for e in faulty.errors]
    assert error.startswith(  # Ocean puts its own words before the integration's
        "Failed to execute resync function, error: AWS::S3::Bucket: "
        "port.entity.mappings.identifier: invalid JQ "
        "'.Properties.Arn | ascii_downcase(': jq: error: syntax error"
    )
    assert "\n" not in error
    assert {e["blueprint"] for e in faulty.upserted_entities} == {"sqsQueue"}


@pytest.mark.parametrize("file", ["--env-file", "--mapping"])
def test_a_file_that_is_not_utf8_is_one_line_naming_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, file: str
) -> None:
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("# caf\xe9\n".encode("latin-1"))
    output = tmp_path / "entities.json"
    status = main(["preview", file, str(latin1), "--output", str(output)])
    captured = capsys.readouterr()
    lines = (captured.out + captured.err).strip().splitlines()
    assert status == 2
    assert lines == [f"error: {latin1}: not UTF-8 text (byte 0xe9 at offset 5); save it as UTF-8"]
    assert not output.exists()
