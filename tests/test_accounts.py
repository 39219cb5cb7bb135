"""Account discovery end to end: web identity, Organizations with OU scope, explicit roles,
partitions and refused roles — through Ocean's harness against the emulator."""

from pathlib import Path
from typing import Any

import pytest

from emulation.organization import EmulatedOrg, create_organization, emulator_clients
from port_aws.config.settings import load_settings
from port_aws.resync.state import ResyncRun, current_run
from tests.rig import STATIC, Emulator, by_blueprint, by_identifier, mapping_for, resync

ROLE = "port-integration"
KINDS = ("AWS::Account::Info", "AWS::Organizations::Account", "AWS::S3::Bucket")


def role(account: str, partition: str = "aws") -> str:
    return f"arn:{partition}:iam::{account}:role/{ROLE}"


@pytest.fixture(scope="module")
def org(emulator: Emulator) -> EmulatedOrg:
    """One organization for the whole module, with a bucket in every account."""
    emulator.reset()
    emulator.list_regions(["us-east-1"])
    seeded = create_organization(emulator_clients(emulator.url))
    for name, account in seeded.accounts.items():
        emulator.client("s3", "us-east-1", account).create_bucket(Bucket=f"bucket-{name}")
    return seeded


def synced_accounts(result: Any) -> set[str]:
    return set(by_blueprint(result, "awsAccount"))


def bucket_accounts(result: Any) -> set[str]:
    return {e["relations"]["account"] for e in by_blueprint(result, "s3Bucket").values()}


async def test_web_identity_reads_every_active_account_of_the_organization(
    org: EmulatedOrg, emulator: Emulator, token_file: Path
) -> None:
    emulator.faults([])
    before = emulator.requests()

    result = await resync({"account_role_arn": role(org.management)}, mapping_for(*KINDS))

    assert result.errors == []
    assert synced_accounts(result) == set(org.active)
    assert bucket_accounts(result) == set(org.active)
    members = by_blueprint(result, "awsOrganizationsAccount")
    assert set(members) == {f"org-{a}" for a in org.accounts.values()}
    suspended = members[f"org-{org.suspended}"]
    assert suspended["properties"]["state"] == "SUSPENDED"
    assert suspended["relations"]["account"] is None
    prod_eu = members[f"org-{org.accounts['prod-eu']}"]
    assert prod_eu["properties"]["parentId"] == org.ous["workloads/prod/eu"]
    assert prod_eu["properties"]["ouPath"] == "Root/workloads/prod/eu"
    assert prod_eu["properties"]["tags"] == [{"Key": "ou", "Value": "workloads/prod/eu"}]
    assert prod_eu["properties"]["email"] == "prod-eu@example.com"
    assert by_blueprint(result, "awsAccount")[org.accounts["dev-a"]]["title"] == "dev-a"

    # Roles are assumed and regions resolved once per account, whatever the number of kinds.
    after = emulator.requests()

    def calls(prefix: str) -> int:
        return sum(n - before.get(k, 0) for k, n in after.items() if k.startswith(prefix))

    assert calls("sts:AssumeRoleWithWebIdentity:") == len(org.active)
    assert calls("sts:AssumeRole:") == 0
    assert calls("account:POST /listRegions:") <= len(org.active)


