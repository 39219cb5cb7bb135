"""``python -m port_aws doctor``: walk the credential chain and report each link, with a fix.

The configuration is read as ``ocean sail`` reads it (``OCEAN__INTEGRATION__CONFIG__*``
environment variables, then ``.env``). Checks, in order, each stopping the walk when a later
one could not run: credential source, integration role, AWS Organizations (management account
or delegated administrator, OU ids), member roles, regions, and for each kind its first list
call in one region per account (a real call with a small page size). Calls run concurrently
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
import yaml
from botocore import xform_name
from botocore.exceptions import BotoCoreError, ClientError
from botocore.session import get_session
from loguru import logger

from port_aws.accounts import (
    Account,
    DiscoveryError,
    bounded_gather,
    discover_accounts,
    error_code,
    error_message,
)
from port_aws.arn import PARTITIONS
from port_aws.catalog import RESOURCE_TYPES, cloudcontrol, iam_action, resource_type
from port_aws.catalog.model import ResourceType
from port_aws.credentials import CredentialSource, resolve_source
from port_aws.engine import DENIED, NOT_AVAILABLE
from port_aws.errors import ConfigError
from port_aws.regions import service_regions
from port_aws.settings import CONFIG_PREFIX, Settings, config_from_environment, load_settings

DEFAULT_MAPPING = Path(".port/resources/port-app-config.yml")
PAGE_SIZE_PARAMS = ("MaxResults", "maxResults", "MaxItems", "MaxRecords", "MaxBuckets", "Limit")
ERRORS = (ClientError, BotoCoreError, OSError, TimeoutError)
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


def configured_kinds(mapping: Path | None, kinds: Sequence[str]) -> list[ResourceType]:
    if not kinds and mapping is not None and mapping.is_file():
        resources = (yaml.safe_load(mapping.read_text()) or {}).get("resources") or []
        kinds = list(dict.fromkeys(str(r.get("kind")) for r in resources))
    found = {k: resource_type(k) for k in kinds}
    unknown = [k for k, rt in found.items() if rt is None]
    if unknown:
        raise ConfigError(
            "--kind",
            f"unknown kinds {unknown}; supported kinds: {', '.join(RESOURCE_TYPES)}, "
            "or any CloudFormation type name such as AWS::Glue::Job",
        )
    return [rt for rt in found.values() if rt is not None]


# -- the walk --------------------------------------------------------------------------------

ASSUME_FIXES = {
    "InvalidIdentityToken": "the account has no IAM OIDC provider for the token's issuer, or "
    "the token's audience is not one of its client ids: deploy the stack (CreateOIDCProvider="
    "true), or check OIDCIssuerURL and OIDCAudience against Port's installation page",
    "IDPRejectedClaim": "the OIDC provider rejected the token's claims: check OIDCAudience "
    "(aws-cn may need sts.amazonaws.com.cn) and OIDCSubject against Port's installation page",
    "ExpiredTokenException": "the token in AWS_WEB_IDENTITY_TOKEN_FILE has expired: the "
    "runtime must refresh it",
}


def assume_fix(code: str, settings: Settings, web_identity: bool) -> str:
    if code in ASSUME_FIXES:
        return ASSUME_FIXES[code]
    if code in ("AccessDenied", "AccessDeniedException"):
        if web_identity:
            return (
                "the role's trust policy does not accept this token: it must trust the "
                "provider arn:<partition>:iam::<account>:oidc-provider/<issuer host/path> with "
                "StringEquals on <issuer>:aud and <issuer>:sub; redeploy the stack with the "
                "issuer, audience and subject from Port's installation page"
            )
        if settings.external_id:
            return (
                "the role's trust policy refuses this principal or the externalId: check that "
                "it trusts the caller and that its sts:ExternalId condition equals externalId"
            )
        return (
            "the role does not exist or its trust policy refuses the caller; if it requires "
            "an sts:ExternalId, set externalId"
        )
    return "check that the role exists and trusts the integration, then run doctor again"


async def _assume(session: aioboto3.Session) -> None:
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
            return Check(
                "integration role",
                False,
                f"the credentials were refused: {error_code(error)}: {error_message(error)}",
                "check aws_access_key_id / aws_secret_access_key",
            )
        return Check("integration role", True, f"no role: account {identity['Account']} itself")
    try:
        await _assume(source.session_for_role(role))
    except ERRORS as error:
        code = error_code(error)
        return Check(
            "integration role",
            False,
            f"cannot assume {role}: {code}: {error_message(error)}",
            assume_fix(code, settings, bool(source.token_file)),
        )
    return Check("integration role", True, f"{role} assumed ({source.method})")


async def _organizations(settings: Settings, source: CredentialSource) -> list[Check]:
    role = settings.account_role_arn
    if role is None or settings.account_role_arns:
        return []
    wanted = settings.uses_organizations_filters or bool(settings.member_role_name)
    session = source.session_for_role(role)
    checks: list[Check] = []
    async with session.client("organizations") as org:
        try:
            described = (await org.describe_organization())["Organization"]
            roots = [r["Id"] for r in (await org.list_roots())["Roots"]]
        except ERRORS as error:
            code = error_code(error)
            detail = f"{code}: {error_message(error)}"
            if not wanted:
                return [
                    Check(
                        "organizations",
                        True,
                        f"not used ({code}): single account {role.account_id}",
                    )
                ]
            management = "" if code != "AccessDeniedException" else " or a delegated administrator"
            return [
                Check(
                    "organizations",
                    False,
                    detail,
                    f"accountRoleArn must be the role in the organization's management account"
                    f"{management}, deployed from cloudformation/multi-account.yaml (it grants "
                    f"read-only Organizations access)",
                )
            ]
        master = described.get("MasterAccountId")
        kind = (
            "management account"
            if master == role.account_id
            else f"delegated administrator (management account {master})"
        )
        checks.append(Check("organizations", True, f"{role.account_id} is the {kind}"))
        missing: list[str] = []
        for unit in settings.ou_ids:
            if unit.startswith("r-"):
                if unit not in roots:
                    missing.append(unit)
                continue
            try:
                await org.describe_organizational_unit(OrganizationalUnitId=unit)
            except ERRORS as error:
                missing.append(f"{unit} ({error_code(error)})")
        if settings.ou_ids:
            checks.append(
                Check("OU ids", False, f"not found: {', '.join(missing)}", FIND_OU_IDS)
                if missing
                else Check("OU ids", True, ", ".join(settings.ou_ids))
            )
    return checks


async def _regions(account: Account, partition: str) -> tuple[list[str], str]:
    """(regions, how); raises the last error when neither ListRegions nor DescribeRegions works."""
    home = PARTITIONS[partition]
    failure: BaseException | None = None
    if partition == "aws":
        try:
            found: list[str] = []
            async with account.session.client("account", region_name=home) as client:
                async for page in client.get_paginator("list_regions").paginate(
                    RegionOptStatusContains=["ENABLED", "ENABLED_BY_DEFAULT"]
                ):
                    found += [r["RegionName"] for r in page.get("Regions", [])]
            if found:
                return sorted(found), "account:ListRegions"
        except ERRORS as error:
            failure = error
    try:
        async with account.session.client("ec2", region_name=home) as ec2:
            answer = await ec2.describe_regions(AllRegions=False)
        return sorted(r["RegionName"] for r in answer.get("Regions", [])), "ec2:DescribeRegions"
    except ERRORS as error:
        raise error from failure


@dataclass(frozen=True)
class Probe:
    service: str
    operation: str
    params: dict[str, Any]
    action: str


def probe_for(rt: ResourceType) -> Probe | None:
    """The kind's first list call, with a small page size; None when it needs arguments."""
    model = get_session().get_service_model(rt.service)
    if rt.operation:
        names = [n for n in model.operation_names if xform_name(n) == rt.operation]
    else:
        names = [
            n
            for p in rt.permissions
            for n in model.operation_names
            if iam_action(rt.service, n) == p
        ]
    candidates = [(name, iam_action(rt.service, name)) for name in names]
    for name, action in candidates:
        shape = model.operation_model(name).input_shape
        params = dict(rt.params) if rt.operation else {}
        if shape is not None:
            if shape.required_members and not rt.operation:
                continue
            for member in PAGE_SIZE_PARAMS:
                if member in shape.members:
                    limits = shape.members[member].metadata
                    params[member] = min(max(5, limits.get("min", 1)), limits.get("max", 5))
                    break
        return Probe(rt.service, xform_name(name), params, action)
    return None


