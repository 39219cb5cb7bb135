"""Which accounts a resync reads, and a session for each.

Single account, an explicit list of roles, or AWS Organizations (recursively through the
configured OUs, filtered by scope) — then every in-scope role is assumed concurrently, once
per resync. An account whose role cannot be assumed is reported and kept out, never silently
dropped: the resync is marked incomplete so its entities stay in Port.
"""

import asyncio
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aioboto3
from botocore.exceptions import BotoCoreError, ClientError
from loguru import logger

from port_aws.aws.arn import RoleArn
from port_aws.aws.bounds import all_of, guarded_pages
from port_aws.aws.credentials import CredentialSource
from port_aws.aws.errors import (
    ACCESS_DENIED,
    NO_ORGANIZATION,
    OU_NOT_FOUND,
    PARENT_NOT_FOUND,
    error_code,
    error_message,
    not_an_administrator,
    unreachable,
)
from port_aws.config.settings import Settings, in_shard


@dataclass
class Account:
    id: str
    name: str | None
    session: aioboto3.Session = field(repr=False)
    role_arn: str | None = None
    email: str | None = None


@dataclass
class OrgAccount:
    """An account as AWS Organizations describes it, with its place in the OU tree."""

    raw: dict[str, Any]
    parent_id: str
    ou_path: list[str]

    @property
    def id(self) -> str:
        return str(self.raw["Id"])

    @property
    def state(self) -> str:
        return str(self.raw.get("State") or self.raw.get("Status") or "")


@dataclass
class AccountFailure:
    account_id: str
    role_arn: str
    code: str
    message: str
    hint: str
    unreachable: bool = False
    """STS could not be reached: nothing refused the role (``message`` says where it failed)."""

    def describe(self) -> str:
        return f"account {self.account_id}: cannot assume {self.role_arn}: {self.code}: {self.message}. {self.hint}"


@dataclass
class Discovery:
    accounts: list[Account]
    failures: list[AccountFailure]
    organization: list[OrgAccount] | None = None
    """All accounts of the discovered OUs (any state), when Organizations was used."""
    management: Account | None = None
    shard: int | None = None
    """k of this installation's shard k/n, when the organization is split across installations."""


ORGANIZATIONS_FAILED = "; every kind fails and nothing is deleted: "
"""Between what failed and the hint in a discovery error from AWS Organizations. Accounts the OU
walk listed before it failed may have been read (their entities are upserted whole); the
accounts it could not list are not, so no kind completes and Ocean deletes nothing."""


class DiscoveryError(RuntimeError):
    """No account can be read, or Organizations was asked for and is not reachable."""


class UnknownOuIds(DiscoveryError):
    """Some ``ouId`` is not in the organization (which itself was reachable)."""

    def __init__(self, role: str, described: dict[str, Any], missing: list[str]) -> None:
        super().__init__(
            f"ouId {', '.join(missing)} not found in organization {described.get('Id')} "
            f"(read with {role}); no account was read and nothing is deleted: every ouId must "
            "be a root (r-…) or OU (ou-…) id of the organization"
        )
        self.described = described
        self.missing = missing


@dataclass
class Organization:
    """What discovery learnt from AWS Organizations."""

    described: dict[str, Any]
    """DescribeOrganization's ``Organization``."""
    members: list[OrgAccount]
    """The accounts below ``ouId`` (or the whole organization), any state."""

    def role_of(self, account_id: str) -> str:
        """How ``account_id`` reads the organization: its management account or a delegate."""
        master = self.described.get("MasterAccountId")
        if master == account_id:
            return "management account"
        return f"delegated administrator (management account {master})"


_HINTS = {
    "InvalidIdentityToken": "The account has no IAM OIDC provider for the token's issuer, or the "
    "token's audience is not in the provider's client ids: deploy the member stack there.",
    "IDPRejectedClaim": "The token was rejected by the OIDC provider: check its audience.",
    "ExpiredTokenException": "The OIDC token file holds an expired token.",
    "AccessDenied": "The role does not exist or its trust policy does not allow this principal "
    "(for OIDC: the provider ARN and the aud/sub conditions; for AssumeRole: the principal and "
    "externalId). Check that the StackSet deployed the role to this account.",
}