@pytest.mark.parametrize(
    ("scope", "names", "expected"),
    [
        ("INTERSECTION", ["prod-a", "dev-a"], ["prod-a", "dev-a"]),
        ("DIFFERENCE", ["dev-b", "management"], ["prod-a", "prod-eu", "dev-a", "sandbox-a"]),
    ],
)
async def test_account_scope_filters_before_any_role_is_assumed(
    org: EmulatedOrg,
    emulator: Emulator,
    token_file: Path,
    scope: str,
    names: list[str],
    expected: list[str],
) -> None:
    ids = ",".join(org.accounts[n] for n in names)
    before = emulator.count("sts", "AssumeRoleWithWebIdentity")

    result = await resync(
        {"account_role_arn": role(org.management), "account_scope": scope, "account_ids": ids},
        mapping_for("AWS::Account::Info", "AWS::S3::Bucket", "AWS::Organizations::Account"),
    )

    assert result.errors == []
    assert synced_accounts(result) == {org.accounts[n] for n in expected}
    assert bucket_accounts(result) == {org.accounts[n] for n in expected}
    # an Organizations account relates to an awsAccount only when this resync writes that one
    members = by_blueprint(result, "awsOrganizationsAccount").values()
    assert {m["relations"]["account"] for m in members} - {None} == synced_accounts(result)
    assert {m["identifier"] for m in members if m["properties"]["synced"]} == {
        f"org-{org.accounts[n]}" for n in expected
    }
    assumed = emulator.count("sts", "AssumeRoleWithWebIdentity") - before
    management_extra = 0 if org.management in {org.accounts[n] for n in expected} else 1
    assert assumed == len(expected) + management_extra


@pytest.mark.parametrize(
    ("ou", "expected"),
    [
        ("workloads/prod", ["prod-a", "prod-eu"]),
        ("sandbox", ["sandbox-a"]),
        ("ROOT", ["management", "prod-a", "prod-eu", "dev-a", "dev-b", "sandbox-a"]),
    ],
)
async def test_ou_ids_are_walked_recursively(
    org: EmulatedOrg, token_file: Path, ou: str, expected: list[str]
) -> None:
    ou_id = org.root if ou == "ROOT" else org.ous[ou]

    result = await resync(
        {"account_role_arn": role(org.management), "ou_id": ou_id},
        mapping_for("AWS::Account::Info", "AWS::S3::Bucket"),
    )

    assert result.errors == []
    assert synced_accounts(result) == {org.accounts[n] for n in expected}


async def test_two_ou_ids_overlapping_are_deduplicated(org: EmulatedOrg, token_file: Path) -> None:
    ou_ids = f"{org.ous['workloads']},{org.ous['workloads/dev']}"

    result = await resync(
        {"account_role_arn": role(org.management), "ou_id": ou_ids},
        mapping_for("AWS::Account::Info"),
    )

    assert result.errors == []
    assert len(result.upserted_entities) == 4
    assert synced_accounts(result) == {
        org.accounts[n] for n in ("prod-a", "prod-eu", "dev-a", "dev-b")
    }


async def test_refused_member_role_is_reported_and_its_entities_are_kept(
    org: EmulatedOrg, emulator: Emulator, token_file: Path
) -> None:
    refused = org.accounts["dev-b"]
    emulator.faults(
        [
            {
                "service": "sts",
                "action": "AssumeRoleWithWebIdentity",
                "body": f"arn:aws:iam::{refused}:role",
                "status": 403,
                "code": "AccessDenied",
                "message": "Not authorized to perform sts:AssumeRoleWithWebIdentity",
            }
        ]
    )
    # Were the delete phase to run, it would delete the refused account's bucket.
    existing = [
        {
            "identifier": f"arn:aws:s3:::bucket-{name}",
            "blueprint": "s3Bucket",
            "properties": {},
            "relations": {},
        }
        for name in ("dev-b", "dev-a", "prod-a")
    ]
    try:
        result = await resync(
            {"account_role_arn": role(org.management)},
            mapping_for("AWS::Account::Info", "AWS::S3::Bucket"),
            existing=existing,
        )
    finally:
        emulator.faults([])

    assert synced_accounts(result) == set(org.active) - {refused}
    assert "arn:aws:s3:::bucket-dev-a" in by_blueprint(result, "s3Bucket")
    assert result.deleted_entities == []
    message = " ".join(str(e) for e in result.errors)
    assert refused in message
    assert role(refused) in message
    assert "AccessDenied" in message


async def test_explicit_role_list_needs_no_organization(org: EmulatedOrg) -> None:
    accounts = [org.accounts["prod-a"], org.accounts["sandbox-a"]]

    result = await resync(
        {
            **STATIC,
            "account_role_arns": [role(a) for a in accounts],
            "external_id": "shared-secret",
        },
        mapping_for("AWS::Account::Info", "AWS::S3::Bucket", "AWS::Organizations::Account"),
    )

    assert result.errors == []
    assert synced_accounts(result) == set(accounts)
    assert bucket_accounts(result) == set(accounts)
    assert by_blueprint(result, "awsOrganizationsAccount") == {}


