"""The regions of an account, resolved once per resync, and the per-kind region policy."""

import asyncio
import fnmatch
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import aioboto3
from botocore.exceptions import BotoCoreError, ClientError
from botocore.session import Session as BotocoreSession
from botocore.session import get_session
from loguru import logger
from pydantic import BaseModel, Field, field_validator

from port_aws.aws.arn import PARTITIONS
from port_aws.aws.bounds import guarded_pages
from port_aws.aws.errors import REGIONS_REFUSED, error_code, error_message, unreachable

_REGION_PATTERN_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-*?[]!")


class RegionPolicy(BaseModel):
    """Which regions a kind is read in: ``allow`` (empty = all) minus ``deny``; globs accepted."""

    allow: list[str] = Field(default_factory=list)
    deny: list[str] = Field(default_factory=list)

    @field_validator("allow", "deny")
    @classmethod
    def _patterns(cls, patterns: list[str]) -> list[str]:
        known = known_regions()
        for pattern in patterns:
            if not pattern or not set(pattern) <= _REGION_PATTERN_CHARS:
                raise ValueError(
                    f"expected region names or shell-style globs like 'eu-*', got {pattern!r}"
                )
            if not any(fnmatch.fnmatchcase(region, pattern) for region in known):
                raise ValueError(
                    f"{pattern!r} matches no AWS region (known regions look like 'eu-west-1', "
                    "'us-gov-west-1', 'cn-north-1')"
                )
        return patterns

    def permits(self, region: str) -> bool:
        if any(fnmatch.fnmatchcase(region, p) for p in self.deny):
            return False
        return not self.allow or any(fnmatch.fnmatchcase(region, p) for p in self.allow)

    def apply(self, regions: Sequence[str]) -> list[str]:
        return [r for r in regions if self.permits(r)]


@cache
def known_regions() -> frozenset[str]:
    """Every region botocore knows, in every partition the integration supports."""
    session = _botocore()
    return frozenset(
        region
        for partition in PARTITIONS
        for service in ("ec2", "sts")
        for region in session.get_available_regions(service, partition)
    )


@dataclass(frozen=True)
class Regions:
    """The regions of one account and whether AWS itself confirmed they are enabled."""

    names: list[str]
    confirmed: bool
    """True when account:ListRegions or ec2:DescribeRegions answered; False when the partition's
    list stands in for them (then a region refusing the credentials is one not enabled)."""
    source: str = ""
    """Where the names come from: account:ListRegions, ec2:DescribeRegions or the partition."""


class RegionsUnknown(RuntimeError):
    """The account's regions cannot be told: none of its slices is read, none counts as empty."""

    def __init__(self, partition: str, error: BaseException) -> None:
        home = PARTITIONS[partition]
        self.iam_action = "ec2:DescribeRegions"
        reach = unreachable(error, "ec2")
        self.unreachable = reach is not None
        said = error_message(error) or (
            "no answer in time" if isinstance(error, TimeoutError) else ""
        )
        cause = reach or f"{error_code(error)}: {said or type(error).__name__}"
        fix = "" if reach else "; check the role's credentials, and that it may call it"
        super().__init__(
            f"its regions cannot be listed (ec2:DescribeRegions in {home}: {cause}): none is "
            f"read and its entities are kept{fix}"
        )


@cache
def _botocore() -> BotocoreSession:
    """One botocore session for endpoint look-ups: each new one loads the endpoint table."""
    return get_session()


@cache
def service_regions(service: str, partition: str) -> frozenset[str]:
    """Regions where botocore knows an endpoint of ``service`` (empty: unknown, don't filter)."""
    return frozenset(_botocore().get_available_regions(service, partition))


def partition_regions(partition: str) -> list[str]:
    return list(_partition_regions(partition))


@cache
def _partition_regions(partition: str) -> tuple[str, ...]:
    """Read once per process: botocore loads its whole endpoint table for every new session."""
    return tuple(sorted(_botocore().get_available_regions("ec2", partition)))


async def enabled_regions(
    session: aioboto3.Session, partition: str, call_timeout: float = 120.0
) -> Regions:
    """account:ListRegions (every page), else ec2:DescribeRegions, else (DescribeRegions
    refused to the role) the partition's list. Raises :class:`RegionsUnknown` when
    DescribeRegions fails otherwise: credentials refused or expired in the home region must not
    read as "no region enabled"."""
    home = PARTITIONS[partition]
    if partition == "aws":
        try:
            regions: list[str] = []
            async with session.client("account", region_name=home) as account:
                paginator = account.get_paginator("list_regions")
                async for page in guarded_pages(
                    paginator.paginate(RegionOptStatusContains=["ENABLED", "ENABLED_BY_DEFAULT"]),
                    "account:ListRegions",
                    call_timeout,
                ):
                    regions += [r["RegionName"] for r in page.get("Regions", [])]
            if regions:
                return Regions(sorted(regions), True, "account:ListRegions")
        except (ClientError, BotoCoreError, TimeoutError, RuntimeError) as error:
            logger.debug(f"account:ListRegions unavailable ({error}); using ec2:DescribeRegions")
    try:
        async with session.client("ec2", region_name=home) as ec2, asyncio.timeout(call_timeout):
            answer = await ec2.describe_regions(AllRegions=False)
        regions = [
            r["RegionName"]
            for r in answer.get("Regions", [])
            if r.get("OptInStatus", "opt-in-not-required") != "not-opted-in"
        ]
        if regions:
            return Regions(sorted(regions), True, "ec2:DescribeRegions")
    except (ClientError, BotoCoreError, TimeoutError, OSError) as error:
        if error_code(error) not in REGIONS_REFUSED:
            raise RegionsUnknown(partition, error) from error
        logger.warning(
            f"ec2:DescribeRegions refused ({error_code(error)}: {error_message(error)}); using "
            f"every region of partition {partition}"
        )
    return Regions(partition_regions(partition), False, f"every region of partition {partition}")
