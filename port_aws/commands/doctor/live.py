"""``doctor``'s live-event checks, run when ``liveEventsApiKey`` is set.

What the templates install, as EventBridge shows it:

- in the integration's own account, in the stack's region, rules on the default bus that send
  the CloudTrail events of the integration's kinds to an API destination ending in Ocean's
  webhook path;
- multi-account: in the same account and region, the live-events bus whose policy lets the
  organization put events, with the same rules to the API destination;
- in every other (account, region) the integration reads, rules on the default bus that forward
  the same events to one of those buses (the member template through the StackSet, or
  ``cloudformation/live-events-region.yaml``).

Each rule's pattern is then tried with EventBridge's ``TestEventPattern`` on events of the
declared events it names (in CloudTrail's layout, ``live.cloudtrail_payload``, or that of
EventBridge's own events): an event it names but does not match makes it a stale rule.
Patterns are tried once each, whatever number of accounts and regions hold them. A refused
read is a warning naming the missing permission, never a failure.
"""

import asyncio
import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from port_aws.aws.accounts import Account, Discovery
from port_aws.aws.arn import PARTITIONS
from port_aws.aws.bounds import all_of
from port_aws.aws.errors import classify, error_code, error_message
from port_aws.aws.regions import Regions
from port_aws.catalog import RESOURCE_TYPES
from port_aws.catalog.model import EC2_STATE_CHANGE, TAG_CHANGE, KindOptions, ResourceType
from port_aws.commands.doctor.report import ERRORS, Check, error_operation, status_of
from port_aws.config.settings import Settings
from port_aws.live.events import cloudtrail_payload
from port_aws.live.rules import CLOUDTRAIL_DETAIL_TYPE, WEBHOOK_SUFFIX, declared_events

LIVE_FIX = (
    "create or update the stack with EnableLiveEvents=true, LiveEventsWebhookUrl=https://<the "
    f"integration's host>{WEBHOOK_SUFFIX} and LiveEventsApiKey set to liveEventsApiKey"
)
UPDATE_FIX = "update the stack from the current templates (`make policy` regenerates their rules)"
RULE_PAGES = 10
"""ListRules (and ListEventBuses) pages read per bus and region before the search gives up."""
MAX_TEST_EVENTS = 1000
"""TestEventPattern calls of one doctor run, at most (one per event source and distinct
pattern when the rules are right: about 35)."""
REGION_TEMPLATE = "cloudformation/live-events-region.yaml"

Pair = tuple[str, str]
"""(event source host, name): CloudTrail's eventSource and eventName, or a service host and
the detail-type of one of EventBridge's own events (see ``rule_events``)."""


@dataclass
class LiveRule:
    account: Account = field(repr=False)
    region: str
    bus: str
    """The bus the rule is on: ``default`` or a custom bus's name."""
    name: str
    enabled: bool
    pattern: str
    claimed: set[Pair]
    """The events the pattern names (what it should match)."""
    endpoints: list[str] = field(default_factory=list)
    """Endpoints of the API destinations it sends to."""
    buses: list[str] = field(default_factory=list)
    """ARNs of the event buses it forwards to."""
    unmatched: set[Pair] = field(default_factory=set)
    """Events it names that TestEventPattern says it does not match."""

    @property
    def events(self) -> set[Pair]:
        return self.claimed - self.unmatched

    @property
    def to_webhook(self) -> bool:
        return any(e.endswith(WEBHOOK_SUFFIX) for e in self.endpoints)

    def label(self) -> str:
        on = "" if self.bus == "default" else f" on bus {self.bus}"
        return f"{self.name}{on} ({self.region})"


