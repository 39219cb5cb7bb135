"""A small AWS organization, created through the Organizations API of an AWS emulator.

Used by ``python -m port_aws demo`` and by the tests: a management account and six member
accounts in nested OUs (three levels deep), one of them suspended.

    Root
    ├── management account
    ├── workloads
    │   ├── prod: prod-a, prod/eu: prod-eu
    │   └── dev: dev-a, dev-b
    └── sandbox: sandbox-a, sandbox-old (suspended)
"""

import functools
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.config import Config

MANAGEMENT_ACCOUNT = "123456789012"
ID_SEED = 2026
"""Seed of the emulator's random ids (moto's ``/moto-api/seed``), set just before the
organization is created: its organization, root, OU and member account ids are then the same
on every run (the management account's is moto's fixed default)."""
_NO_RETRY = Config(retries={"total_max_attempts": 1, "mode": "standard"})

ClientFactory = Callable[[str, str, str], Any]


@dataclass
class EmulatedOrg:
    management: str
    root: str
    ous: dict[str, str] = field(default_factory=dict)
    """OU path (``workloads/prod``) -> OU id."""
    accounts: dict[str, str] = field(default_factory=dict)
    """Account name -> account id, members and management."""
    suspended: str = ""

    @property
    def active(self) -> list[str]:
        return [a for a in self.accounts.values() if a != self.suspended]


def emulator_clients(endpoint: str) -> ClientFactory:
    """boto3 clients for the emulator, in any account (the emulator accepts any role). The
    factory keeps each account's credentials and each client it made: one factory serves one
    seeding, between two resets of the emulator (a reset forgets the roles assumed)."""
    base: dict[str, str] = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}

    @functools.cache
    def keys(account: str) -> dict[str, str]:
        if account == MANAGEMENT_ACCOUNT:
            return base
        sts = boto3.client(
            "sts", region_name="us-east-1", endpoint_url=endpoint, config=_NO_RETRY, **base
        )
        found = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/seed", RoleSessionName="seed")
        creds = found["Credentials"]
        return {
            "aws_access_key_id": creds["AccessKeyId"],
            "aws_secret_access_key": creds["SecretAccessKey"],
            "aws_session_token": creds["SessionToken"],
        }

    @functools.cache
    def client(service: str, region: str, account: str) -> Any:
        return boto3.client(
            service, region_name=region, endpoint_url=endpoint, config=_NO_RETRY, **keys(account)
        )

    return client


_LAYOUT: dict[str, list[str]] = {
    "workloads": [],
    "workloads/prod": ["prod-a"],
    "workloads/prod/eu": ["prod-eu"],
    "workloads/dev": ["dev-a", "dev-b"],
    "sandbox": ["sandbox-a", "sandbox-old"],
}


def stable_ids(endpoint: str) -> None:
    """Have the emulator at ``endpoint`` draw its next random ids from ``ID_SEED``."""
    seed = urllib.request.Request(f"{endpoint}/moto-api/seed?a={ID_SEED}", method="POST")
    with urllib.request.urlopen(seed, timeout=30):
        pass


def create_organization(clients: ClientFactory, endpoint: str | None = None) -> EmulatedOrg:
    """The organization above; with the emulator's ``endpoint``, its ids are the same on every
    run (the calls that draw them are made one at a time, in the same order)."""
    if endpoint is not None:
        stable_ids(endpoint)
    org = clients("organizations", "us-east-1", MANAGEMENT_ACCOUNT)
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    seeded = EmulatedOrg(MANAGEMENT_ACCOUNT, root, accounts={"management": MANAGEMENT_ACCOUNT})
    for path, names in _LAYOUT.items():
        parent_path, _, name = path.rpartition("/")
        parent = seeded.ous[parent_path] if parent_path else root
        unit = org.create_organizational_unit(ParentId=parent, Name=name)["OrganizationalUnit"]
        seeded.ous[path] = unit["Id"]
        for account_name in names:
            status = org.create_account(
                Email=f"{account_name}@example.com", AccountName=account_name
            )
            account_id = status["CreateAccountStatus"]["AccountId"]
            org.move_account(
                AccountId=account_id, SourceParentId=root, DestinationParentId=unit["Id"]
            )
            org.tag_resource(ResourceId=account_id, Tags=[{"Key": "ou", "Value": path}])
            seeded.accounts[account_name] = account_id
    seeded.suspended = seeded.accounts["sandbox-old"]
    org.close_account(AccountId=seeded.suspended)
    return seeded
