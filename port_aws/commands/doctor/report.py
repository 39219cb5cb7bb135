"""``python -m port_aws doctor``: walk the credential chain and report each link, with a fix.

The configuration is read as ``ocean sail`` reads it (``OCEAN__INTEGRATION__CONFIG__*``
environment variables, then ``.env``). Checks, in order, each stopping the walk when a later
one could not run: credential source, integration role, AWS Organizations (management account
or delegated administrator, OU ids), member roles, regions, for each kind its first list
call in one region per account (a real call with a small page size), and, when
``liveEventsApiKey`` is set, the EventBridge rules of live events in every account and region
(port_aws/commands/doctor/live.py). Calls run concurrently
under the configured account bound. Exit status 0 only when every check passes.
"""

import argparse
import asyncio
import dataclasses
import functools
import os
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aioboto3
from botocore.exceptions import BotoCoreError, ClientError
from loguru import logger

from port_aws.aws.accounts import (
    ORGANIZATIONS_FAILED,
    Account,
    Discovery,
    DiscoveryError,
    Organization,
    UnknownOuIds,
    bounded_gather,
    discover_accounts,
    error_code,
    error_message,
    read_organization,
)
from port_aws.aws.arn import PARTITIONS
from port_aws.aws.credentials import CredentialSource, resolve_source
from port_aws.aws.errors import ConfigError, unreachable
from port_aws.aws.preflight import assume_fix
from port_aws.aws.regions import Regions, RegionsUnknown, enabled_regions, service_regions
from port_aws.catalog import RESOURCE_TYPES, cloudcontrol, resource_type
from port_aws.catalog.model import KindOptions, ResourceType, SliceContext
from port_aws.config.settings import (
    CONFIG_PREFIX,
    Settings,
    config_from_environment,
    env_file,
    load_settings,
)
from port_aws.ocean.offline import MappingFileError, load_mapping
from port_aws.resync.engine import accounts_for, classify, read_first_page, slice_problem

DEFAULT_MAPPING = Path(".port/resources/port-app-config.yml")
PAGE_SIZE_PARAMS = ("MaxResults", "maxResults", "MaxItems", "MaxRecords", "MaxBuckets", "Limit")
ERRORS = (ClientError, BotoCoreError, OSError, TimeoutError)
NETWORK_FIX = (
    "nothing was refused: check the network, the proxy (HTTPS_PROXY, NO_PROXY) and "
    "AWS_ENDPOINT_URL, then run doctor again"
)
FIND_OU_IDS = (
    "find OU ids in the AWS Organizations console under AWS accounts, or with "
    "`aws organizations list-roots` and `aws organizations list-organizational-units-for-parent "
    "--parent-id <root or OU id>`"
)


@dataclass
class Check:
    name: str
    ok: bool | None
    """True passed, False failed, None not run (an earlier check failed)."""
    detail: str
    fix: str = ""


# -- configuration ---------------------------------------------------------------------------


def configured_kinds(mapping: Path, kinds: Sequence[str]) -> list[tuple[ResourceType, KindOptions]]:
    """The mapping's kinds with their selector options (``--kind`` keeps only those named)."""
    from integration import AWSResourceConfig

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


# -- the walk --------------------------------------------------------------------------------


async def _assume_session(session: aioboto3.Session) -> None:
    credentials = await session.get_credentials()
    await credentials.get_frozen_credentials()


async def _credentials(settings: Settings) -> tuple[Check, CredentialSource | None]:
    try:
        source = await resolve_source(settings, {})
    except ConfigError as error:
        fix = (
            "in Port's hosted runtime set accountRoleArn (the token file is mounted for you); "
            "for a local run set aws_access_key_id and aws_secret_access_key"
        )
        return Check("credential source", False, str(error), fix), None
    where = f" ({source.token_file})" if source.token_file else ""
    return Check("credential source", True, source.method + where), source


async def _integration_role(settings: Settings, source: CredentialSource) -> Check:
    role = settings.account_role_arn
    if role is None:
        if settings.account_role_arns:
            return Check("integration role", True, "explicit role list (checked below)")
        try:
            async with source.own_session().client("sts") as sts:
                identity = await sts.get_caller_identity()
        except ERRORS as error:
            reach = unreachable(error, "sts")
            if reach is not None:
                return Check("integration role", False, reach, NETWORK_FIX)
            return Check(
                "integration role",
                False,
                f"the credentials were refused: {error_code(error)}: {error_message(error)}",
                "check aws_access_key_id / aws_secret_access_key",
            )
        return Check("integration role", True, f"no role: account {identity['Account']} itself")
    try:
        await _assume_session(source.session_for_role(role))
    except ERRORS as error:
        code = error_code(error)
        reach = unreachable(error, "sts")
        if reach is not None:
            return Check("integration role", False, f"cannot assume {role}: {reach}", NETWORK_FIX)
        return Check(
            "integration role",
            False,
            f"cannot assume {role}: {code}: {error_message(error)}",
            assume_fix(code, settings, bool(source.token_file)),
        )
    return Check("integration role", True, f"{role} assumed ({source.method})")