def _hint(code: str) -> str:
    return _HINTS.get(
        code, "Check that the role exists in this account and trusts the integration."
    )


STS_TIMEOUT = 30.0
"""Seconds assuming one role may take in all (STS calls also have short socket timeouts and few
attempts: see ``credentials.sts_config``)."""


async def first_credentials(
    account: Account, timeout: float = STS_TIMEOUT
) -> AccountFailure | None:
    """Force the first credential fetch so a refused role is known before any kind runs."""
    try:
        async with asyncio.timeout(timeout):
            credentials = await account.session.get_credentials()
            await credentials.get_frozen_credentials()
    except (ClientError, BotoCoreError, OSError, TimeoutError) as error:
        code = "Timeout" if isinstance(error, TimeoutError) else error_code(error)
        reach = unreachable(error, "sts")
        if reach is not None:
            return AccountFailure(
                account.id,
                account.role_arn or "",
                code,
                reach,
                "Nothing was refused: the next resync tries again.",
                unreachable=True,
            )
        if code == "Timeout":
            return AccountFailure(
                account.id,
                account.role_arn or "",
                code,
                f"STS did not answer within {timeout:g}s",
                "AWS STS was unreachable or slow; the next resync tries again.",
            )
        return AccountFailure(
            account.id, account.role_arn or "", code, error_message(error), _hint(code)
        )
    return None


async def _caller_account(session: aioboto3.Session) -> str:
    async with session.client("sts") as sts:
        identity = await sts.get_caller_identity()
    return str(identity["Account"])


MAX_OU_DEPTH = 5
"""Organizations nests OUs at most five levels below the root."""


Listed = Callable[[list[OrgAccount]], None]
"""Told the accounts of each parent as the walk lists them (new ones only)."""


async def _walk_organization(
    org: Any, starts: list[str], limit: int, call_timeout: float, listed: Listed | None = None
) -> list[OrgAccount]:
    """Accounts under the given roots/OUs, recursively, with their OU path (names from the
    root); de-duplicated. ``listed`` hears of each parent's accounts as they come.

    Any failure (denied, throttled, a page that does not come, a token answered twice) fails the
    whole walk: a partial organization must never look like a smaller one."""
    found: dict[str, OrgAccount] = {}
    semaphore = asyncio.Semaphore(limit)

    async def pages(operation: str, **params: Any) -> list[dict[str, Any]]:
        async with semaphore:
            out: list[dict[str, Any]] = []
            api = org.meta.method_to_api_mapping[operation]
            async for page in guarded_pages(
                org.get_paginator(operation).paginate(**params),
                f"organizations:{api}",
                call_timeout,
            ):
                out.extend(page.get("Accounts") or page.get("OrganizationalUnits") or [])
            return out

    async def visit(parent: str, path: list[str]) -> None:
        accounts, units = await all_of(
            [
                pages("list_accounts_for_parent", ParentId=parent),
                pages("list_organizational_units_for_parent", ParentId=parent),
            ]
        )
        new: list[OrgAccount] = []
        for raw in accounts:
            if raw["Id"] not in found:
                found[raw["Id"]] = OrgAccount(raw, parent, path)
                new.append(found[raw["Id"]])
        if listed is not None and new:
            listed(new)
        await all_of(visit(u["Id"], [*path, u.get("Name", u["Id"])]) for u in units)

    async def names_from_root(start: str) -> list[str]:
        """OU names from the root down to ``start``, so a path does not depend on ``ouId``."""
        async with semaphore, asyncio.timeout(call_timeout):
            roots = {r["Id"]: r.get("Name") or r["Id"] for r in (await org.list_roots())["Roots"]}
        names: list[str] = []
        node = start
        for _ in range(MAX_OU_DEPTH + 1):  # AWS nests OUs at most five deep below the root
            if node in roots:
                return [roots[node], *names]
            async with semaphore, asyncio.timeout(call_timeout):
                unit = await org.describe_organizational_unit(OrganizationalUnitId=node)
                parents = (await org.list_parents(ChildId=node))["Parents"]
            names.insert(0, unit["OrganizationalUnit"].get("Name") or node)
            node = parents[0]["Id"]
        raise DiscoveryError(f"OU {start} is nested deeper than {MAX_OU_DEPTH} levels")

    async def walk(start: str) -> None:
        await visit(start, await names_from_root(start))

    await all_of(walk(start) for start in starts)
    return list(found.values())


