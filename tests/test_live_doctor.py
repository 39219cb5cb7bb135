"""``doctor``'s live-event checks beyond the rules to the webhook: EventBridge's TestEventPattern
on each rule's pattern, the organization bus, member accounts' forwarding rules and the regions
beyond the stack's own; the templates' second StackSet for member accounts' further regions."""

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from botocore.exceptions import ClientError

from port_aws.__main__ import main
from port_aws.commands import policy
from port_aws.commands.doctor.live import rule_events
from port_aws.live.events import cloudtrail_payload
from port_aws.live.rules import event_patterns, rule_patterns
from tests.cfn_eval import Stack, load, loads
from tests.rig import DEFAULT_ACCOUNT, STATIC, Emulator, webhook_destination
from tests.test_doctor import _doctor

HOME = "eu-west-1"
OTHER = "us-east-1"
KEY = "k3y-0f-at-least-16-chars"
ROLE = f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/port-reader"
SINGLE = {**STATIC, "live_events_api_key": KEY}
BUS = "port-live-events"
BUS_ARN = f"arn:aws:events:{HOME}:{DEFAULT_ACCOUNT}:event-bus/{BUS}"
DEFAULT_BUS = f"arn:aws:events:{HOME}:{DEFAULT_ACCOUNT}:event-bus/default"


# -- what the templates install, through the EventBridge API ---------------------------------


def _destination(aws: Emulator) -> str:
    return webhook_destination(aws.client("events", HOME))


def _rules(
    aws: Emulator,
    target: str,
    *,
    region: str = HOME,
    account: str = DEFAULT_ACCOUNT,
    bus: str = "default",
    state: str = "ENABLED",
    patterns: list[dict[str, Any]] | None = None,
) -> None:
    """The generated rules on one bus, each with one target (an API destination or a bus)."""
    events = aws.client("events", region, account)
    on_bus = {} if bus == "default" else {"EventBusName": bus}
    for number, pattern in enumerate(patterns or rule_patterns(), start=1):
        name = f"port-live-events-{number}"
        events.put_rule(Name=name, EventPattern=json.dumps(pattern), State=state, **on_bus)
        events.put_targets(
            Rule=name,
            Targets=[
                {"Id": "t", "Arn": target, "RoleArn": f"arn:aws:iam::{account}:role/port-events"}
            ],
            **on_bus,
        )


def _org_bus(aws: Emulator, organization: str | None, destination: str) -> None:
    events = aws.client("events", HOME)
    events.create_event_bus(Name=BUS)
    if organization is not None:
        statement = {
            "Sid": "organization-accounts-put-events",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "events:PutEvents",
            "Resource": BUS_ARN,
            "Condition": {"StringEquals": {"aws:PrincipalOrgID": organization}},
        }
        events.put_permission(
            EventBusName=BUS,
            Policy=json.dumps({"Version": "2012-10-17", "Statement": [statement]}),
        )
    _rules(aws, destination, bus=BUS)


def _organization(aws: Emulator) -> tuple[str, str]:
    """An organization with one member account: (organization id, member account id)."""
    org = aws.client("organizations")
    organization = org.create_organization(FeatureSet="ALL")["Organization"]["Id"]
    created = org.create_account(AccountName="member", Email="member@example.com")
    return str(organization), str(created["CreateAccountStatus"]["AccountId"])


def _lines(lines: list[str], name: str, mark: str = "") -> list[tuple[int, str]]:
    return [
        (i, line)
        for i, line in enumerate(lines)
        if re.match(rf"^. {name}\s\s", line) and line.startswith(mark)
    ]


# -- the emulator's TestEventPattern ---------------------------------------------------------


def test_the_emulator_answers_test_event_pattern_in_the_service_wire_format(
    aws: Emulator,
) -> None:
    events = aws.client("events", HOME)
    first = event_patterns()[0]
    pattern = json.dumps(first)
    source, name = first["detail"]["eventSource"][0], first["detail"]["eventName"][0]
    event = cloudtrail_payload(DEFAULT_ACCOUNT, HOME, source, name)
    assert events.test_event_pattern(EventPattern=pattern, Event=json.dumps(event))["Result"]
    failed = {**event, "detail": {**event["detail"], "errorCode": "AccessDenied"}}
    assert not events.test_event_pattern(EventPattern=pattern, Event=json.dumps(failed))["Result"]
    with pytest.raises(ClientError) as invalid:
        events.test_event_pattern(EventPattern='{"source": "aws.sqs"}', Event=json.dumps(event))
    assert invalid.value.response["Error"]["Code"] == "InvalidEventPatternException"
    del event["resources"]
    with pytest.raises(ClientError) as incomplete:
        events.test_event_pattern(EventPattern=pattern, Event=json.dumps(event))
    assert incomplete.value.response["Error"]["Code"] == "ValidationException"