async def _organizations(settings: Settings, source: CredentialSource) -> list[Check]:
    """Organizations as discovery sees it: the same call path and the same rules."""
    role = settings.account_role_arn
    if role is None or settings.account_role_arns:
        return []
    if settings.account_discovery == "single":
        return [Check("organizations", True, "not asked (accountDiscovery is 'single')")]
    management = Account(role.account_id, None, source.session_for_role(role), str(role))
    try:
        found = await read_organization(
            settings, management, settings.limits.max_concurrent_accounts
        )
    except UnknownOuIds as error:
        organization = Organization(error.described, [])
        return [
            Check(
                "organizations",
                True,
                f"{role.account_id} is the {organization.role_of(role.account_id)}",
            ),
            Check("OU ids", False, f"not found: {', '.join(error.missing)}", FIND_OU_IDS),
        ]
    except DiscoveryError as error:
        detail, _, hint = str(error).partition(ORGANIZATIONS_FAILED)
        return [
            Check(
                "organizations",
                False,
                detail + "; the resync would stop here and delete nothing",
                hint,
            )
        ]
    if found is None:
        return [
            Check(
                "organizations",
                True,
                "no organization, or a member account that is not a delegated administrator: "
                f"single account {role.account_id}",
            )
        ]
    checks = [
        Check(
            "organizations",
            True,
            f"{role.account_id} is the {found.role_of(role.account_id)}; "
            f"{len(found.members)} accounts below {'the OUs' if settings.ou_ids else 'the root'}",
        )
    ]
    if settings.ou_ids:
        checks.append(Check("OU ids", True, ", ".join(settings.ou_ids)))
    return checks


def _probe_region(rt: ResourceType, regions: list[str], partition: str) -> str | None:
    """The region the resync would read the kind in first: the partition's home region where
    the account has it, else the first enabled region where the service has an endpoint."""
    home = PARTITIONS[partition]
    if rt.global_service:
        return home
    known = service_regions(rt.service, partition)
    usable = [r for r in regions if not known or r in known]
    return home if home in usable else next(iter(usable), None)


async def diagnose(
    settings: Settings, kinds: list[tuple[ResourceType, KindOptions]]
) -> list[Check]:
    checks: list[Check] = []
    first, source = await _credentials(settings)
    checks.append(first)
    if source is None:
        return checks
    role_check = await _integration_role(settings, source)
    checks.append(role_check)
    if not role_check.ok:
        return checks
    org_checks = await _organizations(settings, source)
    checks += org_checks
    if not all(c.ok for c in org_checks):
        return checks

    try:
        discovery = await discover_accounts(settings, source)
    except DiscoveryError as error:
        checks.append(
            Check("member roles", False, str(error), "deploy the roles, then run doctor again")
        )
        return checks
    accounts = discovery.accounts
    if len(accounts) > 1 or discovery.failures:
        total = len(accounts) + len(discovery.failures)
        checks.append(Check("member roles", True, f"{len(accounts)} of {total} assumable"))
        for failure in discovery.failures:
            checks.append(
                Check(
                    "member role",
                    False,
                    f"cannot assume {failure.role_arn}: "
                    + (
                        failure.message
                        if failure.unreachable
                        else f"{failure.code}: {failure.message}"
                    ),
                    NETWORK_FIX
                    if failure.unreachable
                    else assume_fix(failure.code, settings, bool(source.token_file)),
                )
            )

    limit = settings.limits.max_concurrent_accounts
    partition = settings.partition

    async def regions_of(account: Account) -> tuple[Account, Regions | RegionsUnknown]:
        try:
            found = await enabled_regions(account.session, partition, settings.limits.call_timeout)
        except RegionsUnknown as error:
            return account, error
        return account, found

    listed = await bounded_gather(limit, [functools.partial(regions_of, a) for a in accounts])
    for account, unknown in listed:
        if isinstance(unknown, RegionsUnknown):
            checks.append(
                Check(
                    "regions",
                    False,
                    f"{account.role_arn or account.id}: {unknown}",
                    NETWORK_FIX
                    if unknown.unreachable
                    else "check the role's credentials; grant ec2:DescribeRegions (update the "
                    "stack to the current template)",
                )
            )
    results = [(a, found) for a, found in listed if isinstance(found, Regions)]
    regions = {account.id: found for account, found in results}
    unconfirmed = [a for a, found in results if not found.confirmed]
    for account in unconfirmed:
        checks.append(
            Check(
                "regions",
                False,
                f"{account.role_arn or account.id}: account:ListRegions did not answer and "
                "ec2:DescribeRegions is refused; every region of the partition would be tried",
                "grant account:ListRegions or ec2:DescribeRegions (update the stack to the "
                "current template)",
            )
        )
    confirmed = [found for _, found in results if found.confirmed]
    if confirmed:
        counts = sorted({len(found.names) for found in confirmed})
        spread = str(counts[0]) if len(counts) == 1 else f"{counts[0]} to {counts[-1]}"
        ways = ", ".join(sorted({found.source for found in confirmed}))
        checks.append(
            Check(
                "regions",
                True,
                f"{_accounts(len(confirmed))}, {spread} regions each ({ways})",
            )
        )

    declared = [(rt, options) for rt, options in kinds if rt.kind in RESOURCE_TYPES]
    generic = [rt for rt, _ in kinds if rt.kind not in RESOURCE_TYPES]
    checks += await _kind_checks(settings, declared, discovery, regions)
    checks += await _generic_checks(settings, generic, discovery, regions)
    if settings.live_events_api_key:
        from port_aws.commands.doctor.live import live_event_checks

        checks += await live_event_checks(settings, discovery, regions, kinds)
    return checks


