"""``doctor``'s checks of the mapping's kinds: each read as the resync reads it, up to its first
page, in one region of every account it is read in; generic kinds through Cloud Control."""

import dataclasses
import functools
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from port_aws.aws.accounts import (
    Account,
    Discovery,
)
from port_aws.aws.arn import PARTITIONS
from port_aws.aws.bounds import Throttle, all_of
from port_aws.aws.errors import ConfigError, classify, error_code, error_message
from port_aws.aws.regions import Regions, service_regions
from port_aws.catalog import cloudcontrol, resource_type
from port_aws.catalog.model import KindOptions, ResourceType, Scope, SliceContext
from port_aws.commands.doctor.report import ERRORS, Check, accounts_count, status_of
from port_aws.config.settings import (
    Settings,
)
from port_aws.mapping import AWSResourceConfig
from port_aws.ocean.offline import MappingFileError, load_mapping
from port_aws.resync.engine import accounts_for, read_first_page, slice_problem


def configured_kinds(mapping: Path, kinds: Sequence[str]) -> list[tuple[ResourceType, KindOptions]]:
    """The mapping's kinds with their selector options (``--kind`` keeps only those named)."""
    try:
        resources = [AWSResourceConfig.parse_obj(r) for r in load_mapping(mapping)["resources"]]
    except MappingFileError as error:
        raise ConfigError("--mapping", str(error)) from None
    chosen: dict[str, tuple[ResourceType, KindOptions]] = {}
    for resource in resources:
        rt = resource_type(resource.kind)
        if rt is not None:
            chosen.setdefault(resource.kind, (rt, resource.selector.options()))
    for kind in kinds:
        rt = resource_type(kind)
        if kind not in chosen and rt is not None:
            chosen[kind] = (rt, KindOptions())  # a kind the mapping lacks, with default options
    unknown = [k for k in kinds if k not in chosen]
    if unknown:
        raise ConfigError(
            "--kind",
            f"{', '.join(unknown)} is neither a kind of the mapping {mapping} ({', '.join(chosen)}) "
            "nor a CloudFormation type name such as AWS::Glue::Job",
        )
    return [chosen[k] for k in kinds] if kinds else list(chosen.values())


def probe_region(rt: ResourceType, regions: list[str], partition: str) -> str | None:
    """The region the resync would read the kind in first: the partition's home region where
    the account has it, else the first enabled region where the service has an endpoint."""
    home = PARTITIONS[partition]
    if rt.scope is not Scope.REGIONAL:
        return home
    known = service_regions(rt.service, partition)
    usable = [r for r in regions if not known or r in known]
    return home if home in usable else next(iter(usable), None)


async def kind_checks(
    settings: Settings,
    kinds: list[tuple[ResourceType, KindOptions]],
    discovery: Discovery,
    regions: dict[str, Regions],
) -> list[Check]:
    """Each kind read as the resync reads it (``engine.read_first_page``), in one region of
    every account it is read in, up to its first page: the listing, describes, tags and the
    selector's enrichments, so any call the resync would be refused is named here."""
    jobs: list[Callable[[], Awaitable[Check | None]]] = []
    plan: list[tuple[ResourceType, int]] = []
    for rt, options in kinds:
        count = 0
        for account in accounts_for(rt, discovery):
            found = regions.get(account.id)
            region = probe_region(rt, found.names if found else [], settings.partition)
            if region is None:
                continue
            confirmed = found.confirmed if found else True
            jobs.append(
                functools.partial(
                    _first_page, settings, rt, options, discovery, account, region, confirmed
                )
            )
            count += 1
        plan.append((rt, count))
    outcomes = iter(await all_of((job() for job in jobs), settings.limits.max_concurrency))
    checks: list[Check] = []
    for rt, count in plan:
        if count == 0:
            checks.append(Check(rt.kind, None, "no account or region to read it in"))
            continue
        failed = [c for c in (next(outcomes) for _ in range(count)) if c is not None]
        if not failed:
            checks.append(Check(rt.kind, True, f"read in {accounts_count(count)}"))
        for failure in failed:
            checks.append(dataclasses.replace(failure, name=rt.kind))
    return checks


async def _first_page(
    settings: Settings,
    rt: ResourceType,
    options: KindOptions,
    discovery: Discovery,
    account: Account,
    region: str,
    confirmed: bool,
) -> Check | None:
    """None when the resync could read the slice (or the region is not available to it)."""
    sc = SliceContext(
        account,
        region,
        settings.partition,
        options,
        Throttle(settings.limits.max_concurrency_per_service),
        discovery,
        call_timeout=settings.limits.call_timeout,
    )
    try:
        await read_first_page(rt, sc)
    except Exception as error:
        problem = slice_problem(error, account, region)
        verdict = classify(problem.code, confirmed)
        if verdict == "unavailable":
            return None
        where = f"{account.role_arn or account.id} in {region}"
        action = problem.action or f"a {rt.service} call"
        if verdict == "denied" or status_of(error) == 403:
            return Check(
                "",
                False,
                f"{action} denied for {where}",
                f"grant {action}: update the stack from the current templates "
                "(`make policy` regenerates their permissions) or add it to the role's policy",
            )
        return Check("", False, f"{action} failed for {where}: {problem.code}: {problem.message}")
    return None


async def generic_checks(
    settings: Settings,
    kinds: list[ResourceType],
    discovery: Discovery,
    regions: dict[str, Regions],
) -> list[Check]:
    """Generic kinds (Cloud Control), in every account the resync reads them in, each in the
    region it reads first: the type's handler permissions from that account's registry and one
    ListResources call. Accounts are checked at once under the account bound; each failure names
    its account."""
    jobs: list[Callable[[], Awaitable[tuple[bool, str, str]]]] = []
    plan: list[tuple[ResourceType, list[Account]]] = []
    for rt in kinds:
        targets: list[Account] = []
        for account in accounts_for(rt, discovery):
            found = regions.get(account.id)
            region = probe_region(rt, found.names if found else [], settings.partition)
            if region is None:
                continue
            jobs.append(functools.partial(_generic_read, account, region, rt.kind))
            targets.append(account)
        plan.append((rt, targets))
    outcomes = iter(await all_of((job() for job in jobs), settings.limits.max_concurrent_accounts))
    checks: list[Check] = []
    for rt, targets in plan:
        if not targets:
            checks.append(Check(rt.kind, None, "no account or region to read it in"))
            continue
        results = [(account, next(outcomes)) for account in targets]
        failed = [(account, detail, fix) for account, (ok, detail, fix) in results if not ok]
        if not failed:
            detail = results[0][1][1]
            if len(targets) > 1:
                detail = f"{accounts_count(len(targets))}: {detail}"
            checks.append(Check(rt.kind, True, detail))
        for account, detail, fix in failed:
            checks.append(Check(rt.kind, False, f"{account.role_arn or account.id}: {detail}", fix))
    return checks


async def _generic_read(account: Account, region: str, kind: str) -> tuple[bool, str, str]:
    try:
        return await cloudcontrol.read_check(account.session, region, kind)
    except ERRORS as error:
        return False, f"{error_code(error)}: {error_message(error)}", ""