def _in_scope(settings: Settings, account_id: str) -> bool:
    if settings.account_scope == "INTERSECTION":
        return account_id in settings.account_ids
    if settings.account_scope == "DIFFERENCE":
        return account_id not in settings.account_ids
    return True


def _member_role(settings: Settings, main_role: RoleArn, member: OrgAccount) -> RoleArn | None:
    """The role read in an organization's account, or None when the account is not read (not
    ACTIVE, or out of ``accountScope``)."""
    if member.state != "ACTIVE" or not _in_scope(settings, member.id):
        return None
    if member.id == main_role.account_id:
        return main_role
    return main_role.in_account(member.id, settings.member_role_name)


def _account(source: CredentialSource, role: RoleArn, management: Account | None) -> Account:
    """The account read through ``role``: the management account's own (its role assumed
    already) or a new one with its own session."""
    if management is not None and str(role) == management.role_arn:
        return management
    return Account(role.account_id, None, source.session_for_role(role), str(role))


Found = Callable[[Account], None]
"""Told each account whose role was assumed, as soon as it is (before discovery ends)."""


@dataclass
class _Early:
    """Accounts the OU walk has listed so far, their roles assumed while it goes on: reading
    them need not wait for the rest of the organization. Only what the finished walk would
    choose is taken (ACTIVE, in scope, in the shard); the final result is built from the walk
    as before and reuses these accounts and their answers."""

    settings: Settings
    source: CredentialSource
    main_role: RoleArn
    management: Account
    found: Found
    limit: int
    timeout: float
    accounts: dict[str, Account] = field(default_factory=dict)
    assumed: dict[str, "asyncio.Task[AccountFailure | None]"] = field(default_factory=dict)
    _bound: asyncio.Semaphore = field(init=False)

    def __post_init__(self) -> None:
        self._bound = asyncio.Semaphore(self.limit)

    def listed(self, members: list[OrgAccount]) -> None:
        for member in members:
            role = _member_role(self.settings, self.main_role, member)
            if role is None or not in_shard(member.id, self.settings.shard):
                continue
            if member.id in self.accounts:
                continue
            account = _account(self.source, role, self.management)
            account.name = member.raw.get("Name") or account.name
            account.email = member.raw.get("Email") or account.email
            self.accounts[member.id] = account
            self.assumed[member.id] = asyncio.ensure_future(self._assume(account))

    async def _assume(self, account: Account) -> AccountFailure | None:
        if account is self.management:
            failure = None  # assumed before the walk
        else:
            async with self._bound:
                failure = await first_credentials(account, self.timeout)
        if failure is None:
            self.found(account)
        return failure

    async def credentials(self, account: Account) -> AccountFailure | None:
        """The answer of the role assumed during the walk, or assumed now."""
        task = self.assumed.get(account.id)
        if task is not None:
            return await task
        return await first_credentials(account, self.timeout)

    async def cancel(self) -> None:
        for task in self.assumed.values():
            task.cancel()
        await asyncio.gather(*self.assumed.values(), return_exceptions=True)


