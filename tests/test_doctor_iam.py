"""``doctor`` against the emulator with IAM enforcement switched on.

moto enforces IAM for the whole emulator process once ``/moto-api/reset-auth`` is given 0, and
``/moto-api/reset`` does not switch it off: the fixture switches it back off (``inf``) after
each test, and these tests live in their own file. Web-identity calls fail under enforcement
in moto, so the chain here is a created IAM user's static keys + AssumeRole.
"""

import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from port_aws.__main__ import main
from port_aws.commands.policy import organizations_document, read_only_document
from tests.rig import DEFAULT_ACCOUNT, Emulator

ROLE = "port-reader"
KINDS = (
    "AWS::Account::Info",
    "AWS::ECS::Cluster",
    "AWS::S3::Bucket",
    "AWS::Organizations::Account",
)


def _auth_after(aws: Emulator, free_requests: str) -> None:
    """moto checks IAM after ``free_requests`` more requests: "0" now, "inf" never."""
    request = urllib.request.Request(
        aws.url + "/moto-api/reset-auth",
        data=free_requests.encode(),
        method="POST",
        headers={"Content-Type": "text/plain"},  # a form body would be parsed away
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        assert json.loads(answer.read())["status"] == "ok"


@pytest.fixture
def enforced(aws: Emulator) -> Iterator[Emulator]:
    try:
        yield aws
    finally:
        _auth_after(aws, "inf")
        aws.reset()
        aws.client("s3").list_buckets()  # the test keys work again: enforcement is off


def _enforce(aws: Emulator) -> None:
    _auth_after(aws, "0")


def _role(aws: Emulator, account: str, trust: dict[str, Any], *documents: dict[str, Any]) -> None:
    iam = aws.client("iam", account=account)
    iam.create_role(RoleName=ROLE, AssumeRolePolicyDocument=json.dumps(trust))
    for index, document in enumerate(documents):
        arn = iam.create_policy(PolicyName=f"port-{index}", PolicyDocument=json.dumps(document))[
            "Policy"
        ]["Arn"]
        iam.attach_role_policy(RoleName=ROLE, PolicyArn=arn)


def _without(document: dict[str, Any], action: str) -> dict[str, Any]:
    statements = []
    for statement in document["Statement"]:
        kept = [a for a in statement["Action"] if a != action]
        if kept:
            statements.append({**statement, "Action": kept})
    return {**document, "Statement": statements}


def _organization(aws: Emulator) -> tuple[str, str, str]:
    """An OU with two member accounts; returns (ou id, member a, member b)."""
    org = aws.client("organizations")
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    unit = org.create_organizational_unit(ParentId=root, Name="apps")["OrganizationalUnit"]["Id"]
    members = []
    for name in ("a", "b"):
        created = org.create_account(AccountName=name, Email=f"{name}@example.com")
        account = created["CreateAccountStatus"]["AccountId"]
        org.move_account(AccountId=account, SourceParentId=root, DestinationParentId=unit)
        members.append(account)
    return unit, members[0], members[1]


def _user(aws: Emulator, denied_roles: list[str]) -> tuple[str, str]:
    iam = aws.client("iam")
    iam.create_user(UserName="doctor")
    statements: list[dict[str, Any]] = [
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}
    ]
    if denied_roles:
        statements.append({"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": denied_roles})
    iam.put_user_policy(
        UserName="doctor",
        PolicyName="assume",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statements}),
    )
    key = iam.create_access_key(UserName="doctor")["AccessKey"]
    return key["AccessKeyId"], key["SecretAccessKey"]


def _trust_user() -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{DEFAULT_ACCOUNT}:user/doctor"},
                "Action": "sts:AssumeRole",
            }
        ],
    }


def _doctor(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    config: dict[str, str],
) -> tuple[int, str]:
    for key, value in config.items():
        monkeypatch.setenv(f"OCEAN__INTEGRATION__CONFIG__{key.upper()}", value)
    argv = ["doctor"]
    for kind in KINDS:
        argv += ["--kind", kind]
    status = main(argv)
    return status, capsys.readouterr().out


