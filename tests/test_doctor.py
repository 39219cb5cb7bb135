"""``python -m port_aws doctor`` on the emulator (IAM not enforced; see test_doctor_iam.py)."""

from pathlib import Path

import pytest

from port_aws.__main__ import main
from port_aws.config.settings import config_from_environment
from tests.rig import DEFAULT_ACCOUNT, STATIC, Emulator

ROLE = f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/port-reader"


def _doctor(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    config: dict[str, str],
    *kinds: str,
    env_file: Path | None = None,
) -> tuple[int, list[str]]:
    for key, value in config.items():
        monkeypatch.setenv(f"OCEAN__INTEGRATION__CONFIG__{key.upper()}", value)
    argv = ["doctor", *(["--env-file", str(env_file)] if env_file else [])]
    for kind in kinds or ("AWS::Account::Info",):
        argv += ["--kind", kind]
    status = main(argv)
    return status, capsys.readouterr().out.splitlines()


@pytest.mark.parametrize(
    ("code", "fix"),
    [
        ("InvalidIdentityToken", "no IAM OIDC provider for the token's issuer"),
        ("IDPRejectedClaim", "check OIDCAudience"),
        ("AccessDenied", "trust policy does not accept this token"),
    ],
)
def test_web_identity_refusals_are_told_apart(
    aws: Emulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    code: str,
    fix: str,
) -> None:
    token = tmp_path / "token"
    token.write_text("header.payload.signature")
    monkeypatch.setenv("AWS_WEB_IDENTITY_TOKEN_FILE", str(token))
    aws.faults([{"action": "AssumeRoleWithWebIdentity", "status": 400, "code": code}])

    status, lines = _doctor(monkeypatch, capsys, {"account_role_arn": ROLE})

    assert status == 1
    assert lines[0].startswith("✔ credential source") and str(token) in lines[0]
    assert lines[1].startswith("✗ integration role") and f"cannot assume {ROLE}: {code}" in lines[1]
    assert fix in lines[2]
    assert len(lines) == 3, "nothing is checked past a role that cannot be assumed"


def test_web_identity_chain_passes(
    aws: Emulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    aws.list_regions(["eu-west-1"])
    token = tmp_path / "token"
    token.write_text("header.payload.signature")
    monkeypatch.setenv("AWS_WEB_IDENTITY_TOKEN_FILE", str(token))

    status, lines = _doctor(
        monkeypatch, capsys, {"account_role_arn": ROLE}, "AWS::Account::Info", "AWS::ECS::Cluster"
    )

    assert status == 0, lines
    assert [line[:1] for line in lines] == ["✔"] * len(lines)
    assert any("AssumeRoleWithWebIdentity" in line for line in lines)
    assert any("organizations" in line and "no organization" in line for line in lines)
    assert any("✔ AWS::ECS::Cluster" in line for line in lines)


def test_unknown_ou_id_is_reported_with_where_to_find_ids(
    aws: Emulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    aws.client("organizations").create_organization(FeatureSet="ALL")

    status, lines = _doctor(
        monkeypatch, capsys, {**STATIC, "account_role_arn": ROLE, "ou_id": "ou-zzzz-zzzzzzzz"}
    )

    assert status == 1
    assert any(
        line.startswith("✔ organizations") and "management account" in line for line in lines
    )
    [missing] = [line for line in lines if line.startswith("✗ OU ids")]
    assert "ou-zzzz-zzzzzzzz" in missing
    assert "list-organizational-units-for-parent" in lines[lines.index(missing) + 1]


def test_ou_ids_without_organizations_point_to_the_management_account(
    aws: Emulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    status, lines = _doctor(
        monkeypatch, capsys, {**STATIC, "account_role_arn": ROLE, "ou_id": "r-abcd"}
    )

    assert status == 1
    [failed] = [line for line in lines if line.startswith("✗ organizations")]
    assert "AWSOrganizationsNotInUseException" in failed
    assert "management account" in lines[lines.index(failed) + 1]


def test_configuration_comes_from_env_file_with_the_environment_winning(
    aws: Emulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(
        "OCEAN__INTEGRATION__CONFIG__AWS_ACCESS_KEY_ID=testing\n"
        "OCEAN__INTEGRATION__CONFIG__AWS_SECRET_ACCESS_KEY=testing\n"
        "OCEAN__INTEGRATION__CONFIG__ACCOUNT_SCOPE=SOME\n"
    )
    config, _ = config_from_environment(
        {"OCEAN__INTEGRATION__CONFIG__ACCOUNT_SCOPE": "ALL"}, env_file
    )
    assert config == {
        "aws_access_key_id": "testing",
        "aws_secret_access_key": "testing",
        "account_scope": "ALL",
    }

    status, lines = _doctor(monkeypatch, capsys, {}, env_file=env_file)
    assert status == 2
    assert lines[0].startswith("✗ configuration") and "accountScope" in lines[0]

    monkeypatch.setenv("OCEAN__INTEGRATION__CONFIG__ACCOUNT_SCOPE", "ALL")
    status, lines = _doctor(monkeypatch, capsys, {}, "AWS::S3::Bucket", env_file=env_file)
    assert status == 0, lines
    assert "no role: account 123456789012 itself" in lines[1]
    assert lines[-1].startswith("✔ AWS::S3::Bucket") and "read in 1 account" in lines[-1]


def test_unknown_kind_is_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    status, lines = _doctor(monkeypatch, capsys, STATIC, "AWS::Nope")
    assert status == 2
    assert lines[0].startswith("✗ configuration  --kind: AWS::Nope is neither a kind of")
    assert len(lines) == 2 and "fix:" in lines[1]


def test_a_kind_typo_in_the_mapping_is_blamed_on_the_mapping(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    mapping = tmp_path / "mapping.yml"
    mapping.write_text(
        "resources:\n  - kind: AWS::S3:Bucket\n    selector: {query: 'true'}\n"
        "    port: {entity: {mappings: {identifier: .x, blueprint: '\"b\"'}}}\n"
    )
    status = main(["doctor", "--mapping", str(mapping)])
    out = capsys.readouterr().out
    assert status == 2
    assert out.startswith(f"✗ configuration  --mapping: {mapping}:")
    assert "AWS::S3:Bucket" in out and "kind" in out


def test_a_missing_env_file_is_an_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status, lines = _doctor(monkeypatch, capsys, STATIC, env_file=tmp_path / "missing.env")
    assert status == 2
    assert lines[0].startswith("✗ configuration  --env-file:") and "does not exist" in lines[0]


def test_a_missing_mapping_file_is_an_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status = main(["doctor", "--mapping", str(tmp_path / "nope.yml")])
    out = capsys.readouterr().out
    assert status == 2
    assert "nope.yml: cannot be read" in out