async def _probe(probe: Probe, account: Account, region: str) -> Check | None:
    """None when the call is permitted (or the service is not offered there)."""
    try:
        async with account.session.client(probe.service, region_name=region) as client:
            await getattr(client, probe.operation)(**probe.params)
    except ERRORS as error:
        code = error_code(error)
        if code in NOT_AVAILABLE:
            return None
        where = f"{account.role_arn or account.id} in {region}"
        if code in DENIED or _status(error) == 403:
            return Check(
                "",
                False,
                f"{probe.action} denied for {where}",
                f"grant {probe.action}: update the stack from the current templates "
                "(`make policy` regenerates their permissions) or add it to the role's policy",
            )
        return Check(
            "", False, f"{probe.action} failed for {where}: {code}: {error_message(error)}"
        )
    return None


def _status(error: BaseException) -> int | None:
    """HTTP status of an AWS error: a 403 whose body is unreadable is still a denial."""
    if isinstance(error, ClientError):
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        return int(status) if status else None
    return None


def _probe_region(rt: ResourceType, regions: list[str], partition: str) -> str | None:
    home = PARTITIONS[partition]
    if rt.global_service:
        return home
    known = service_regions(rt.service, partition)
    usable = [r for r in regions if not known or r in known]
    return home if home in usable else next(iter(usable), None)