@dataclass
class Bus:
    name: str
    arn: str
    policy: dict[str, Any]
    rules: list[LiveRule]


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def rule_events(pattern_text: str | None) -> set[Pair] | None:
    """The events a live-event pattern names, as (event source host, name) pairs: CloudTrail's
    (``sqs.amazonaws.com``, ``CreateQueue``) and EventBridge's own events of a service
    (``sns.amazonaws.com``, ``Tag Change on Resource``). None for any other rule."""
    try:
        pattern = json.loads(pattern_text or "")
    except ValueError:
        return None
    if not isinstance(pattern, dict):
        return None
    types = _strings(pattern.get("detail-type"))
    detail = pattern.get("detail")
    if not isinstance(detail, dict):
        detail = {}
    found: set[Pair] | None = None
    if CLOUDTRAIL_DETAIL_TYPE in types:
        sources, names = _strings(detail.get("eventSource")), _strings(detail.get("eventName"))
        found = {(s, n) for s in sources for n in names}
    if TAG_CHANGE in types and "aws.tag" in _strings(pattern.get("source")):
        services = _strings(detail.get("service"))
        found = (found or set()) | {(f"{s}.amazonaws.com", TAG_CHANGE) for s in services}
    if EC2_STATE_CHANGE in types:
        sources = [s.removeprefix("aws.") for s in _strings(pattern.get("source"))]
        found = (found or set()) | {(f"{s}.amazonaws.com", EC2_STATE_CHANGE) for s in sources}
    return found


def sample_event(account: str, region: str, pair: Pair) -> dict[str, Any]:
    """An event of ``pair`` in the layout EventBridge gives it (what a rule sees)."""
    source, name = pair
    if name not in (TAG_CHANGE, EC2_STATE_CHANGE):
        return cloudtrail_payload(account, region, source, name)
    service = source.split(".")[0]
    event = cloudtrail_payload(account, region, source, name)
    event["detail-type"] = name
    if name == TAG_CHANGE:
        event["source"] = "aws.tag"
        event["detail"] = {"changed-tag-keys": ["team"], "service": service, "tags": {}}
    else:
        event["detail"] = {"instance-id": "i-0123456789abcdef0", "state": "running"}
    return event


def _normalized(pattern_text: str) -> str:
    """One text per pattern whatever its spacing and key order (the text is valid JSON: it
    named live events)."""
    return json.dumps(json.loads(pattern_text), sort_keys=True)


def declared_pairs() -> set[Pair]:
    """Every event the kinds declare: CloudTrail calls and EventBridge's own events."""
    native = {
        (rt.live_events.source, detail_type)
        for rt in RESOURCE_TYPES.values()
        if rt.live_events is not None
        for detail_type in rt.live_events.native
    }
    return {(s, n) for s, names in declared_events().items() for n in names} | native


def _where(account: Account) -> str:
    return account.role_arn or account.id


def _sample(pairs: set[Pair]) -> str:
    return ", ".join(f"{s.split('.')[0]}:{n}" for s, n in sorted(pairs)[:5])


# -- reading ---------------------------------------------------------------------------------


async def _pages(call: Any, key: str, timeout: float, **params: Any) -> list[dict[str, Any]]:
    """Every entry of a NextToken-paginated EventBridge listing, bounded by RULE_PAGES and by
    never following a token already seen."""
    found: list[dict[str, Any]] = []
    token: str | None = None
    seen: set[str] = set()
    for _ in range(RULE_PAGES):
        page = await asyncio.wait_for(
            call(Limit=100, **params, **({"NextToken": token} if token else {})), timeout
        )
        found += page.get(key, [])
        token = page.get("NextToken")
        if not token or token in seen:
            break
        seen.add(token)
    return found


async def _rules_on(
    events: Any, account: Account, region: str, bus: str, timeout: float
) -> list[LiveRule]:
    """The live-event rules of one bus with their targets. Raises the AWS error of a refused
    call."""
    params = {} if bus == "default" else {"EventBusName": bus}
    found: list[LiveRule] = []
    for rule in await _pages(events.list_rules, "Rules", timeout, **params):
        claimed = rule_events(rule.get("EventPattern"))
        if claimed is not None:
            found.append(
                LiveRule(
                    account,
                    region,
                    bus,
                    rule["Name"],
                    rule.get("State") == "ENABLED",
                    str(rule.get("EventPattern")),
                    claimed,
                )
            )
    endpoints: dict[str, str] = {}
    for live in found:
        targets = await asyncio.wait_for(
            events.list_targets_by_rule(Rule=live.name, **params), timeout
        )
        for target in targets.get("Targets", []):
            arn = str(target.get("Arn", ""))
            if ":event-bus/" in arn:
                live.buses.append(arn)
            elif ":api-destination/" in arn:
                name = arn.split(":api-destination/", 1)[1].split("/")[0]
                if name not in endpoints:
                    described = await asyncio.wait_for(
                        events.describe_api_destination(Name=name), timeout
                    )
                    endpoints[name] = str(described.get("InvocationEndpoint", ""))
                live.endpoints.append(endpoints[name])
    return found