async def discover_accounts(
    settings: Settings, source: CredentialSource, found: Found | None = None
) -> Discovery:
    """The accounts of this resync. With ``found``, accounts listed by the OU walk are handed
    over, their roles assumed, while the walk goes on; the result (or the error) is the same."""
    limit = settings.limits.max_concurrent_accounts
    sts_timeout = min(STS_TIMEOUT, settings.limits.call_timeout)
    main_role = settings.account_role_arn

    if not main_role and not settings.account_role_arns:
        session = source.own_session()
        try:
            account_id = await _caller_account(session)
        except (ClientError, BotoCoreError, TimeoutError) as error:
            reach = unreachable(error, "sts") or (
                f"AWS STS did not answer in time ({error_code(error)}: {error})"
                if isinstance(error, TimeoutError)
                else None
            )
            raise DiscoveryError(
                f"the configured credentials ({source.method}) could not be checked: {reach}"
                if reach
                else f"the configured credentials ({source.method}) were refused by AWS STS: "
                f"{error_code(error)}: {error_message(error)}"
            ) from error
        return Discovery([Account(account_id, None, session)], [])

    roles: list[RoleArn] = ([main_role] if main_role else []) + [
        r for r in settings.account_role_arns if r != main_role
    ]
    organization: list[OrgAccount] | None = None
    management: Account | None = None
    early: _Early | None = None
    try:
        if main_role and not settings.account_role_arns:
            management = _account(source, main_role, None)
            not_assumed = await first_credentials(management, sts_timeout)
            if not_assumed is not None:
                raise DiscoveryError(
                    f"the integration role cannot be assumed: {not_assumed.describe()}"
                )
            if found is not None:
                early = _Early(settings, source, main_role, management, found, limit, sts_timeout)
            read = await read_organization(
                settings, management, limit, early.listed if early else None
            )
            organization = read.members if read is not None else None
            if organization is not None:
                chosen = (_member_role(settings, main_role, m) for m in organization)
                roles = [role for role in chosen if role is not None]
        return await _assumed(
            settings, source, roles, organization, management, early, limit, sts_timeout
        )
    except BaseException:
        if early is not None:
            await early.cancel()
        raise


async def _assumed(
    settings: Settings,
    source: CredentialSource,
    roles: list[RoleArn],
    organization: list[OrgAccount] | None,
    management: Account | None,
    early: _Early | None,
    limit: int,
    sts_timeout: float,
) -> Discovery:
    """The chosen roles assumed (those assumed during the walk are not assumed again)."""
    roles_before_shard = list(roles)
    roles = [role for role in roles if in_shard(role.account_id, settings.shard)]
    names = {m.id: m.raw.get("Name") for m in organization or []}
    emails = {m.id: m.raw.get("Email") for m in organization or []}
    known = early.accounts if early else {}
    accounts = [known.get(role.account_id) or _account(source, role, management) for role in roles]
    for account in accounts:
        account.name = names.get(account.id) or account.name
        account.email = emails.get(account.id) or account.email

    assume = (
        early.credentials if early else functools.partial(first_credentials, timeout=sts_timeout)
    )
    results = await all_of((assume(a) for a in accounts), limit)
    refused = [f for f in results if f is not None]
    failed_ids = {f.account_id for f in refused}
    for failure in refused:
        logger.error(failure.describe())
    failures: list[AccountFailure] = [*refused]
    reachable = [a for a in accounts if a.id not in failed_ids]
    shard = settings.shard[0] if settings.shard else None
    if not accounts and settings.shard is not None and (organization or roles_before_shard):
        logger.warning(f"no account of the organization falls in shard {settings.shard}")
        return Discovery([], [], organization, management, shard)
    if not reachable:
        if not accounts:
            raise DiscoveryError(
                "no ACTIVE account is in scope: check ouId, accountScope and accountIds"
            )
        raise DiscoveryError(
            "no account could be reached: " + "; ".join(f.describe() for f in failures)
        )
    logger.info(
        f"Accounts: {len(reachable)} reachable, {len(failures)} refused"
        + (f", {len(organization)} in the discovered OUs" if organization is not None else "")
    )
    return Discovery(reachable, failures, organization, management, shard)


async def _missing_ous(org: Any, ou_ids: list[str], timeout: float) -> list[str]:
    """The ``ouId`` values the organization does not have (other errors propagate)."""

    async def missing(unit: str) -> str | None:
        async with asyncio.timeout(timeout):
            if unit.startswith("r-"):
                roots = (await org.list_roots())["Roots"]
                return None if unit in {r["Id"] for r in roots} else unit
            try:
                await org.describe_organizational_unit(OrganizationalUnitId=unit)
            except ClientError as error:
                if error_code(error) in OU_NOT_FOUND:
                    return unit
                raise
            return None

    return [unit for unit in await all_of(missing(u) for u in ou_ids) if unit is not None]


