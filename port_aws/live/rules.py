"""EventBridge rules of live events, generated from the kinds' ``live_events`` declarations.

Every kind that declares live events contributes its event source (``sqs.amazonaws.com``) and
the names of the calls that create, change or delete one of its resources. They become event
patterns on "AWS API Call via CloudTrail" events, packed into as few patterns as EventBridge's
pattern size quota allows (2048 characters by default; raised to 4096 only on request, so the
default is the limit here). ``make policy`` writes the rules into the templates between marker
comments, like the IAM policy (see port_aws/commands/policy.py), and a test fails when they are stale.
"""

import json
from collections.abc import Iterable
from typing import Any

from port_aws.catalog import RESOURCE_TYPES
from port_aws.catalog.model import TAG_CHANGE

CLOUDTRAIL_DETAIL_TYPE = "AWS API Call via CloudTrail"
PATTERN_LIMIT = 2048
"""EventBridge's default quota on an event pattern's size, in characters."""
WEBHOOK_SUFFIX = "/integration/webhook"
"""Ocean's route for webhook processors; the API destination's endpoint ends with it."""


def bus_source(event_source: str) -> str:
    """The event's ``source`` on the bus for a CloudTrail ``eventSource`` host:
    ``sqs.amazonaws.com`` is ``aws.sqs`` (the form the webhook processor accepts)."""
    return "aws." + event_source.split(".")[0]


def declared_events() -> dict[str, list[str]]:
    """Event source -> sorted event names of every kind that declares live events."""
    names: dict[str, set[str]] = {}
    for rt in RESOURCE_TYPES.values():
        live = rt.live_events
        if live is not None:
            names.setdefault(live.source, set()).update(live.upserts, live.deletes)
    return {source: sorted(names[source]) for source in sorted(names)}


def pattern(events: Iterable[tuple[str, Iterable[str]]]) -> dict[str, Any]:
    """One pattern matching the successful calls named, of the sources named."""
    pairs = [(source, list(names)) for source, names in events]
    sources = sorted({source for source, _ in pairs})
    return {
        "source": sorted({bus_source(s) for s in sources}),
        "detail-type": [CLOUDTRAIL_DETAIL_TYPE],
        "detail": {
            "eventSource": sources,
            "eventName": sorted({name for _, names in pairs for name in names}),
            "errorCode": [{"exists": False}],
        },
    }


def pattern_size(value: dict[str, Any]) -> int:
    """Characters of the pattern as JSON with spaces after separators (what the console and
    CloudFormation show; compact JSON is shorter, so this errs on the safe side)."""
    return len(json.dumps(value))


def event_patterns(limit: int = PATTERN_LIMIT) -> list[dict[str, Any]]:
    """The fewest patterns (within ``limit`` each) that together match every declared event.

    Sources are packed in order, a source's names split in halves while one pattern cannot
    hold them. A pattern may match a name of one source on another source's events; the
    webhook processor ignores such an event (no kind declares it)."""
    pieces: list[tuple[str, list[str]]] = []
    for source, names in declared_events().items():
        pending = [names]
        while pending:
            chunk = pending.pop(0)
            if pattern_size(pattern([(source, chunk)])) <= limit or len(chunk) == 1:
                pieces.append((source, chunk))
            else:
                half = len(chunk) // 2
                pending[:0] = [chunk[:half], chunk[half:]]
    packed: list[list[tuple[str, list[str]]]] = []
    for piece in pieces:
        if packed and pattern_size(pattern([*packed[-1], piece])) <= limit:
            packed[-1].append(piece)
        else:
            packed.append([piece])
    patterns = [pattern(group) for group in packed]
    for found in patterns:
        if pattern_size(found) > limit:
            raise ValueError(
                f"an event pattern of {pattern_size(found)} characters exceeds {limit}"
            )
    return patterns


