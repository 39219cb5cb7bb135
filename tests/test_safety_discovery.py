"""Catalog safety in discovery: Organizations, STS and credentials.

As in tests/test_safety.py, each failure runs after a clean resync of the organization whose
entities then stand in Port: the faulty resync must delete nothing, change nothing it still
upserts, and say what failed; the single-account installation keeps working.
"""

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from port_ocean.integration_testing import ResyncResult

from emulation.organization import EmulatedOrg
from port_aws.__main__ import main
from port_aws.aws.errors import ConfigError
from port_aws.config.settings import load_settings
from tests.rig import Emulator, by_identifier, mapping_for, resync
from tests.test_accounts import KINDS, ROLE, org, role, synced_accounts

__all__ = ["org"]  # the module-scoped organization fixture


def _error_text(result: ResyncResult) -> str:
    return " | ".join(str(error) for error in result.errors)


async def _clean(emulator: Emulator, org: EmulatedOrg, config: dict[str, Any]) -> ResyncResult:
    emulator.faults([])
    clean = await resync(config, mapping_for(*KINDS))
    assert clean.errors == []
    assert synced_accounts(clean) == set(org.active)
    return clean


def _assert_kept(clean: ResyncResult, faulty: ResyncResult) -> None:
    assert faulty.deleted_entities == []
    before = {e["identifier"]: e for e in clean.upserted_entities}
    for entity in faulty.upserted_entities:
        assert entity == before[entity["identifier"]]
    assert faulty.errors
    assert all("\n" not in str(error) for error in faulty.errors)


def _prod_eu_listing(org: EmulatedOrg, **answer: Any) -> list[dict[str, Any]]:
    """A fault on listing the accounts of the deepest OU, ``workloads/prod/eu``."""
    target = {"service": "organizations", "action": "ListAccountsForParent"}
    return [target | {"body": org.ous["workloads/prod/eu"]} | answer]


def _accounts_read(result: ResyncResult) -> set[str]:
    return {
        (e.get("relations") or {}).get("account") or e["identifier"]
        for e in result.upserted_entities
    }


@pytest.mark.parametrize(
    ("denied", "expected"),
    [
        (["ListRoots"], "organizations:ListRoots denied to"),
        (
            ["DescribeOrganization", "ListRoots"],
            "organizations:DescribeOrganization denied to",
        ),
    ],
    ids=["ListRoots denied", "every Organizations call denied"],
)
async def test_a_management_role_losing_organizations_access_deletes_nothing(
    org: EmulatedOrg, emulator: Emulator, token_file: Path, denied: list[str], expected: str
) -> None:
    config = {"account_role_arn": role(org.management)}
    clean = await _clean(emulator, org, config)
    emulator.faults(
        [
            {"service": "organizations", "action": action, "status": 400}
            | {"code": "AccessDeniedException", "message": "not authorized"}
            for action in denied
        ]
    )

    faulty = await resync(config, mapping_for(*KINDS), existing=clean.upserted_entities)

    _assert_kept(clean, faulty)
    assert expected in _error_text(faulty)


async def test_an_ou_walk_failing_halfway_deletes_nothing(
    org: EmulatedOrg, emulator: Emulator, token_file: Path
) -> None:
    config = {"account_role_arn": role(org.management), "max_attempts": 2}
    clean = await _clean(emulator, org, config)
    emulator.faults(_prod_eu_listing(org, status=503, code="ServiceUnavailableException"))

    faulty = await resync(config, mapping_for(*KINDS), existing=clean.upserted_entities)

    # Accounts the walk listed before it failed may be read (their entities come whole and
    # unchanged); the account it could not list is not; every kind fails; nothing is deleted.
    _assert_kept(clean, faulty)
    read = _accounts_read(faulty)
    assert org.accounts["prod-eu"] not in read
    assert read <= set(org.active)
    assert "ListAccountsForParent: ServiceUnavailableException" in _error_text(faulty)
    assert "every kind fails and nothing is deleted" in _error_text(faulty)
    assert all(kind in _error_text(faulty) for kind in KINDS)


async def test_a_slow_sts_fails_its_account_within_the_deadline(
    org: EmulatedOrg, emulator: Emulator, token_file: Path
) -> None:
    config = {"account_role_arn": role(org.management), "call_timeout_seconds": 5}
    clean = await _clean(emulator, org, config)
    slow = org.accounts["dev-a"]
    emulator.faults(
        [{"service": "sts", "action": "AssumeRoleWithWebIdentity", "body": slow, "delay": 9}]
    )

    started = time.monotonic()
    faulty = await resync(config, mapping_for(*KINDS), existing=clean.upserted_entities)

    assert time.monotonic() - started < 45
    _assert_kept(clean, faulty)
    assert f"account {slow}: cannot assume" in _error_text(faulty)
    assert "STS did not answer within 5s" in _error_text(faulty)
    assert synced_accounts(faulty) == set(org.active) - {slow}