async def _scan(
    account: Account, region: str, timeout: float
) -> tuple[Account, str, list[LiveRule] | BaseException]:
    try:
        async with account.session.client("events", region_name=region) as events:
            return account, region, await _rules_on(events, account, region, "default", timeout)
    except ERRORS as error:
        return account, region, error


async def _buses(
    account: Account, region: str, timeout: float
) -> tuple[str, list[Bus] | BaseException]:
    """The custom buses of one region that carry live-event rules, with their policies."""
    try:
        async with account.session.client("events", region_name=region) as events:
            found: list[Bus] = []
            for bus in await _pages(events.list_event_buses, "EventBuses", timeout):
                if bus.get("Name") == "default":
                    continue
                rules = await _rules_on(events, account, region, str(bus["Name"]), timeout)
                if rules:
                    try:
                        policy = json.loads(bus.get("Policy") or "{}")
                    except ValueError:
                        policy = {}
                    found.append(Bus(str(bus["Name"]), str(bus["Arn"]), policy, rules))
            return region, found
    except ERRORS as error:
        return region, error


def _refused(
    error: BaseException, where: str, region: str, what: str, confirmed: bool = True
) -> Check | None:
    """A read that failed: None when the region is not available to the account (as the resync
    judges it: ``confirmed`` is whether AWS listed the account's regions), a warning when
    denied."""
    code = error_code(error)
    verdict = classify(code, confirmed)
    if verdict == "unavailable":
        return None
    action = f"events:{error_operation(error)}"
    if verdict == "denied" or status_of(error) == 403:
        return Check(
            what,
            None,
            f"not checked: {action} denied for {where} in {region}",
            f"grant {action} (the templates grant it with EnableLiveEvents=true), or check the "
            "rules in the EventBridge console",
        )
    return Check(
        what, False, f"{action} failed for {where} in {region}: {code}: {error_message(error)}"
    )


def _grouped(refusals: list[tuple[str, str, BaseException, bool]], what: str) -> list[Check]:
    """One line per refused read; the regions where one account was denied the same action
    share one line."""
    checks: list[Check] = []
    denied: dict[tuple[str, str], tuple[int, list[str]]] = {}
    for where, region, error, confirmed in refusals:
        check = _refused(error, where, region, what, confirmed)
        if check is None:
            continue
        key = (where, error_operation(error))
        if check.ok is None and key in denied:
            index, names = denied[key]
            names.append(region)
            detail = f"not checked: events:{key[1]} denied for {where} in {', '.join(names)}"
            checks[index] = dataclasses.replace(checks[index], detail=detail)
            continue
        if check.ok is None:
            denied[key] = (len(checks), [region])
        checks.append(check)
    return checks


# -- the test events -------------------------------------------------------------------------