async def read_organization(
    settings: Settings, management: Account, limit: int, listed: Listed | None = None
) -> Organization | None:
    """The OU tree below ``ouId`` (or the whole organization), or None for a single account;
    ``doctor`` calls it too, so both judge Organizations the same way.

    Only AWS saying there is no organization, an explicit ``accountDiscovery: single``, or a
    member account that is not a delegated administrator mean "single account". A management or
    delegated-administrator role whose Organizations calls fail is a discovery failure."""
    mode = settings.account_discovery
    if mode == "single":
        return None
    role = management.role_arn or management.id
    timeout = settings.limits.call_timeout
    async with management.session.client("organizations") as org:
        try:
            async with asyncio.timeout(timeout):
                described = (await org.describe_organization())["Organization"]
        except (ClientError, BotoCoreError, TimeoutError) as error:
            code = error_code(error)
            if code == NO_ORGANIZATION and not settings.uses_organizations_filters:
                if mode == "organizations":
                    raise DiscoveryError(
                        f"accountDiscovery is 'organizations' but {role}'s account is in no "
                        "organization (AWSOrganizationsNotInUseException)"
                    ) from error
                logger.info(f"{role}'s account is in no organization; syncing that account")
                return None
            raise _organizations_failed(settings, role, "DescribeOrganization", error) from error
        is_management = described.get("MasterAccountId") == management.id
        try:
            starts = list(settings.ou_ids)
            if starts:
                missing = await _missing_ous(org, starts, timeout)
                if missing:
                    raise UnknownOuIds(role, described, missing)
            else:
                async with asyncio.timeout(timeout):
                    roots = await org.list_roots()
                starts = [root["Id"] for root in roots.get("Roots", [])]
            members = await _walk_organization(org, starts, min(limit, 4), timeout, listed)
            return Organization(described, members)
        except UnknownOuIds:
            raise
        except (ClientError, BotoCoreError, TimeoutError, RuntimeError) as error:
            member = not is_management and not_an_administrator(error)
            if member and mode == "auto" and not settings.uses_organizations_filters:
                logger.info(
                    f"{role}'s account is a member of organization {described.get('Id')} and not "
                    "a delegated administrator; syncing that account"
                )
                return None
            raise _organizations_failed(settings, role, _operation(error), error) from error


def _operation(error: BaseException) -> str:
    if isinstance(error, ClientError):
        return str(error.operation_name)
    return str(getattr(error, "operation", "") or getattr(error, "action", "") or "the OU walk")


def _organizations_failed(
    settings: Settings, role: str, operation: str, error: BaseException
) -> DiscoveryError:
    code = error_code(error)
    reach = unreachable(error, "organizations")
    if reach is not None:
        return DiscoveryError(
            f"AWS Organizations failed for {role} ({operation}): {reach}{ORGANIZATIONS_FAILED}"
            "the next resync tries again"
        )
    if code in ACCESS_DENIED and not not_an_administrator(error):
        return DiscoveryError(
            f"organizations:{operation} denied to {role}: {code}: {error_message(error) or code}"
            f"{ORGANIZATIONS_FAILED}grant it to the role (update the stack to the current "
            "template) or set accountDiscovery=single for a single-account installation"
        )
    if code == PARENT_NOT_FOUND:
        hint = "every ouId must exist in the organization"
    elif code == NO_ORGANIZATION:
        hint = (
            "ouId and accountScope need AWS Organizations: accountRoleArn must be a role in the "
            "organization's management account or a delegated administrator"
        )
    elif operation == "DescribeOrganization":
        hint = (
            "whether the role's account belongs to an organization cannot be told; grant "
            "organizations:DescribeOrganization (update the stack to the current template), or "
            "set accountDiscovery to 'single' for a single-account installation"
        )
    else:
        hint = (
            "the role must be in the management account or a delegated administrator, with the "
            "template's Organizations permissions (update the stack to the current template)"
        )
    return DiscoveryError(
        f"AWS Organizations failed for {role} ({operation}: {code}: {error_message(error) or code})"
        f"{ORGANIZATIONS_FAILED}{hint}"
    )