def test_doctor_reports_missing_permission_and_unassumable_member(
    enforced: Emulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    aws = enforced
    aws.list_regions(["us-east-1"])
    unit, member_a, member_b = _organization(aws)
    everything = read_only_document()
    _role(aws, DEFAULT_ACCOUNT, _trust_user(), everything, organizations_document())
    _role(aws, member_a, _trust_user(), _without(everything, "ecs:ListClusters"))
    member_b_role = f"arn:aws:iam::{member_b}:role/{ROLE}"
    key, secret = _user(aws, [member_b_role])
    _enforce(aws)

    status, out = _doctor(
        monkeypatch,
        capsys,
        {
            "account_role_arn": f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/{ROLE}",
            "aws_access_key_id": key,
            "aws_secret_access_key": secret,
            "ou_id": unit,
        },
    )

    assert status == 1, out
    lines = out.splitlines()
    assert any(
        line.startswith("✔ credential source") and "StaticCredential" in line for line in lines
    )
    assert any(line.startswith("✔ integration role") for line in lines), out
    assert any(
        line.startswith("✔ organizations") and "management account" in line for line in lines
    )
    assert any(line.startswith("✔ OU ids") for line in lines), out
    [refused] = [line for line in lines if line.startswith("✗ member role")]
    assert member_b_role in refused and "AccessDenied" in refused
    # moto answers this JSON-protocol denial with an XML 403 body; doctor reads the status
    [denied] = [line for line in lines if line.startswith("✗ AWS::ECS::Cluster")]
    assert "ecs:ListClusters denied" in denied, out
    assert f"arn:aws:iam::{member_a}:role/{ROLE}" in denied
    fix = lines[lines.index(denied) + 1]
    assert "fix: grant ecs:ListClusters" in fix
    assert [line for line in lines if line.startswith("✗")] == [refused, denied]
    assert any(line.startswith("✔ AWS::S3::Bucket") for line in lines), out
    assert any(
        line.startswith("✔ AWS::Organizations::Account") and "in 1 account" in line
        for line in lines
    ), out


def test_doctor_passes_when_every_role_has_the_generated_policy(
    enforced: Emulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    aws = enforced
    aws.list_regions(["us-east-1", "eu-west-1"])
    unit, member_a, member_b = _organization(aws)
    _role(aws, DEFAULT_ACCOUNT, _trust_user(), read_only_document(), organizations_document())
    for member in (member_a, member_b):
        _role(aws, member, _trust_user(), read_only_document())
    key, secret = _user(aws, [])
    _enforce(aws)

    status, out = _doctor(
        monkeypatch,
        capsys,
        {
            "account_role_arn": f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/{ROLE}",
            "aws_access_key_id": key,
            "aws_secret_access_key": secret,
            "ou_id": unit,
        },
    )

    assert status == 0, out
    assert "✗" not in out
    assert "✔ member roles" in out and "2 of 2 assumable" in out
    assert "✔ AWS::ECS::Cluster" in out and "read in 2 accounts" in out


REMOVED = {
    "AWS::ECS::Cluster": "ecs:ListClusters",
    "AWS::IAM::User": "iam:ListUserTags",
    "AWS::IAM::Role": "iam:ListRoleTags",
    "AWS::DynamoDB::Table": "dynamodb:ListTables",
}
"""List calls and per-item tag reads, each taken out of the generated policy: doctor must name
each on the kind the resync would fail."""


def _doctor_all_kinds(
    aws: Emulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    document: dict[str, Any],
) -> tuple[int, list[str]]:
    """doctor over every kind of the shipped mapping, in a fresh emulator whose role holds
    ``document`` (and one ECR repository; roles and a user, whose tags are read one by one)."""
    _auth_after(aws, "inf")
    aws.reset()
    aws.list_regions(["us-east-1"])
    aws.client("ecr").create_repository(repositoryName="web")
    _role(aws, DEFAULT_ACCOUNT, _trust_user(), document)
    key, secret = _user(aws, [])
    _enforce(aws)
    config = {
        "account_role_arn": f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/{ROLE}",
        "aws_access_key_id": key,
        "aws_secret_access_key": secret,
    }
    for name, value in config.items():
        monkeypatch.setenv(f"OCEAN__INTEGRATION__CONFIG__{name.upper()}", value)
    status = main(["doctor"])
    return status, capsys.readouterr().out.splitlines()


def _failed(lines: list[str]) -> dict[str, str]:
    return {line.split()[1]: line for line in lines if line.startswith("✗")}


def test_doctor_reads_every_kind_and_names_each_denied_action(
    enforced: Emulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every kind of the shipped mapping is read as the resync reads it; with actions taken out
    of the generated policy, each is named on the kind it breaks, with its fix.

    moto's IAM enforcement cannot authorize some services' calls at all (it denies them whatever
    the policy says); those kinds fail the same way in both runs and are compared away."""
    aws = enforced
    _, granted = _doctor_all_kinds(aws, monkeypatch, capsys, read_only_document())
    kinds = {line.split()[1] for line in granted if line[2:].startswith("AWS::")}
    assert len(kinds) == 58, granted
    baseline = _failed(granted)
    assert not set(baseline) & set(REMOVED), baseline

    document = read_only_document()
    for action in REMOVED.values():
        document = _without(document, action)
    status, lines = _doctor_all_kinds(aws, monkeypatch, capsys, document)

    assert status == 1
    failed = _failed(lines)
    for kind, action in REMOVED.items():
        assert f"{action} denied" in failed.get(kind, ""), (kind, lines)
    # ECS services are listed through ListClusters too.
    assert set(failed) - set(baseline) == {*REMOVED, "AWS::ECS::Service"}, lines
    for line in lines:
        if line.startswith("✗"):
            assert "fix: grant" in lines[lines.index(line) + 1], line