# -- one account -----------------------------------------------------------------------------


def test_a_region_without_rules_is_named_with_the_command_that_installs_them(
    aws: Emulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    aws.list_regions([OTHER, HOME])
    _rules(aws, _destination(aws))

    status, lines = _doctor(monkeypatch, capsys, SINGLE)

    assert status == 1, lines
    [(index, line)] = _lines(lines, "live events region", "✗")
    assert f"{DEFAULT_ACCOUNT} in {OTHER}: no rule forwards CloudTrail events" in line
    assert lines[index + 1].split("fix: ")[1] == (
        f"aws cloudformation deploy --region {OTHER} --stack-name port-live-events-{OTHER} "
        "--template-file cloudformation/live-events-region.yaml --capabilities CAPABILITY_IAM "
        f"--parameter-overrides LiveEventsBusArn={DEFAULT_BUS}"
    )
    assert _lines(lines, "live events", "✔") and _lines(lines, "live events test", "✔")

    # the same region once the command ran: its rules forward to the stack region's bus
    _rules(aws, DEFAULT_BUS, region=OTHER)
    status, lines = _doctor(monkeypatch, capsys, SINGLE)
    assert status == 0, lines
    [(_, line)] = _lines(lines, "live events region", "✔")
    assert f"1 further account-region pairs forward every declared event to {DEFAULT_BUS}" in line


def test_a_region_outside_every_kinds_region_policy_needs_no_rule(
    aws: Emulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    aws.list_regions([OTHER, HOME])
    _rules(aws, _destination(aws))
    resource = {
        "kind": "AWS::SQS::Queue",
        "selector": {"query": "true", "regionPolicy": {"allow": [HOME]}},
        "port": {
            "entity": {"mappings": {"identifier": ".Properties.QueueArn", "blueprint": '"q"'}}
        },
    }
    mapping = tmp_path / "port-app-config.yml"
    mapping.write_text(yaml.safe_dump({"resources": [resource]}))
    for key, value in SINGLE.items():
        monkeypatch.setenv(f"OCEAN__INTEGRATION__CONFIG__{key.upper()}", value)

    status = main(["doctor", "--mapping", str(mapping)])

    lines = capsys.readouterr().out.splitlines()
    assert status == 0, lines
    assert not _lines(lines, "live events region")
    assert _lines(lines, "live events", "✔")


def test_a_pattern_that_names_events_it_does_not_match_is_a_stale_rule(
    aws: Emulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The pattern's lists name every declared event, but its ``source`` is wrong for one
    service: only TestEventPattern tells."""
    aws.list_regions([HOME])
    patterns = rule_patterns()
    first = patterns[0]
    wrong = sorted(first["source"])[0]
    patterns[0] = {**first, "source": [s for s in first["source"] if s != wrong]}
    _rules(aws, _destination(aws), patterns=patterns)
    service = wrong.removeprefix("aws.")

    status, lines = _doctor(monkeypatch, capsys, SINGLE)

    assert status == 1, lines
    [(index, line)] = _lines(lines, "live events test", "✗")
    assert "rule port-live-events-1 (eu-west-1) names" in line and "a stale rule" in line
    assert f"{service}:" in line
    assert "update the stack from the current templates" in lines[index + 1]
    [(_, verdict)] = _lines(lines, "live events", "✗")
    assert f"{service}:" in verdict  # the events it misses are missing from the coverage too


def test_a_denied_test_event_is_a_warning_naming_the_permission(
    aws: Emulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    aws.list_regions([HOME])
    _rules(aws, _destination(aws))
    aws.faults([{"action": "TestEventPattern", "status": 400, "code": "AccessDeniedException"}])

    status, lines = _doctor(monkeypatch, capsys, SINGLE)

    assert status == 0, lines
    [(index, line)] = _lines(lines, "live events test", "–")
    assert f"not checked: events:TestEventPattern denied for {DEFAULT_ACCOUNT} in {HOME}" in line
    assert "grant events:TestEventPattern" in lines[index + 1]
    assert _lines(lines, "live events", "✔")
    assert aws.count("events", "TestEventPattern") <= 8  # it stops at the first refusal


def test_test_events_are_one_per_event_source_and_distinct_pattern(
    aws: Emulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same patterns in two regions are tried once."""
    aws.list_regions([OTHER, HOME])
    _rules(aws, _destination(aws))
    _rules(aws, DEFAULT_BUS, region=OTHER)

    status, lines = _doctor(monkeypatch, capsys, SINGLE)

    assert status == 0, lines
    per_pattern = [rule_events(json.dumps(p)) or set() for p in rule_patterns()]
    sources = sum(len({s for s, _ in events}) for events in per_pattern)
    assert aws.count("events", "TestEventPattern") == sources
    [(_, line)] = _lines(lines, "live events test", "✔")
    assert f"({sources} events, {len(per_pattern)} patterns)" in line


# -- an organization -------------------------------------------------------------------------


def _install_organization(
    aws: Emulator, bus_policy: bool = True, bus: bool = True
) -> tuple[str, str]:
    organization, member = _organization(aws)
    destination = _destination(aws)
    _rules(aws, destination)
    if bus:
        _org_bus(aws, organization if bus_policy else None, destination)
    return organization, member


def _org_doctor(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, list[str]]:
    return _doctor(monkeypatch, capsys, {**SINGLE, "account_role_arn": ROLE})


def test_an_organization_installation_passes_with_only_the_granted_reads(
    aws: Emulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    aws.list_regions([HOME])
    _, member = _install_organization(aws)
    _rules(aws, BUS_ARN, account=member)
    seeded = aws.requests()

    status, lines = _org_doctor(monkeypatch, capsys)

    assert status == 0, lines
    [(_, line)] = _lines(lines, "live events bus", "✔")
    assert BUS_ARN in line and "the organization may put events" in line
    [(_, line)] = _lines(lines, "live events region", "✔")
    assert f"1 further account-region pairs forward every declared event to {BUS_ARN}" in line
    # every EventBridge call doctor made is one the templates grant the role that made it
    granted = {
        DEFAULT_ACCOUNT: set(policy.live_check_actions()),
        member: set(policy.live_check_actions(member=True)),
    }
    read_only = {a for s in policy.read_only_document()["Statement"] for a in s["Action"]}
    for key, count in aws.requests().items():
        if count == seeded.get(key, 0):
            continue
        service, action, account = key.split(":")
        if service == "events" and account in granted:
            assert f"events:{action}" in read_only | granted[account], (account, action)


@pytest.mark.parametrize(
    ("install", "name", "expected", "fix"),
    [
        (
            "no-member-rule",
            "live events region",
            "in eu-west-1: no rule forwards CloudTrail events",
            "update the multi-account stack with EnableLiveEvents=true",
        ),
        (
            "disabled-member-rule",
            "live events region",
            "port-live-events-7 (eu-west-1) are DISABLED",
            "aws events enable-rule --name port-live-events-1 --region eu-west-1",
        ),
        (
            "member-to-wrong-bus",
            "live events region",
            "forward to arn:aws:events:eu-west-1:123456789012:event-bus/elsewhere, not to",
            "--parameter-overrides LiveEventsBusArn=" + BUS_ARN,
        ),
        (
            "no-bus-policy",
            "live events bus",
            "its policy does not let the organization o-",
            "OrganizationId=o-",
        ),
        (
            "no-bus",
            "live events bus",
            "no event bus in eu-west-1 sends forwarded CloudTrail events to the webhook",
            "EnableLiveEvents=true and OrganizationId=o-",
        ),
    ],
)
def test_organization_problems_name_account_region_and_fix(
    aws: Emulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    install: str,
    name: str,
    expected: str,
    fix: str,
) -> None:
    aws.list_regions([HOME])
    organization, member = _install_organization(
        aws, bus_policy=install != "no-bus-policy", bus=install != "no-bus"
    )
    if install == "disabled-member-rule":
        _rules(aws, BUS_ARN, account=member, state="DISABLED")
    elif install == "member-to-wrong-bus":
        _rules(aws, BUS_ARN.replace(BUS, "elsewhere"), account=member)
    elif install != "no-member-rule":
        _rules(aws, BUS_ARN, account=member)

    status, lines = _org_doctor(monkeypatch, capsys)

    assert status == 1, lines
    [(index, line)] = _lines(lines, name, "✗")
    assert expected in line
    assert fix in lines[index + 1]
    if name == "live events region":
        assert f"arn:aws:iam::{member}:role/port-reader in eu-west-1" in line
        assert member in lines[index + 1]
    else:
        assert organization in lines[index + 1] or organization in line


def test_a_member_region_beyond_the_stacks_is_fixed_through_live_events_regions(
    aws: Emulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    aws.list_regions([OTHER, HOME])
    _, member = _install_organization(aws)
    _rules(aws, BUS_ARN, account=member)
    _rules(aws, BUS_ARN, region=OTHER)  # the management account's further region

    status, lines = _org_doctor(monkeypatch, capsys)

    assert status == 1, lines
    [(index, line)] = _lines(lines, "live events region", "✗")
    assert f"{member}:role/port-reader in {OTHER}: no rule forwards" in line
    assert lines[index + 1].split("fix: ")[1] == (
        f"add {OTHER} to the multi-account stack's LiveEventsRegions (its StackSet deploys "
        "cloudformation/live-events-region.yaml in every member account), or with credentials "
        f"of account {member}: aws cloudformation deploy --region {OTHER} --stack-name "
        f"port-live-events-{OTHER} --template-file cloudformation/live-events-region.yaml "
        f"--capabilities CAPABILITY_IAM --parameter-overrides LiveEventsBusArn={BUS_ARN}"
    )
    [(_, covered)] = _lines(lines, "live events region", "✔")
    assert "2 further account-region pairs" in covered


def test_a_member_whose_targets_cannot_be_read_is_a_warning(
    aws: Emulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """One line for the account, naming each region where the read was refused."""
    aws.list_regions([OTHER, HOME])
    _, member = _install_organization(aws)
    _rules(aws, BUS_ARN, region=OTHER)
    for region in (OTHER, HOME):
        _rules(aws, BUS_ARN, account=member, region=region)
    aws.faults(
        [
            {
                "action": "ListTargetsByRule",
                "account": member,
                "status": 400,
                "code": "AccessDeniedException",
            }
        ]
    )

    status, lines = _org_doctor(monkeypatch, capsys)

    assert status == 0, lines
    [(index, line)] = _lines(lines, "live events", "–")
    assert line.endswith(
        f"events:ListTargetsByRule denied for arn:aws:iam::{member}:role/port-reader "
        f"in {OTHER}, {HOME}"
    )
    assert "grant events:ListTargetsByRule" in lines[index + 1]


# -- the templates ---------------------------------------------------------------------------

LIVE = {
    "PortOrgId": "org_1234567890",
    "OrganizationalUnitIds": "r-ab12",
    "EnableLiveEvents": "true",
    "LiveEventsWebhookUrl": "https://port-aws.example.com/integration/webhook",
    "LiveEventsApiKey": KEY,
    "OrganizationId": "o-abcdefghij",
}


def test_live_events_regions_deploy_the_region_template_in_member_accounts() -> None:
    stack = Stack(load(policy.MULTI), {**LIVE, "LiveEventsRegions": "eu-west-1,ap-southeast-2"})
    assert stack.rule_failures() == []
    regions = stack.properties("MemberLiveEventsRegions")
    members = stack.properties("MemberRoles")
    assert regions["PermissionModel"] == "SERVICE_MANAGED"
    assert regions["AutoDeployment"] == {"Enabled": True, "RetainStacksOnAccountRemoval": False}
    assert regions["Capabilities"] == ["CAPABILITY_IAM"]
    [group] = regions["StackInstancesGroup"]
    assert group["Regions"] == ["eu-west-1", "ap-southeast-2"]
    assert group["DeploymentTargets"] == members["StackInstancesGroup"][0]["DeploymentTargets"]
    passed = {p["ParameterKey"]: p["ParameterValue"] for p in regions["Parameters"]}
    assert passed == {
        "IntegrationIdentifier": "aws-hosted-by-port",
        "LiveEventsBusArn": "<LiveEventsBus.Arn>",
    }
    body = regions["TemplateBody"]
    assert json.dumps(loads(body), sort_keys=True, default=str) == json.dumps(
        load(policy.REGION), sort_keys=True, default=str
    )
    assert len(body.encode()) <= 51_200  # CloudFormation's TemplateBody limit
    # each member account's further region forwards to the organization bus
    member = Stack(loads(body), passed, region="eu-west-1", account="210987654321")
    assert "LiveEventsForwardRule1" in member.resources()
    assert member.properties("LiveEventsForwardRule1")["Targets"][0]["Arn"] == (
        "<LiveEventsBus.Arn>"
    )


@pytest.mark.parametrize(
    ("given", "failure"),
    [
        ({"LiveEventsRegions": "eu-west-1,us-east-1"}, "the stack's own region is covered"),
        (
            {"EnableLiveEvents": "false", "LiveEventsRegions": "eu-west-1"},
            "LiveEventsRegions needs EnableLiveEvents=true",
        ),
    ],
)
def test_live_events_regions_are_checked(given: dict[str, str], failure: str) -> None:
    params = {**LIVE, **given}
    if params["EnableLiveEvents"] == "false":
        params = {k: v for k, v in params.items() if not k.startswith("LiveEventsW")}
        params.pop("LiveEventsApiKey")
    [found] = Stack(load(policy.MULTI), params).rule_failures()
    assert failure in found


def test_no_second_stack_set_without_further_regions_or_live_events() -> None:
    assert "MemberLiveEventsRegions" not in Stack(load(policy.MULTI), LIVE).resources()
    off = Stack(
        load(policy.MULTI), {"PortOrgId": "org_1234567890", "OrganizationalUnitIds": "r-ab12"}
    )
    assert off.rule_failures() == []
    assert "MemberLiveEventsRegions" not in off.resources()


def test_a_stale_region_template_makes_the_multi_account_template_stale(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    region = tmp_path / "live-events-region.yaml"
    text = policy.REGION.read_text()
    name = '"CreateQueue", '
    assert name in text
    region.write_text(text.replace(name, "", 1))
    monkeypatch.setattr(policy, "REGION", region)
    assert policy.MULTI in policy.stale_templates()


def test_eventbridges_own_events_count_among_the_declared_ones(
    aws: Emulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without the "Tag Change on Resource" rule, tags changed by any caller would wait for
    the next resync."""
    aws.list_regions([HOME])
    tag_rule = next(p for p in rule_patterns() if p["source"] == ["aws.tag"])
    _rules(aws, _destination(aws), patterns=[p for p in rule_patterns() if p != tag_rule])

    status, lines = _doctor(monkeypatch, capsys, SINGLE)

    assert status == 1, lines
    [(index, line)] = _lines(lines, "live events", "✗")
    services = tag_rule["detail"]["service"]
    assert f"miss {len(services)} events" in line
    assert f"{services[0]}:Tag Change on Resource" in line
    assert "update the stack from the current templates" in lines[index + 1]


MULTI_LINK = [
    "quick-create",
    "--port-org-id",
    "org_1234567890",
    "--template-url",
    "https://s3.amazonaws.com/port-templates/aws/multi-account.yaml",
    "--param",
    "OIDCIssuerURL=https://oidc.getport.io/org_1",
    "--param",
    "OrganizationalUnitIds=r-ab12",
    "--region",
    "eu-west-1",
]
LIVE_LINK = [
    "--param",
    "EnableLiveEvents=true",
    "--param",
    "LiveEventsWebhookUrl=https://port-aws.getport.io/integration/webhook",
    "--param",
    "OrganizationId=o-abcdefghij",
]


@pytest.mark.parametrize(
    ("extra", "error"),
    [
        ([], ""),
        ([*LIVE_LINK, "--param", "LiveEventsRegions=us-east-1,ap-southeast-2"], ""),
        (
            [*LIVE_LINK, "--param", "LiveEventsRegions=us-east-1,eu-west-1"],
            "rule LiveEventsRegionsBesidesTheStack: LiveEventsRegions lists further regions only",
        ),
        (
            ["--param", "LiveEventsRegions=us-east-1"],
            "rule LiveEventsRegionsBesidesTheStack: LiveEventsRegions needs EnableLiveEvents=true",
        ),
    ],
    ids=["off", "further-regions", "the-stacks-region", "without-live-events"],
)
def test_quick_create_checks_live_events_regions_as_a_list(
    capsys: pytest.CaptureFixture[str], extra: list[str], error: str
) -> None:
    status = main([*MULTI_LINK, *extra])
    captured = capsys.readouterr()
    assert status == (2 if error else 0), captured.err
    assert error in captured.err


def test_test_events_are_bounded_and_the_line_says_what_was_left(
    aws: Emulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from port_aws.commands.doctor import live as doctor_live

    monkeypatch.setattr(doctor_live, "MAX_TEST_EVENTS", 3)
    aws.list_regions([HOME])
    _rules(aws, _destination(aws))

    status, lines = _doctor(monkeypatch, capsys, SINGLE)

    assert status == 0, lines
    assert aws.count("events", "TestEventPattern") == 3
    [(_, line)] = _lines(lines, "live events test", "✔")
    assert "(3 events, 7 patterns; " in line and "more not tried (at most 3 a run)" in line