async def try_patterns(
    settings: Settings, account: Account, region: str, rules: Sequence[LiveRule]
) -> Check | None:
    """TestEventPattern of every distinct pattern with events of the declared events it names;
    sets ``unmatched`` on each rule. None when there is nothing to test.

    A pattern matches all the names of one event source or none of them unless a name is left
    out of its list (which the pattern itself shows), so one event per (pattern, source) is
    tried first; every name of a source whose event was not matched is then tried, to name
    exactly the events the rule misses."""
    declared = declared_pairs()
    distinct: dict[str, dict[str, list[str]]] = {}
    """Normalized pattern -> event source -> names, in the order they are tried."""
    text_of: dict[str, str] = {}
    for rule in rules:
        text_of.setdefault(_normalized(rule.pattern), rule.pattern)
        by_source = distinct.setdefault(_normalized(rule.pattern), {})
        for source, name in sorted(rule.claimed & declared):
            names = by_source.setdefault(source, [])
            if name not in names:
                names.append(name)
    first = [(text, (s, names[0])) for text, by in distinct.items() for s, names in by.items()]
    if not first:
        return None
    timeout = settings.limits.call_timeout
    unmatched: dict[str, set[Pair]] = {}
    failure: BaseException | None = None
    tried = skipped = 0
    async with account.session.client("events", region_name=region) as events:

        async def one(key: str, pair: Pair) -> None:
            nonlocal failure
            if failure is not None:
                return
            event = json.dumps(sample_event(account.id, region, pair))
            try:
                answer = await asyncio.wait_for(
                    events.test_event_pattern(EventPattern=text_of[key], Event=event), timeout
                )
            except ERRORS as error:
                failure = error
                return
            if not answer.get("Result"):
                unmatched.setdefault(key, set()).add(pair)

        async def run(jobs: list[tuple[str, Pair]]) -> None:
            nonlocal tried, skipped
            allowed = jobs[: max(0, MAX_TEST_EVENTS - tried)]
            skipped += len(jobs) - len(allowed)
            tried += len(allowed)
            jobs = allowed
            await all_of(
                (one(text, pair) for text, pair in jobs),
                settings.limits.max_concurrency_per_service,
            )

        await run(first)
        await run(
            [
                (text, (source, name))
                for text, missed in list(unmatched.items())
                for source in sorted({s for s, _ in missed})
                for name in distinct[text][source][1:]
            ]
        )
    if failure is not None:
        found = _refused(failure, _where(account), region, "live events test")
        return found or Check(
            "live events test", None, f"not checked: TestEventPattern is not available in {region}"
        )
    for rule in rules:
        rule.unmatched = unmatched.get(_normalized(rule.pattern), set()) & rule.claimed
    if any(rule.unmatched for rule in rules):
        return None  # each stale rule gets its own line (see _stale_checks)
    more = f"; {skipped} more not tried (at most {MAX_TEST_EVENTS} a run)" if skipped else ""
    return Check(
        "live events test",
        True,
        f"TestEventPattern matched an event of each event source of each distinct rule pattern "
        f"({len(first) - skipped} events, {len(distinct)} patterns{more})",
    )


def _stale_checks(rules: Sequence[LiveRule]) -> list[Check]:
    return [
        Check(
            "live events test",
            False,
            f"{_where(rule.account)}: rule {rule.label()} names {len(rule.unmatched)} events it "
            f"does not match in TestEventPattern (e.g. {_sample(rule.unmatched)}): a stale rule",
            UPDATE_FIX,
        )
        for rule in rules
        if rule.unmatched
    ]


# -- verdicts --------------------------------------------------------------------------------


def _disabled(candidates: list[LiveRule], where: str, what: str, prefix: str = "") -> Check | None:
    """A check naming the disabled rules, when enabling them would give every declared event;
    the fix enables each."""
    disabled = [r for r in candidates if not r.enabled]
    enabled = [r for r in candidates if r.enabled]
    covered = set().union(*(r.events for r in enabled))
    if not disabled or declared_pairs() <= covered:
        return None
    if enabled and not (declared_pairs() - covered) & set().union(*(r.events for r in disabled)):
        return None  # enabling them would not help: the rules are stale (reported below)
    names = ", ".join(r.label() for r in disabled)
    verb = "is" if len(disabled) == 1 else "are"
    commands = " && ".join(
        f"aws events enable-rule --name {r.name}"
        + ("" if r.bus == "default" else f" --event-bus-name {r.bus}")
        + f" --region {r.region}"
        for r in disabled
    )
    return Check(
        what,
        False,
        f"{where}rule{'s' if len(disabled) > 1 else ''} {names} {verb} DISABLED",
        prefix + commands,
    )