async def diagnose(settings: Settings, kinds: list[ResourceType]) -> list[Check]:
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
                    f"cannot assume {failure.role_arn}: {failure.code}: {failure.message}",
                    assume_fix(failure.code, settings, bool(source.token_file)),
                )
            )

    limit = settings.limits.max_concurrent_accounts
    partition = settings.partition

    async def regions_of(account: Account) -> tuple[Account, list[str] | BaseException, str]:
        try:
            found, how = await _regions(account, partition)
            return account, found, how
        except ERRORS as error:
            return account, error, ""

    results = await bounded_gather(limit, [functools.partial(regions_of, a) for a in accounts])
    regions: dict[str, list[str]] = {}
    ways: set[str] = set()
    for account, found, how in results:
        if isinstance(found, BaseException):
            checks.append(
                Check(
                    "regions",
                    False,
                    f"{account.role_arn or account.id}: {error_code(found)}: {error_message(found)}",
                    "grant account:ListRegions or ec2:DescribeRegions",
                )
            )
        else:
            regions[account.id] = found
            ways.add(how)
    if regions:
        counts = sorted({len(r) for r in regions.values()})
        checks.append(
            Check(
                "regions",
                True,
                f"{_accounts(len(regions))}, {counts[0]}-{counts[-1]} regions each "
                f"({', '.join(sorted(ways))})",
            )
        )

    declared = [rt for rt in kinds if rt.kind in RESOURCE_TYPES]
    checks += await _kind_checks(settings, declared, discovery, accounts, regions)
    checks += await _generic_checks(settings, [rt for rt in kinds if rt not in declared], accounts)
    return checks


async def _generic_checks(
    settings: Settings, kinds: list[ResourceType], accounts: list[Account]
) -> list[Check]:
    """Generic kinds (Cloud Control): the registry's handler permissions, tried in the first
    account's home region."""
    if not accounts:
        return []
    checks = []
    for rt in kinds:
        try:
            ok, detail, fix = await cloudcontrol.read_check(
                accounts[0].session, PARTITIONS[settings.partition], rt.kind
            )
        except ERRORS as error:
            ok, detail, fix = False, f"{error_code(error)}: {error_message(error)}", ""
        checks.append(Check(rt.kind, ok, detail, fix))
    return checks


async def _kind_checks(
    settings: Settings,
    kinds: list[ResourceType],
    discovery: Any,
    accounts: list[Account],
    regions: dict[str, list[str]],
) -> list[Check]:
    jobs: list[Callable[[], Awaitable[Check | None]]] = []
    plan: list[tuple[ResourceType, Probe | None, int]] = []
    for rt in kinds:
        probe = probe_for(rt)
        targets = [a for a in accounts if a.id in regions]
        if rt.service == "organizations":
            # read through the management (or delegated administrator) role only
            management = discovery.management if discovery.organization is not None else None
            targets = [management] if management is not None else []
        count = 0
        for account in targets:
            region = _probe_region(rt, regions.get(account.id, []), settings.partition)
            if probe is None or region is None:
                continue
            jobs.append(functools.partial(_probe, probe, account, region))
            count += 1
        plan.append((rt, probe, count))
    outcomes = iter(await bounded_gather(settings.limits.max_concurrency, jobs))
    checks: list[Check] = []
    for rt, probe, count in plan:
        if probe is None:
            checks.append(Check(rt.kind, None, "no argument-free list call to try"))
            continue
        if count == 0:
            checks.append(Check(rt.kind, None, "no account or region to try it in"))
            continue
        failed = [c for c in (next(outcomes) for _ in range(count)) if c is not None]
        if not failed:
            checks.append(Check(rt.kind, True, f"{probe.action} permitted in {_accounts(count)}"))
        for failure in failed:
            checks.append(dataclasses.replace(failure, name=rt.kind))
    return checks


def _accounts(count: int) -> str:
    return f"{count} account" + ("" if count == 1 else "s")


# -- output ----------------------------------------------------------------------------------

MARKS = {True: "✔", False: "✗", None: "–"}


def render(checks: list[Check]) -> str:
    width = max((len(c.name) for c in checks), default=0)
    lines = []
    for check in checks:
        lines.append(f"{MARKS[check.ok]} {check.name.ljust(width)}  {check.detail}")
        if check.ok is False and check.fix:
            lines.append(f"  {' ' * width}  fix: {check.fix}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    logger.disable("port_aws")  # the table says it all; the engine's own lines would repeat it
    try:
        return _run(args)
    finally:
        logger.enable("port_aws")


def _run(args: argparse.Namespace) -> int:
    config, environ = config_from_environment(os.environ, args.env_file)
    try:
        kinds = configured_kinds(args.mapping, args.kind or [])
        settings = load_settings(config, environ)
    except ConfigError as error:
        print(render([Check("configuration", False, str(error), "fix the setting named above")]))
        return 1
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
        "--env-file", type=Path, default=Path(".env"), help="default: .env (if present)"
    )
    parser.add_argument(
        "--mapping",
        type=Path,
        default=DEFAULT_MAPPING,
        help=f"mapping whose kinds are checked (default: {DEFAULT_MAPPING})",
    )
    parser.add_argument("--kind", action="append", help="check only this kind (repeat for more)")
    parser.set_defaults(func=run)
