"""Parsing and building of the identifiers users type: role ARNs, OU and account ids, partitions."""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from port_aws.aws.errors import ConfigError

PARTITIONS: dict[str, str] = {
    # partition -> region used for its global endpoints (STS, Organizations, IAM)
    "aws": "us-east-1",
    "aws-us-gov": "us-gov-west-1",
    "aws-cn": "cn-north-1",
}

_ROLE_ARN = re.compile(
    r"^arn:(?P<partition>[a-z-]+):iam::(?P<account>[0-9]{12}):role(?P<path>/(?:[\w+=,.@-]+/)*)"
    r"(?P<name>[\w+=,.@-]{1,64})$",
    re.ASCII,
)
_OU_ID = re.compile(r"^ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}$")
_ROOT_ID = re.compile(r"^r-[0-9a-z]{4,32}$")
ACCOUNT_ID = re.compile(r"^[0-9]{12}$")
REGION_NAME = re.compile(r"^[a-z]{2}(-[a-z]+)+-[0-9]+$")


@dataclass(frozen=True)
class RoleArn:
    partition: str
    account_id: str
    path: str
    name: str

    def __str__(self) -> str:
        return f"arn:{self.partition}:iam::{self.account_id}:role{self.path}{self.name}"

    def in_account(self, account_id: str, name: str | None = None) -> "RoleArn":
        """The role of the same path and name (or ``name``, which may carry a path) in another account."""
        if name is None:
            return RoleArn(self.partition, account_id, self.path, self.name)
        path, _, bare = name.strip("/").rpartition("/")
        return RoleArn(self.partition, account_id, f"/{path}/" if path else "/", bare)


def parse_role_arn(value: str, setting: str) -> RoleArn:
    match = _ROLE_ARN.match(value.strip())
    if not match:
        raise ConfigError(
            setting,
            f"expected an IAM role ARN like arn:aws:iam::123456789012:role/port-integration, "
            f"got {value!r}",
        )
    partition = match["partition"]
    if partition not in PARTITIONS:
        raise ConfigError(
            setting,
            f"unknown partition {partition!r} in {value!r}; expected one of "
            f"{', '.join(PARTITIONS)}",
        )
    return RoleArn(partition, match["account"], match["path"], match["name"])


def parse_ou_ids(value: str, setting: str = "ouId") -> list[str]:
    ids = split_list(value)
    for ou in ids:
        if not (_OU_ID.match(ou) or _ROOT_ID.match(ou)):
            raise ConfigError(
                setting,
                f"expected comma-separated OU ids (ou-xxxx-xxxxxxxx) or root ids (r-xxxx), "
                f"got {ou!r}",
            )
    return ids


def parse_account_ids(value: str | list[str], setting: str = "accountIds") -> list[str]:
    ids = split_list(value) if isinstance(value, str) else [str(v).strip() for v in value]
    for account in ids:
        if not ACCOUNT_ID.match(account):
            raise ConfigError(setting, f"expected 12-digit AWS account ids, got {account!r}")
    return ids


def split_list(value: str) -> list[str]:
    seen: dict[str, None] = {}
    for part in value.split(","):
        if part.strip():
            seen[part.strip()] = None
    return list(seen)


def arn(partition: str, service: str, region: str, account: str, resource: str) -> str:
    return f"arn:{partition}:{service}:{region}:{account}:{resource}"


@dataclass(frozen=True)
class Owner:
    """Where an ARN or an AWS endpoint URL says its resource is; None for what it does not
    say (an S3 ARN names no account, an IAM ARN no region, a URL no partition)."""

    partition: str | None
    account: str | None
    region: str | None


def owner_of(identifier: str) -> Owner | None:
    """The partition, account and region an ARN (``arn:aws:sns:eu-west-1:123456789012:t``) or
    a URL (``https://sqs.eu-west-1.amazonaws.com/123456789012/q``) names; None for anything
    else (a plain name, which is read in the account and region it came with)."""
    if identifier.startswith("arn:"):
        parts = identifier.split(":", 5)
        if len(parts) < 6:
            return Owner(None, None, None)
        _, partition, _, region, account, _ = parts
        return Owner(partition or None, account or None, region or None)
    if not identifier.startswith(("https://", "http://")):
        return None
    url = urlsplit(identifier)
    labels = (url.hostname or "").split(".")
    in_region = next((label for label in labels if REGION_NAME.match(label)), None)
    segments = [s for s in url.path.split("/") if s]
    of_account = segments[0] if segments and ACCOUNT_ID.match(segments[0]) else None
    return Owner(None, of_account, in_region)