def native_patterns() -> list[dict[str, Any]]:
    """Patterns of EventBridge's own events the kinds declare (``LiveEvents.native``): tag
    changes (source ``aws.tag``, one pattern naming the services) and each other detail-type
    of its service (``aws.ec2`` for instance state changes)."""
    by_type: dict[str, set[str]] = {}
    for rt in RESOURCE_TYPES.values():
        live = rt.live_events
        if live is not None:
            for detail_type in live.native:
                by_type.setdefault(detail_type, set()).add(live.source.split(".")[0])
    patterns: list[dict[str, Any]] = []
    for detail_type, services in sorted(by_type.items()):
        if detail_type == TAG_CHANGE:
            patterns.append(
                {
                    "source": ["aws.tag"],
                    "detail-type": [detail_type],
                    "detail": {"service": sorted(services)},
                }
            )
        else:
            patterns.append(
                {"source": sorted(f"aws.{s}" for s in services), "detail-type": [detail_type]}
            )
    return patterns


def rule_patterns() -> list[dict[str, Any]]:
    """Every rule's pattern: the CloudTrail calls, then the native events."""
    return [*event_patterns(), *native_patterns()]


# -- template blocks (see port_aws.commands.policy.BLOCKS) -------------------------------------------


def _yaml_value(value: Any, indent: str) -> list[str]:
    """``value`` (a pattern) as block YAML whose lists are JSON flow sequences wrapped to stay
    within 100 columns (the templates' size matters: the StackSet embeds the member one)."""
    lines: list[str] = []
    for key, item in value.items():
        if isinstance(item, dict):
            lines.append(f"{indent}{key}:")
            lines += _yaml_value(item, indent + "  ")
            continue
        elements = [json.dumps(element) for element in item]
        line = f"{indent}{key}: [{', '.join(elements)}]"
        if len(line) <= 100:
            lines.append(line)
            continue
        lines.append(f"{indent}{key}: [")
        current = indent + "  "
        for element in elements:
            if current.strip() and len(current) + len(element) + 1 > 100:
                lines.append(current.rstrip())
                current = indent + "  "
            current += element + ", "
        lines.append(current.rstrip().rstrip(","))
        lines.append(f"{indent}]")
    return lines


def _rule_lines(
    prefix: str, condition: str, description: str, bus: str, target: list[str]
) -> list[str]:
    lines: list[str] = []
    patterns = rule_patterns()
    for number, found in enumerate(patterns, start=1):
        if lines:
            lines.append("")
        lines += [
            f"{prefix}{number}:",
            "  Type: AWS::Events::Rule",
            f"  Condition: {condition}",
            "  Properties:",
            f"    Description: {description} ({number} of {len(patterns)})",
            f"    EventBusName: {bus}",
            "    State: ENABLED",
            "    EventPattern:",
            *_yaml_value(found, "      "),
            "    Targets:",
            *(f"      {line}" for line in target),
        ]
    return lines


_TO_DESTINATION = [
    "- Id: port-webhook",
    "  Arn: !GetAtt LiveEventsDestination.Arn",
    "  RoleArn: !GetAtt LiveEventsInvokeRole.Arn",
    "  RetryPolicy: {MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 3600}",
]


def destination_rule_lines() -> list[str]:
    """Rules on the default bus that send the events to the webhook's API destination."""
    return _rule_lines(
        "LiveEventsRule",
        "LiveEvents",
        "CloudTrail events of the integration's kinds, to its webhook",
        "default",
        _TO_DESTINATION,
    )


def bus_rule_lines() -> list[str]:
    """Rules on the management account's live-events bus (events member accounts forward)
    that send them to the webhook's API destination."""
    return _rule_lines(
        "LiveEventsBusRule",
        "LiveEvents",
        "CloudTrail events forwarded by member accounts, to the integration's webhook",
        "!Ref LiveEventsBus",
        _TO_DESTINATION,
    )


def forward_rule_lines() -> list[str]:
    """Rules on a member account's default bus that forward the events to the management
    account's live-events bus."""
    return _rule_lines(
        "LiveEventsForwardRule",
        "ForwardLiveEvents",
        "CloudTrail events of the integration's kinds, forwarded to LiveEventsBusArn",
        "default",
        [
            "- Id: port-live-events-bus",
            "  Arn: !Ref LiveEventsBusArn",
            "  RoleArn: !GetAtt LiveEventsForwardRole.Arn",
        ],
    )
