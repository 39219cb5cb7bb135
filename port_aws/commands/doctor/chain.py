"""The walk of ``doctor``: the credential chain and report each link, with a fix.

The configuration is read as ``ocean sail`` reads it (``OCEAN__INTEGRATION__CONFIG__*``
environment variables, then ``.env``). Checks, in order, each stopping the walk when a later
one could not run: credential source, integration role, AWS Organizations (management account
or delegated administrator, OU ids), member roles, regions, for each kind its first list
call in one region per account (a real call with a small page size), and, when
``liveEventsApiKey`` is set, the EventBridge rules of live events in every account and region
(``live``); the kinds' checks are ``kinds``, the table ``report``. Calls run concurrently
under the configured account bound. Exit status 0 only when every check passes.
"""

import aioboto3

from port_aws.aws.accounts import (
    ORGANIZATIONS_FAILED,
    Account,
    DiscoveryError,
    Organization,
    UnknownOuIds,
    discover_accounts,
    read_organization,
)
from port_aws.aws.bounds import all_of
from port_aws.aws.credentials import CredentialSource, resolve_source
from port_aws.aws.errors import ConfigError, error_code, error_message, unreachable
from port_aws.aws.preflight import assume_fix
from port_aws.aws.regions import Regions, RegionsUnknown, enabled_regions
from port_aws.catalog import RESOURCE_TYPES
from port_aws.catalog.model import KindOptions, ResourceType
from port_aws.commands.doctor.kinds import generic_checks, kind_checks
from port_aws.commands.doctor.live import live_event_checks
from port_aws.commands.doctor.report import ERRORS, NETWORK_FIX, Check, accounts_count
from port_aws.config.settings import (
    Settings,
)

FIND_OU_IDS = (
    "find OU ids in the AWS Organizations console under AWS accounts, or with "
    "`aws organizations list-roots` and `aws organizations list-organizational-units-for-parent "
    "--parent-id <root or OU id>`"
)


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

    listed = await all_of((regions_of(a) for a in accounts), limit)
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
                f"{accounts_count(len(confirmed))}, {spread} regions each ({ways})",
            )
        )

    declared = [(rt, options) for rt, options in kinds if rt.kind in RESOURCE_TYPES]
    generic = [rt for rt, _ in kinds if rt.kind not in RESOURCE_TYPES]
    checks += await kind_checks(settings, declared, discovery, regions)
    checks += await generic_checks(settings, generic, discovery, regions)
    if settings.live_events_api_key:
        checks += await live_event_checks(settings, discovery, regions, kinds)
    return checks