async def test_no_credential_source_is_a_clear_error_and_nothing_is_deleted(
    org: EmulatedOrg,
) -> None:
    existing = [
        {
            "identifier": "arn:aws:s3:::kept",
            "blueprint": "s3Bucket",
            "properties": {},
            "relations": {},
        }
    ]

    result = await resync({}, mapping_for("AWS::S3::Bucket"), existing=existing)

    assert result.upserted_entities == []
    assert result.deleted_entities == []
    [error] = {str(e) for e in result.errors}
    assert "credentialProviderPriority: no credential source applies" in error


async def test_organization_accounts_are_read_from_the_management_account_outside_the_scope(
    org: EmulatedOrg, token_file: Path
) -> None:
    result = await resync(
        {"account_role_arn": role(org.management), "ou_id": org.ous["workloads/prod"]},
        mapping_for("AWS::Account::Info", "AWS::Organizations::Account"),
    )

    assert result.errors == []
    assert synced_accounts(result) == {org.accounts["prod-a"], org.accounts["prod-eu"]}
    members = by_blueprint(result, "awsOrganizationsAccount")
    assert set(members) == {f"org-{org.accounts['prod-a']}", f"org-{org.accounts['prod-eu']}"}
    assert members[f"org-{org.accounts['prod-a']}"]["properties"]["tags"] == [
        {"Key": "ou", "Value": "workloads/prod"}
    ]
    # the OU path is names from the root whatever ouId starts the walk; the OU id stands apart
    prod_eu = members[f"org-{org.accounts['prod-eu']}"]["properties"]
    assert prod_eu["ouPath"] == "Root/workloads/prod/eu"
    assert prod_eu["parentId"] == org.ous["workloads/prod/eu"]


async def test_accounts_the_walk_has_listed_are_read_before_it_ends(
    org: EmulatedOrg, emulator: Emulator, token_file: Path
) -> None:
    """Kinds start on the accounts of the OUs listed first while a slow OU is still being
    listed; in the end every reachable account is handed over once, as discovery says."""
    slow = org.ous["workloads/prod/eu"]
    emulator.faults(
        [{"service": "organizations", "action": "ListAccountsForParent", "body": slow, "delay": 3}]
    )
    run = ResyncRun(load_settings({"account_role_arn": role(org.management)}))
    handed: list[tuple[str, bool]] = []
    try:
        async for account in run.accounts():
            handed.append((account.id, run.start_discovery().done()))
        discovery = await run.discovery()
    finally:
        emulator.faults([])
        await run.aclose()

    assert sorted(a for a, _ in handed) == sorted(a.id for a in discovery.accounts)
    assert {a for a, _ in handed} == set(org.active)
    early = {a for a, done in handed if not done}
    assert early == set(org.active)  # all before discovery ended (it waits for every role)
    assert handed[-1][0] == org.accounts["prod-eu"]  # the slow OU's account came last


async def test_reader_processes_read_every_account_through_its_own_role_assumption(
    org: EmulatedOrg, emulator: Emulator, token_file: Path
) -> None:
    """Two readers, each assuming its accounts' roles through web identity itself: the same
    entities as one process; the readers' role assumptions count as no kind's calls."""
    emulator.faults([])
    config = {"account_role_arn": role(org.management)}
    here = await resync({**config, "reader_processes": "0"}, mapping_for(*KINDS))
    read = await resync({**config, "reader_processes": "2"}, mapping_for(*KINDS))
    run = current_run()
    assert run is not None and run.readers is not None and len(run.readers.pids) == 2
    assert not [op for k in run.kinds for op in k.calls_by_operation if op.startswith("sts:")]

    assert here.errors == [] and read.errors == []
    assert by_identifier(read) == by_identifier(here)
    assert bucket_accounts(read) == set(org.active)