async def test_credentials_that_stay_expired_after_renewal_delete_nothing(
    org: EmulatedOrg, emulator: Emulator, token_file: Path
) -> None:
    config = {"account_role_arn": role(org.management), "max_attempts": 3}
    clean = await _clean(emulator, org, config)
    expired = org.accounts["prod-a"]
    emulator.faults(
        [
            {
                "service": "s3",
                "account": expired,
                "status": 400,
                "code": "ExpiredToken",
                "message": "The provided token has expired.",
            }
        ]
    )

    faulty = await resync(config, mapping_for(*KINDS), existing=clean.upserted_entities)

    _assert_kept(clean, faulty)
    assert f"{expired}/us-east-1 (s3:ListAllMyBuckets): ExpiredToken" in _error_text(faulty)


async def test_an_ou_id_the_organization_no_longer_has_deletes_nothing(
    org: EmulatedOrg, emulator: Emulator, token_file: Path
) -> None:
    config = {"account_role_arn": role(org.management), "ou_id": org.root}
    clean = await _clean(emulator, org, config)

    faulty = await resync(
        {**config, "ou_id": f"{org.root},ou-zzzz-zzzzzzzz"},
        mapping_for(*KINDS),
        existing=clean.upserted_entities,
    )

    _assert_kept(clean, faulty)
    assert "ouId ou-zzzz-zzzzzzzz not found in organization" in _error_text(faulty)


async def test_a_resync_past_its_deadline_during_the_ou_walk_deletes_nothing(
    org: EmulatedOrg, emulator: Emulator, token_file: Path
) -> None:
    """The walk is still listing an OU when the resync's deadline passes: accounts handed over
    before may have been read, every kind fails saying discovery did not end, nothing is
    deleted."""
    config = {"account_role_arn": role(org.management)}
    clean = await _clean(emulator, org, config)
    emulator.faults(_prod_eu_listing(org, delay=6))

    started = time.monotonic()
    faulty = await resync(
        {**config, "resync_timeout_seconds": 3},
        mapping_for(*KINDS),
        existing=clean.upserted_entities,
    )

    assert time.monotonic() - started < 30
    _assert_kept(clean, faulty)
    assert org.accounts["prod-eu"] not in _accounts_read(faulty)
    assert "resyncTimeoutSeconds=3 before accounts were discovered" in _error_text(faulty)


def _iam_denial(account: str, action: str, why: str) -> str:
    """The message AWS gives when the caller's own IAM policy or an SCP denies ``action``."""
    principal = f"arn:aws:sts::{account}:assumed-role/{ROLE}/port-aws-integration"
    return f"User: {principal} is not authorized to perform: {action} on resource: * {why}"


def _unguarded(*kinds: str) -> dict[str, Any]:
    """The default mapping of ``kinds`` with Ocean's own deletion threshold off, so that only
    the integration stands between a wrong "empty" and a deletion."""
    return mapping_for(*kinds) | {"entityDeletionThreshold": 1}


NO_POLICY = "because no identity-based policy allows the {action} action"
SCP = "with an explicit deny in a service control policy"


@pytest.fixture
def delegate(org: EmulatedOrg, emulator: Emulator) -> Iterator[str]:
    """The integration role's account read as a delegated administrator: moto lets only the
    management account walk the OU tree (a member gets ParentNotFoundException), so the role
    stays in the management account and DescribeOrganization is answered, in Organizations'
    own JSON, with another account as the management account."""
    described = emulator.client("organizations", "us-east-1", org.management)
    organization = described.describe_organization()["Organization"]
    other = "999999999999"
    organization |= {
        "MasterAccountId": other,
        "MasterAccountArn": organization["MasterAccountArn"].replace(org.management, other),
    }
    emulator.answers(
        [
            {
                "service": "organizations",
                "action": "DescribeOrganization",
                "body": {"Organization": organization},
            }
        ]
    )
    try:
        yield org.management
    finally:
        emulator.answers([])
        emulator.faults([])