def judge_webhook_rules(rules: list[LiveRule], where: str) -> Check:
    """The rules that send to the webhook, in the integration's account."""
    if not rules:
        return Check(
            "live events",
            False,
            f"liveEventsApiKey is set but {where} has no EventBridge rule for CloudTrail events "
            "in any enabled region",
            LIVE_FIX,
        )
    to_webhook = [r for r in rules if r.to_webhook]
    if not to_webhook:
        named = ", ".join(r.label() for r in rules if r.endpoints) or ", ".join(
            r.label() for r in rules
        )
        return Check(
            "live events",
            False,
            f"no CloudTrail rule sends to an API destination ending in {WEBHOOK_SUFFIX}: {named}",
            LIVE_FIX,
        )
    off = _disabled(to_webhook, "", "live events")
    if off is not None:
        return off
    enabled = [r for r in to_webhook if r.enabled]
    missing = declared_pairs() - set().union(*(r.events for r in enabled))
    names = ", ".join(sorted({r.label() for r in enabled}))
    if missing:
        return Check(
            "live events",
            False,
            f"{names} miss {len(missing)} events of the integration's kinds (e.g. "
            f"{_sample(missing)})",
            UPDATE_FIX,
        )
    return Check(
        "live events",
        True,
        f"{names}: enabled, to {WEBHOOK_SUFFIX}, every declared event "
        "(a CloudTrail trail must record management events)",
    )


def _lets_organization_put(policy: dict[str, Any], organization: str | None) -> bool:
    """The bus policy has an Allow of events:PutEvents for the organization's accounts."""
    statements = policy.get("Statement") or []
    if isinstance(statements, dict):
        statements = [statements]
    for statement in statements:
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
            continue
        actions = statement.get("Action") or []
        actions = [actions] if isinstance(actions, str) else actions
        if not {"events:PutEvents", "events:*", "*"} & set(actions):
            continue
        condition = statement.get("Condition") or {}
        org_ids: list[str] = []
        for operator, values in condition.items():
            if operator.startswith("StringEquals") and isinstance(values, dict):
                found = values.get("aws:PrincipalOrgID")
                org_ids += [found] if isinstance(found, str) else list(found or [])
        if org_ids and (organization is None or organization in org_ids):
            return True
    return False


def organization_id(discovery: Discovery) -> str | None:
    """The organization's id, from an account ARN Organizations gave discovery."""
    for member in discovery.organization or []:
        arn = str(member.raw.get("Arn", ""))
        parts = arn.split("/")
        if len(parts) >= 3 and parts[-2].startswith("o-"):
            return parts[-2]
    return None


def _bus_checks(
    buses: list[Bus], organization: str | None, webhook_regions: list[str]
) -> tuple[list[Check], list[str]]:
    """The organization bus in the management account: exists, lets the organization put
    events, forwards every declared event to the webhook. Returns the checks and the ARNs of
    the buses that reach the webhook."""
    where = ", ".join(webhook_regions)
    org_fix = (
        "update the multi-account stack with EnableLiveEvents=true and OrganizationId="
        f"{organization or '<the organization id, o-…>'}"
    )
    candidates = [b for b in buses if any(r.to_webhook for r in b.rules)]
    if not candidates:
        return [
            Check(
                "live events bus",
                False,
                f"no event bus in {where} sends forwarded CloudTrail events to the webhook: "
                "member accounts' events cannot reach the integration",
                org_fix,
            )
        ], []
    checks: list[Check] = []
    reaching: list[str] = []
    for bus in candidates:
        rules = [r for r in bus.rules if r.to_webhook and r.enabled]
        problems: list[Check] = []
        if not _lets_organization_put(bus.policy, organization):
            whose = f"organization {organization}" if organization else "organization"
            problems.append(
                Check(
                    "live events bus",
                    False,
                    f"{bus.arn}: its policy does not let the {whose} put events "
                    "(an Allow of events:PutEvents on aws:PrincipalOrgID)",
                    org_fix,
                )
            )
        off = _disabled([r for r in bus.rules if r.to_webhook], f"{bus.arn}: ", "live events bus")
        if off is not None:
            problems.append(off)
        if rules:
            missing = declared_pairs() - set().union(*(r.events for r in rules))
            if missing and off is None:
                problems.append(
                    Check(
                        "live events bus",
                        False,
                        f"{bus.arn}: its rules miss {len(missing)} declared events (e.g. "
                        f"{_sample(missing)})",
                        UPDATE_FIX,
                    )
                )
            if off is None:
                reaching.append(bus.arn)
        checks += problems or [
            Check(
                "live events bus",
                True,
                f"{bus.arn}: the organization may put events; {len(rules)} enabled rules to "
                f"{WEBHOOK_SUFFIX}, every declared event",
            )
        ]
    return checks, reaching