async def _generic_checks(
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
            region = _probe_region(rt, found.names if found else [], settings.partition)
            if region is None:
                continue
            jobs.append(functools.partial(_generic_read, account, region, rt.kind))
            targets.append(account)
        plan.append((rt, targets))
    outcomes = iter(await bounded_gather(settings.limits.max_concurrent_accounts, jobs))
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
                detail = f"{_accounts(len(targets))}: {detail}"
            checks.append(Check(rt.kind, True, detail))
        for account, detail, fix in failed:
            checks.append(Check(rt.kind, False, f"{account.role_arn or account.id}: {detail}", fix))
    return checks


async def _generic_read(account: Account, region: str, kind: str) -> tuple[bool, str, str]:
    try:
        return await cloudcontrol.read_check(account.session, region, kind)
    except ERRORS as error:
        return False, f"{error_code(error)}: {error_message(error)}", ""


async def _kind_checks(
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
            region = _probe_region(rt, found.names if found else [], settings.partition)
            if region is None:
                continue
            confirmed = found.confirmed if found else True
            jobs.append(
                functools.partial(
                    _read, settings, rt, options, discovery, account, region, confirmed
                )
            )
            count += 1
        plan.append((rt, count))
    outcomes = iter(await bounded_gather(settings.limits.max_concurrency, jobs))
    checks: list[Check] = []
    for rt, count in plan:
        if count == 0:
            checks.append(Check(rt.kind, None, "no account or region to read it in"))
            continue
        failed = [c for c in (next(outcomes) for _ in range(count)) if c is not None]
        if not failed:
            checks.append(Check(rt.kind, True, f"read in {_accounts(count)}"))
        for failure in failed:
            checks.append(dataclasses.replace(failure, name=rt.kind))
    return checks


async def _read(
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
        asyncio.Semaphore(settings.limits.max_concurrency_per_service),
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


def error_operation(error: BaseException) -> str:
    return str(error.operation_name) if isinstance(error, ClientError) else type(error).__name__


def status_of(error: BaseException) -> int | None:
    """HTTP status of an AWS error: a 403 whose body is unreadable is still a denial."""
    if isinstance(error, ClientError):
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        return int(status) if status else None
    return None


def _accounts(count: int) -> str:
    return f"{count} account" + ("" if count == 1 else "s")


# -- output ----------------------------------------------------------------------------------

MARKS = {True: "✔", False: "✗", None: "–"}


def render(checks: list[Check]) -> str:
    width = max((len(c.name) for c in checks), default=0)
    lines = []
    for check in checks:
        lines.append(f"{MARKS[check.ok]} {check.name.ljust(width)}  {check.detail}")
        if check.ok is not True and check.fix:
            lines.append(f"  {' ' * width}  fix: {check.fix}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    logger.disable("port_aws")  # the table says it all; the engine's own lines would repeat it
    try:
        return _run(args)
    finally:
        logger.enable("port_aws")


def _run(args: argparse.Namespace) -> int:
    try:
        config, environ = config_from_environment(os.environ, env_file(args.env_file))
        kinds = configured_kinds(args.mapping, args.kind or [])
        settings = load_settings(config, environ)
    except ConfigError as error:
        print(render([Check("configuration", False, str(error), "fix the setting named above")]))
        return 2
    limits = dataclasses.replace(settings.limits, max_attempts=min(settings.limits.max_attempts, 3))
    checks = asyncio.run(diagnose(dataclasses.replace(settings, limits=limits), kinds))
    print(render(checks))
    return 0 if all(c.ok is not False for c in checks) else 1


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "doctor",
        help="check credentials, roles, Organizations and permissions; print a fix for each failure",
        description=(
            "Check the integration's configuration against AWS, link by link. The configuration "
            f"comes from {CONFIG_PREFIX}* environment variables and .env, as for `ocean sail`."
        ),
    )
    parser.add_argument(
        "--env-file",
        type=Path,
        default=None,
        help="settings file read as `ocean sail` reads .env (default: .env, if present)",
    )
    parser.add_argument(
        "--mapping",
        type=Path,
        default=DEFAULT_MAPPING,
        help=f"mapping whose kinds are checked (default: {DEFAULT_MAPPING})",
    )
    parser.add_argument("--kind", action="append", help="check only this kind (repeat for more)")
    parser.set_defaults(func=run)
