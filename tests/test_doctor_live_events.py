"""``doctor`` checks the EventBridge rule of live events when liveEventsApiKey is set."""

import json
import re

import pytest

from port_aws.live.rules import event_patterns, rule_patterns
from tests.rig import STATIC, Emulator, webhook_destination
from tests.test_doctor import _doctor

REGION = "eu-west-1"
KEY = {**STATIC, "live_events_api_key": "k3y-0f-at-least-16-chars"}


def _install(
    aws: Emulator,
    endpoint: str = "https://port.example.com/integration/webhook",
    state: str = "ENABLED",
    patterns: list[dict[str, object]] | None = None,
) -> None:
    """What the template creates with EnableLiveEvents=true, through the EventBridge API."""
    events = aws.client("events", REGION)
    destination = webhook_destination(events, endpoint)
    for number, pattern in enumerate(patterns or rule_patterns(), start=1):
        name = f"port-live-events-{number}"
        events.put_rule(Name=name, EventPattern=json.dumps(pattern), State=state)
        events.put_targets(
            Rule=name,
            Targets=[
                {
                    "Id": "port-webhook",
                    "Arn": destination,
                    "RoleArn": "arn:aws:iam::123456789012:role/port-live-events-invoke",
                }
            ],
        )


def _live_line(lines: list[str], mark: str = "") -> tuple[int, str]:
    """The one line of the check named "live events" (the rules to the webhook)."""
    [(index, line)] = [
        (i, line)
        for i, line in enumerate(lines)
        if re.match(r"^. live events\s\s", line) and line.startswith(mark)
    ]
    return index, line


def test_installed_rule_passes(
    aws: Emulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    aws.list_regions([REGION])
    _install(aws)
    status, lines = _doctor(monkeypatch, capsys, KEY)
    assert status == 0, lines
    _, line = _live_line(lines)
    assert line.startswith("✔") and "port-live-events-1 (eu-west-1)" in line
    assert "every declared event" in line


def test_no_check_without_the_key(
    aws: Emulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    aws.list_regions([REGION])
    status, lines = _doctor(monkeypatch, capsys, STATIC)
    assert status == 0 and not [line for line in lines if "live events" in line]


@pytest.mark.parametrize(
    ("install", "expected", "fix"),
    [
        (None, "no EventBridge rule for CloudTrail events", "EnableLiveEvents=true"),
        ({"state": "DISABLED"}, "are DISABLED", "aws events enable-rule --name port-live-events-1"),
        (
            {"endpoint": "https://port.example.com/hooks"},
            "no CloudTrail rule sends to an API destination ending in /integration/webhook",
            "LiveEventsWebhookUrl=https://",
        ),
        (
            {
                "patterns": [
                    {
                        **event_patterns()[0],
                        "detail": {
                            "eventSource": ["sqs.amazonaws.com"],
                            "eventName": ["CreateQueue"],
                        },
                    }
                ]
            },
            "miss",
            "update the stack from the current templates",
        ),
    ],
    ids=["missing", "disabled", "wrong-endpoint", "stale-pattern"],
)
def test_wrong_installations_fail_with_the_fix(
    aws: Emulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    install: dict[str, object] | None,
    expected: str,
    fix: str,
) -> None:
    aws.list_regions([REGION])
    if install is not None:
        _install(aws, **install)  # type: ignore[arg-type]
    status, lines = _doctor(monkeypatch, capsys, KEY)
    assert status == 1, lines
    index, line = _live_line(lines)
    assert line.startswith("✗") and expected in line
    assert fix in lines[index + 1]


def test_a_denied_read_is_a_warning_with_the_fix(
    aws: Emulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    aws.list_regions([REGION])
    _install(aws)
    aws.faults([{"action": "ListTargetsByRule", "status": 400, "code": "AccessDeniedException"}])
    status, lines = _doctor(monkeypatch, capsys, KEY)
    assert status == 0, lines
    index, line = _live_line(lines)
    assert line.startswith("–") and "not checked: events:ListTargetsByRule denied" in line
    assert "grant events:ListTargetsByRule" in lines[index + 1]


def test_a_region_that_cannot_be_read_does_not_hide_the_rule_found_elsewhere(
    aws: Emulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    aws.list_regions(["us-east-1", REGION])
    _install(aws)
    aws.faults(
        [
            {
                "action": "ListRules",
                "region": "us-east-1",
                "status": 400,
                "code": "AccessDeniedException",
            }
        ]
    )
    status, lines = _doctor(monkeypatch, capsys, KEY)
    assert status == 0, lines
    _, line = _live_line(lines, "✔")
    assert "(eu-west-1)" in line
    _, warning = _live_line(lines, "–")
    assert "events:ListRules denied" in warning and "us-east-1" in warning
