"""The regions of an account, resolved once per resync, and the per-kind region policy."""

import fnmatch
from collections.abc import Sequence
from functools import cache

import aioboto3
from botocore.exceptions import BotoCoreError, ClientError
from botocore.session import get_session
from loguru import logger
from pydantic import BaseModel, Field, field_validator

from port_aws.arn import PARTITIONS

_REGION_PATTERN_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-*?[]!")


class RegionPolicy(BaseModel):
    """Which regions a kind is read in: ``allow`` (empty = all) minus ``deny``; globs accepted."""

    allow: list[str] = Field(default_factory=list)
    deny: list[str] = Field(default_factory=list)

    @field_validator("allow", "deny")
    @classmethod
    def _patterns(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            if not pattern or not set(pattern) <= _REGION_PATTERN_CHARS:
                raise ValueError(
                    f"expected region names or shell-style globs like 'eu-*', got {pattern!r}"
                )
        return patterns

    def permits(self, region: str) -> bool:
        if any(fnmatch.fnmatchcase(region, p) for p in self.deny):
            return False
        return not self.allow or any(fnmatch.fnmatchcase(region, p) for p in self.allow)

    def apply(self, regions: Sequence[str]) -> list[str]:
        return [r for r in regions if self.permits(r)]


@cache
def service_regions(service: str, partition: str) -> frozenset[str]:
    """Regions where botocore knows an endpoint of ``service`` (empty: unknown, don't filter)."""
    return frozenset(get_session().get_available_regions(service, partition))


def partition_regions(partition: str) -> list[str]:
    return sorted(get_session().get_available_regions("ec2", partition))


async def enabled_regions(session: aioboto3.Session, partition: str) -> list[str]:
    """account:ListRegions (every page), else ec2:DescribeRegions, else the partition's list."""
    home = PARTITIONS[partition]
    if partition == "aws":
        try:
            regions: list[str] = []
            async with session.client("account", region_name=home) as account:
                paginator = account.get_paginator("list_regions")
                async for page in paginator.paginate(
                    RegionOptStatusContains=["ENABLED", "ENABLED_BY_DEFAULT"]
                ):
                    regions += [r["RegionName"] for r in page.get("Regions", [])]
            if regions:
                return sorted(regions)
        except (ClientError, BotoCoreError) as error:
            logger.debug(f"account:ListRegions unavailable ({error}); using ec2:DescribeRegions")
    try:
        async with session.client("ec2", region_name=home) as ec2:
            answer = await ec2.describe_regions(AllRegions=False)
        regions = [
            r["RegionName"]
            for r in answer.get("Regions", [])
            if r.get("OptInStatus", "opt-in-not-required") != "not-opted-in"
        ]
        if regions:
            return sorted(regions)
    except (ClientError, BotoCoreError) as error:
        logger.warning(
            f"ec2:DescribeRegions failed ({error}); using every region of partition {partition}"
        )
    return partition_regions(partition)