def deploy_command(region: str, bus_arn: str) -> str:
    """The command that installs the forwarding rules of one more region."""
    return (
        f"aws cloudformation deploy --region {region} --stack-name port-live-events-{region} "
        f"--template-file {REGION_TEMPLATE} --capabilities CAPABILITY_IAM "
        f"--parameter-overrides LiveEventsBusArn={bus_arn}"
    )


@dataclass
class Wiring:
    """Where forwarded events must go, as found in the integration's account."""

    home: str
    """The integration's account id."""
    stack_region: str
    """The region whose rules send to the webhook (the stack's region)."""
    target: str
    """The bus other regions and accounts should forward to."""
    reaching: list[str]
    """Every bus whose rules reach the webhook."""
    organization: bool
    """Member accounts forward to the organization bus (the multi-account template)."""

    def install_fix(self, account: Account, region: str) -> str:
        """How to install the forwarding rules of one account and region."""
        deploy = deploy_command(region, self.target)
        if account.id == self.home:
            return deploy
        by_hand = f"with credentials of account {account.id}: {deploy}"
        if not self.organization:
            return by_hand
        if region == self.stack_region:
            return (
                "update the multi-account stack with EnableLiveEvents=true (its StackSet installs "
                f"the member accounts' forwarding rules in {region}), or {by_hand}"
            )
        return (
            f"add {region} to the multi-account stack's LiveEventsRegions (its StackSet deploys "
            f"{REGION_TEMPLATE} in every member account), or {by_hand}"
        )


def _forwarding_problem(
    account: Account, region: str, rules: list[LiveRule], wiring: Wiring
) -> Check | None:
    """None when the region forwards every declared event to a bus that reaches the webhook."""
    where = _where(account)
    fix = wiring.install_fix(account, region)
    if not rules:
        return Check(
            "live events region",
            False,
            f"{where} in {region}: no rule forwards CloudTrail events, so changes there wait "
            "for the next resync",
            fix,
        )
    forwarding = [r for r in rules if set(r.buses) & set(wiring.reaching)]
    if not forwarding:
        named = ", ".join(sorted({b for r in rules for b in r.buses})) or "no event bus"
        return Check(
            "live events region",
            False,
            f"{where} in {region}: its CloudTrail rules forward to {named}, not to {wiring.target}",
            fix,
        )
    as_account = "" if account.id == wiring.home else f"in account {account.id}: "
    off = _disabled(forwarding, f"{where} in {region}: ", "live events region", as_account)
    if off is not None:
        return off
    enabled = [r for r in forwarding if r.enabled]
    missing = declared_pairs() - set().union(*(r.events for r in enabled))
    if missing:
        return Check(
            "live events region",
            False,
            f"{where} in {region}: its forwarding rules miss {len(missing)} declared events "
            f"(e.g. {_sample(missing)})",
            f"{UPDATE_FIX}: {fix}",
        )
    return None


def selected_regions(
    found: Regions | None, kinds: Sequence[tuple[ResourceType, KindOptions]], partition: str
) -> list[str]:
    """The account's enabled regions that some checked kind reads (its regionPolicy)."""
    names = found.names if found else []
    policies = [options.region_policy for _, options in kinds]
    chosen = [r for r in names if not policies or any(p.permits(r) for p in policies)]
    home = PARTITIONS[partition]
    return sorted(chosen, key=lambda r: (r != home, r))


# -- the checks ------------------------------------------------------------------------------