class TestDelegatedAdministratorDenied:
    """The integration role lives in a delegated administrator account. Only Organizations' own
    "not a delegated administrator" answer means "sync this account alone"; the role's IAM
    policy or an SCP denying an Organizations call fails discovery, naming the action, and
    deletes nothing."""

    @pytest.mark.parametrize(
        ("action", "why"),
        [("ListRoots", NO_POLICY), ("ListAccountsForParent", SCP)],
        ids=["ListRoots denied by the role's policy", "the OU walk denied by an SCP"],
    )
    async def test_a_denied_organizations_call_fails_discovery_and_deletes_nothing(
        self,
        org: EmulatedOrg,
        emulator: Emulator,
        token_file: Path,
        delegate: str,
        action: str,
        why: str,
    ) -> None:
        config = {"account_role_arn": role(delegate)}
        clean = await _clean(emulator, org, config)
        assert synced_accounts(clean) == set(org.active)
        iam_action = f"organizations:{action}"
        emulator.faults(
            [
                {
                    "service": "organizations",
                    "action": action,
                    "status": 400,
                    "code": "AccessDeniedException",
                    "message": _iam_denial(delegate, iam_action, why.format(action=iam_action)),
                }
            ]
        )

        faulty = await resync(config, _unguarded(*KINDS), existing=clean.upserted_entities)

        _assert_kept(clean, faulty)
        text = _error_text(faulty)
        assert f"{iam_action} denied to {role(delegate)}: AccessDeniedException" in text
        assert "grant it to the role" in text and "accountDiscovery=single" in text

    def test_doctor_names_the_denied_action(
        self,
        org: EmulatedOrg,
        emulator: Emulator,
        token_file: Path,
        delegate: str,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        emulator.faults(
            [
                {
                    "service": "organizations",
                    "action": "ListRoots",
                    "status": 400,
                    "code": "AccessDeniedException",
                    "message": _iam_denial(
                        delegate,
                        "organizations:ListRoots",
                        NO_POLICY.format(action="organizations:ListRoots"),
                    ),
                }
            ]
        )
        monkeypatch.setenv("OCEAN__INTEGRATION__CONFIG__ACCOUNT_ROLE_ARN", role(delegate))

        status = main(["doctor", "--kind", "AWS::Account::Info"])

        lines = capsys.readouterr().out.splitlines()
        assert status == 1
        [failed] = [i for i, line in enumerate(lines) if line.startswith("✗")]
        assert lines[failed].startswith("✗ organizations")
        assert f"organizations:ListRoots denied to {role(delegate)}" in lines[failed]
        assert "the resync would stop here and delete nothing" in lines[failed]
        assert "grant it to the role" in lines[failed + 1]
        assert "accountDiscovery=single" in lines[failed + 1]

    async def test_organizations_own_not_an_administrator_answer_syncs_the_account_alone(
        self, org: EmulatedOrg, emulator: Emulator, token_file: Path, delegate: str
    ) -> None:
        emulator.faults(
            [
                {
                    "service": "organizations",
                    "action": "ListRoots",
                    "status": 400,
                    "code": "AccessDeniedException",
                    "message": "You don't have permissions to access this resource.",
                }
            ]
        )

        result = await resync({"account_role_arn": role(delegate)}, mapping_for(*KINDS))

        assert result.errors == []
        assert synced_accounts(result) == {delegate}


class TestRegionDiscoveryRefusingCredentials:
    """The account's region discovery (account:ListRegions, then ec2:DescribeRegions, in the
    partition's home region, which every account has enabled) answered with a credential
    error: the credentials are bad, not the regions disabled. Every slice of the account fails
    and nothing of it is deleted; only a refused DescribeRegions falls back to trying every
    region of the partition (tests/test_engine.py)."""

    @pytest.mark.parametrize(
        ("code", "message"),
        [
            ("ExpiredTokenException", "The security token included in the request is expired"),
            ("RequestExpired", "Request has expired."),
            ("InvalidClientTokenId", "The security token included in the request is invalid."),
        ],
    )
    async def test_credential_errors_fail_the_accounts_slices_and_delete_nothing(
        self, org: EmulatedOrg, emulator: Emulator, token_file: Path, code: str, message: str
    ) -> None:
        refused = org.accounts["prod-a"]
        emulator.faults([])
        for name in ("prod-a", "dev-a", "dev-b", "sandbox-a"):
            ecs = emulator.client("ecs", "us-east-1", org.accounts[name])
            ecs.create_cluster(clusterName=name)
        mapping = _unguarded("AWS::ECS::Cluster")  # alone: a kind failing would hide a deletion
        config = {"account_role_arn": role(org.management), "max_attempts": 2}
        clean = await resync(config, mapping)
        assert clean.errors == []
        cluster = f"arn:aws:ecs:us-east-1:{refused}:cluster/prod-a"
        assert cluster in by_identifier(clean)
        emulator.faults([{"account": refused, "status": 400, "code": code, "message": message}])

        faulty = await resync(config, mapping, existing=clean.upserted_entities)

        _assert_kept(clean, faulty)
        text = _error_text(faulty)
        assert f"{refused}/* (ec2:DescribeRegions): RegionsUnknown" in text
        assert f"ec2:DescribeRegions in us-east-1: {code}" in text
        assert "AWS::ECS::Cluster: incomplete" in text

    @pytest.mark.parametrize("code", ["ExpiredToken", "ExpiredTokenException", "RequestExpired"])
    async def test_expired_credentials_in_regions_tried_unconfirmed_delete_nothing(
        self, org: EmulatedOrg, emulator: Emulator, token_file: Path, code: str
    ) -> None:
        """DescribeRegions refused: every region of the partition is tried, and one refusing the
        credentials counts as not enabled. An expired session is no such answer: the slices
        fail and the account's entities stay."""
        expired = org.accounts["prod-a"]
        emulator.faults([])
        for name in ("prod-a", "dev-a", "dev-b", "sandbox-a"):
            ecs = emulator.client("ecs", "us-east-1", org.accounts[name])
            ecs.create_cluster(clusterName=name)
        mapping = _unguarded("AWS::ECS::Cluster")
        config = {"account_role_arn": role(org.management), "max_attempts": 2}
        clean = await resync(config, mapping)
        assert clean.errors == []
        emulator.faults(
            [
                {
                    "account": expired,
                    "service": "account",
                    "action": "POST /listRegions",
                    "status": 403,
                    "code": "AccessDeniedException",
                },
                {
                    "account": expired,
                    "service": "ec2",
                    "action": "DescribeRegions",
                    "status": 403,
                    "code": "UnauthorizedOperation",
                },
                {"account": expired, "service": "ecs", "status": 400, "code": code},
            ]
        )

        faulty = await resync(config, mapping, existing=clean.upserted_entities)

        _assert_kept(clean, faulty)
        assert f"{expired}/us-east-1 (ecs:ListClusters): {code}" in _error_text(faulty)


# The tests below reset the emulator: tests of the module's organization come before them.


async def test_a_single_account_installation_still_syncs_and_deletes(
    emulator: Emulator, token_file: Path
) -> None:
    """No organization at all (AWSOrganizationsNotInUseException): one account, complete, so a
    bucket really deleted is deleted from Port."""
    emulator.reset()
    emulator.list_regions(["us-east-1"])
    account = "210987654321"
    s3 = emulator.client("s3", "us-east-1", account)
    for name in ("keep", "drop"):
        s3.create_bucket(Bucket=name)
    config = {"account_role_arn": role(account)}
    clean = await resync(config, mapping_for("AWS::Account::Info", "AWS::S3::Bucket"))
    assert clean.errors == []
    s3.delete_bucket(Bucket="drop")

    again = await resync(
        config,
        mapping_for("AWS::Account::Info", "AWS::S3::Bucket"),
        existing=clean.upserted_entities,
    )

    assert again.errors == []
    assert [e["identifier"] for e in again.deleted_entities] == ["arn:aws:s3:::drop"]


@pytest.mark.parametrize(
    ("config", "setting"),
    [
        ({"credential_provider_priority": "DefaultCredentialChain"}, "credentialProviderPriority"),
        (
            {"credential_provider_priority": "AssumeRoleWithWebIdentity,DefaultCredentialChain"},
            "credentialProviderPriority",
        ),
        ({"aws_access_key_id": "AKIAHOST", "aws_secret_access_key": "x"}, "aws_access_key_id"),
    ],
)
def test_hosted_mode_refuses_the_hosts_credentials(
    config: dict[str, Any], setting: str, tmp_path: Path
) -> None:
    token = tmp_path / "token"
    token.write_text("header.payload.signature")
    environ = {"AWS_WEB_IDENTITY_TOKEN_FILE": str(token), "AWS_ACCESS_KEY_ID": "AKIAHOST"}
    full = {"account_role_arn": role("123456789012"), **config}
    with pytest.raises(ConfigError) as raised:
        load_settings(full, environ)
    assert raised.value.setting == setting
    assert "hosted mode" in str(raised.value)
    # The same settings are accepted locally (no token supplied by a runtime).
    load_settings(full, {})


@pytest.mark.parametrize(
    ("config", "setting"),
    [
        ({"account_role_arn": "arn:aws:iam::１２３４５６７８９０１２:role/x"}, "accountRoleArn"),
        ({"account_role_arn": "arn:aws:iam::١٢٣٤٥٦٧٨٩٠١٢:role/x"}, "accountRoleArn"),
        (
            {
                "account_role_arn": role("123456789012"),
                "account_scope": "DIFFERENCE",
                "account_ids": "１２３４５６７８９０１２",
            },
            "accountIds",
        ),
        ({"account_role_arn": "arn:aws:iam::123456789012:role/rôle"}, "accountRoleArn"),
    ],
)
def test_ids_accept_ascii_digits_only(config: dict[str, Any], setting: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings(config, {})
    assert raised.value.setting == setting