async def live_event_checks(
    settings: Settings,
    discovery: Discovery,
    regions: dict[str, Regions],
    kinds: Sequence[tuple[ResourceType, KindOptions]],
) -> list[Check]:
    """Every live-event check, in order: the rules to the webhook, the test events, the
    organization bus, and each (account, region) the integration reads."""
    accounts = discovery.accounts
    role = settings.account_role_arn
    own = role.account_id if role is not None else None
    home = next((a for a in accounts if a.id == own), accounts[0] if accounts else None)
    if home is None:
        return []
    timeout = settings.limits.call_timeout
    wanted = {
        account.id: selected_regions(regions.get(account.id), kinds, settings.partition)
        for account in accounts
    }
    wanted[home.id] = wanted[home.id] or [PARTITIONS[settings.partition]]
    scans = await all_of(
        (_scan(a, r, timeout) for a in accounts for r in wanted[a.id]),
        settings.limits.max_concurrency,
    )
    found: dict[tuple[str, str], list[LiveRule]] = {}
    refusals: list[tuple[str, str, BaseException, bool]] = []
    for account, region, result in scans:
        if isinstance(result, BaseException):
            listed = regions.get(account.id)
            refusals.append((_where(account), region, result, listed.confirmed if listed else True))
        else:
            found[(account.id, region)] = result
    unread = _grouped(refusals, "live events")
    home_rules = [r for (a, _), rules in found.items() if a == home.id for r in rules]
    direct = [r for r in home_rules if r.to_webhook and r.enabled]
    members = len(accounts) > 1 and discovery.organization is not None

    buses: list[Bus] = []
    bus_unread: list[Check] = []
    webhook_regions = sorted({r.region for r in direct})
    if members and webhook_regions:
        for bus_region, read in await all_of(
            (_buses(home, r, timeout) for r in webhook_regions),
            settings.limits.max_concurrency,
        ):
            if isinstance(read, BaseException):
                problem = _refused(read, _where(home), bus_region, "live events bus")
                if problem is not None:
                    bus_unread.append(problem)
            else:
                buses += read

    every_rule = [r for rules in found.values() for r in rules] + [
        r for bus in buses for r in bus.rules
    ]
    tested = [r for r in every_rule if r.enabled]
    test_region = webhook_regions[0] if webhook_regions else PARTITIONS[settings.partition]
    test = await try_patterns(settings, home, test_region, tested) if tested else None

    checks: list[Check] = []
    if unread and not home_rules:
        # the rule may be in a region that could not be read: say that, not "no rule"
        checks.append(next((c for c in unread if c.ok is False), unread[0]))
    else:
        checks.append(judge_webhook_rules(home_rules, _where(home)))
    if test is not None:
        checks.append(test)
    checks += _stale_checks(tested)

    reaching = [
        f"arn:{settings.partition}:events:{r}:{home.id}:event-bus/default" for r in webhook_regions
    ]
    target = reaching[0] if reaching else ""
    if members and webhook_regions:
        bus_checks, org_buses = (
            _bus_checks(buses, organization_id(discovery), webhook_regions)
            if not bus_unread
            else ([], [])
        )
        checks += bus_unread or bus_checks
        reaching += org_buses
        target = org_buses[0] if org_buses else ""
    wiring = Wiring(
        home.id, webhook_regions[0] if webhook_regions else "", target, reaching, members
    )
    if not target:
        if members or any(len(w) > 1 for w in wanted.values()):
            checks.append(
                Check(
                    "live events region",
                    None,
                    "forwarding from other accounts and regions not checked: no bus reaches "
                    "the webhook yet (see above)",
                )
            )
        return checks + [c for c in unread if c not in checks]

    problems: list[Check] = []
    covered = 0
    for account in accounts:
        for region in wanted[account.id]:
            if account.id == home.id and region in webhook_regions:
                continue
            rules = found.get((account.id, region))
            if rules is None:
                continue  # not read: its warning is among `unread`
            problem = _forwarding_problem(account, region, rules, wiring)
            if problem is None:
                covered += 1
            else:
                problems.append(problem)
    if covered:
        checks.append(
            Check(
                "live events region",
                True,
                f"{covered} further account-region pairs forward every declared event to {target}",
            )
        )
    checks += problems
    checks += [c for c in unread if c not in checks]
    return checks
