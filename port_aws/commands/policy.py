"""The installation's IAM permissions and live-event rules, generated from the kind catalog and
kept in the templates.

``required_actions()`` of the catalog is the single source: it becomes a read-only policy, one
statement per service, written into the CloudFormation templates between marker comments::

    # BEGIN GENERATED read-only-policy (make policy)
    ...
    # END GENERATED read-only-policy

``make policy`` (``python -m port_aws.commands.policy``) rewrites every block; ``--check`` only reports
the templates that differ, which a test runs so the templates never drift from the catalog.
The multi-account template also embeds the member template as its StackSet's TemplateBody, and
the live-events template of further regions as its second StackSet's.
The EventBridge rules of live events (port_aws/live/rules.py) are generated blocks too.
"""

import argparse
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from port_aws.catalog import RESOURCE_TYPES, required_actions
from port_aws.live.rules import bus_rule_lines, destination_rule_lines, forward_rule_lines

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "cloudformation"
SINGLE = TEMPLATES / "single-account.yaml"
MEMBER = TEMPLATES / "member-account.yaml"
MULTI = TEMPLATES / "multi-account.yaml"
REGION = TEMPLATES / "live-events-region.yaml"
"""Live events of a further region: forwarding rules only (no integration role)."""

MANAGED_POLICY_LIMIT = 6144
"""IAM's size limit of a managed policy document, in characters without whitespace."""

ORGANIZATIONS_ACTIONS = (
    "organizations:DescribeAccount",
    "organizations:DescribeOrganization",
    "organizations:DescribeOrganizationalUnit",
    "organizations:ListAccounts",
    "organizations:ListAccountsForParent",
    "organizations:ListChildren",
    "organizations:ListOrganizationalUnitsForParent",
    "organizations:ListParents",
    "organizations:ListRoots",
    "organizations:ListTagsForResource",
)
"""Read-only Organizations calls of the management (or delegated administrator) role:
account discovery, the OU ids check of ``doctor``, and account tags."""

DATA_PLANE_ACTIONS = frozenset(
    {
        "athena:GetQueryResults",
        "codecommit:GetBlob",
        "codecommit:GetFile",
        "codecommit:GetFolder",
        "dynamodb:BatchGetItem",
        "dynamodb:GetItem",
        "dynamodb:GetRecords",
        "dynamodb:PartiQLSelect",
        "dynamodb:Query",
        "dynamodb:Scan",
        "ec2:GetConsoleOutput",
        "ec2:GetConsoleScreenshot",
        "ec2:GetPasswordData",
        "ecr:BatchGetImage",
        "ecr:GetDownloadUrlForLayer",
        "glacier:GetJobOutput",
        "kinesis:GetRecords",
        "kms:Decrypt",
        "kms:GenerateDataKey",
        "lambda:InvokeFunction",
        "logs:FilterLogEvents",
        "logs:GetLogEvents",
        "logs:GetQueryResults",
        "logs:StartQuery",
        "rds-data:ExecuteStatement",
        "s3:GetObject",
        "s3:GetObjectAcl",
        "s3:GetObjectAttributes",
        "s3:GetObjectTorrent",
        "s3:GetObjectVersion",
        "secretsmanager:BatchGetSecretValue",
        "secretsmanager:GetSecretValue",
        "sqs:ReceiveMessage",
        "ssm:GetParameter",
        "ssm:GetParameterHistory",
        "ssm:GetParameters",
        "ssm:GetParametersByPath",
    }
)
"""Actions that read data rather than describe resources: never in a generated policy."""

_READ_ACTION = (
    r"(?![a-z0-9-]+:(Get(Object|SecretValue|Parameter|Record|Item|QueryResults|LogEvents"
    r"|LogRecord|PasswordData|Console|Blob|File|Folder|DownloadUrlForLayer|JobOutput)"
    r"|Get[A-Za-z0-9]*(Token|Credentials|AccessDetails|MasterUserPassword)))"
    r"[a-z0-9-]+:(Describe|List|Get)[A-Za-z0-9]*"
)
"""One read action: not a data-plane read, nor a call that hands out tokens, credentials or
passwords (``sts:GetSessionToken``, ``ecr:GetAuthorizationToken``,
``redshift:GetClusterCredentials``)."""
EXTRA_READ_PATTERN = rf"^({_READ_ACTION}(,{_READ_ACTION})*)?$"
"""The templates' ExtraReadActions parameter: comma-separated ``service:Describe*``,
``List*`` or ``Get*`` actions (generic kinds' read handlers need them), no wildcards, no write
and no data-plane reads."""


APIGATEWAY_READ = "apigateway:GET"
"""API Gateway authorizes by HTTP method on resource paths: one action for every read."""
API_ID_LENGTH = 10
"""API Gateway's API ids (REST, HTTP and WebSocket APIs) are 10 characters long."""
TEMPLATE_PARTITION = "${AWS::Partition}"
"""The partition in the templates' ARNs (a ``!Sub``)."""


def apigateway_read_paths() -> list[str]:
    """The API Gateway resource paths the kinds read: each kind's collection (``/restapis``,
    ``/apis``: the list calls) and one API of it (the live events' read of one API), taken
    from the ARN templates of the kinds that need ``apigateway:GET``.

    IAM's ``*`` matches across ``/``: ``/restapis/*`` would also allow
    ``/restapis/<id>/stages/<stage>/exports/<type>`` (an API's whole definition) and
    ``/restapis/<id>/stages/<stage>/sdks/<type>``. One API is written with one ``?`` per
    character of its id, which matches no deeper path of a real API; API keys (``/apikeys``)
    and usage plans are never named."""
    paths: set[str] = set()
    for rt in RESOURCE_TYPES.values():
        if APIGATEWAY_READ not in rt.all_permissions:
            continue
        found = re.fullmatch(
            r"arn:\{partition\}:apigateway:\{region\}::(/[a-z]+)/\{\w+\}", rt.arn or ""
        )
        if found is None:
            raise ValueError(f"{rt.kind}: expected an API Gateway ARN template, got {rt.arn!r}")
        paths |= {found[1], f"{found[1]}/{'?' * API_ID_LENGTH}"}
    return sorted(paths)


def scoped_resources(partition: str = "aws") -> dict[str, list[str]]:
    """Actions granted on named resources rather than ``*``: API Gateway's reads."""
    return {
        APIGATEWAY_READ: [
            f"arn:{partition}:apigateway:*::{path}" for path in apigateway_read_paths()
        ]
    }


def statements(actions: Iterable[str], partition: str = "aws") -> list[dict[str, Any]]:
    """One Allow statement per service prefix, services and actions sorted, no wildcards; on
    ``*``, except the actions of ``scoped_resources`` (alone in their service's statement)."""
    by_service: dict[str, set[str]] = {}
    for action in actions:
        service, _, name = action.partition(":")
        if not service or not name or "*" in action:
            raise ValueError(f"expected a service:Action name without wildcards, got {action!r}")
        if action in DATA_PLANE_ACTIONS:
            raise ValueError(f"{action} reads data-plane content and is never granted")
        by_service.setdefault(service, set()).add(action)
    scoped = scoped_resources(partition)
    found = []
    for service in sorted(by_service):
        granted = sorted(by_service[service])
        resources: str | list[str] = "*"
        if set(granted) & set(scoped):
            if len(granted) != 1:
                raise ValueError(f"{service}: a scoped action shares its statement: {granted}")
            resources = scoped[granted[0]]
        found.append(
            {
                "Sid": "Read"
                + "".join(part.capitalize() for part in re.split(r"[^a-z0-9]+", service)),
                "Effect": "Allow",
                "Action": granted,
                "Resource": resources,
            }
        )
    return found


def document(actions: Iterable[str], partition: str = "aws") -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": statements(actions, partition)}


def read_only_document(partition: str = "aws") -> dict[str, Any]:
    """The policy every integration role gets: what the catalog's kinds call (ARNs in
    ``partition``; the templates write ``TEMPLATE_PARTITION``)."""
    return document(required_actions(), partition)


def organizations_document() -> dict[str, Any]:
    return document(ORGANIZATIONS_ACTIONS)


def policy_size(policy: dict[str, Any]) -> int:
    """Characters IAM counts against the managed policy limit (JSON without whitespace)."""
    import json

    return len(json.dumps(policy, separators=(",", ":")))


def _statement_lines(policy: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    for statement in policy["Statement"]:
        lines += [f"- Sid: {statement['Sid']}", "  Effect: Allow", "  Action:"]
        lines += [f"    - {action}" for action in statement["Action"]]
        if statement["Resource"] == "*":
            lines.append('  Resource: "*"')
        else:
            lines += ["  Resource:", *(f'    - !Sub "{arn}"' for arn in statement["Resource"])]
    return lines


LIVE_CHECK_STATEMENTS: tuple[tuple[str, str, str], ...] = (
    ("ReadLiveEventTargets", "events:ListTargetsByRule", "rule/*"),
    ("ReadLiveEventDestination", "events:DescribeApiDestination", "api-destination/*"),
    ("TestLiveEventPatterns", "events:TestEventPattern", ""),
)
"""What ``doctor`` reads of live events beyond the read-only policy (which has events:ListRules
and events:ListEventBuses): (Sid, action, resource in the account, "" for an action that takes
no resource). Configuration only, never an event."""
MEMBER_LIVE_CHECK_ACTIONS = ("events:ListTargetsByRule",)
"""The part of LIVE_CHECK_STATEMENTS a member account's role needs: its forwarding rules'
targets (no API destination, and the patterns are tried from the integration's account)."""


def live_check_actions(member: bool = False) -> list[str]:
    return [
        action
        for _, action, _ in LIVE_CHECK_STATEMENTS
        if not member or action in MEMBER_LIVE_CHECK_ACTIONS
    ]


def _live_check_lines(member: bool = False) -> list[str]:
    lines: list[str] = []
    for sid, action, resource in LIVE_CHECK_STATEMENTS:
        if action not in live_check_actions(member):
            continue
        where = (
            f'!Sub "arn:${{AWS::Partition}}:events:*:${{AWS::AccountId}}:{resource}"'
            if resource
            else '"*"'
        )
        lines += [f"- Sid: {sid}", "  Effect: Allow", f"  Action: {action}", f"  Resource: {where}"]
    return lines


def _embedded_lines(path: Path) -> list[str]:
    """A template as a StackSet's TemplateBody, without its comment lines."""
    body = [
        line.rstrip()
        for line in path.read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    return ["TemplateBody: |", *(f"  {line}" for line in body)]


BLOCKS: dict[str, Callable[[], list[str]]] = {
    "read-only-policy": lambda: _statement_lines(read_only_document(TEMPLATE_PARTITION)),
    "organizations-policy": lambda: _statement_lines(organizations_document()),
    "member-template": lambda: _embedded_lines(MEMBER),
    "live-events-region-template": lambda: _embedded_lines(REGION),
    "live-event-check-policy": _live_check_lines,
    "live-event-member-check-policy": lambda: _live_check_lines(member=True),
    "live-event-rules": destination_rule_lines,
    "live-event-bus-rules": bus_rule_lines,
    "live-event-forward-rules": forward_rule_lines,
}

_BEGIN = re.compile(r"^(?P<indent> *)# BEGIN GENERATED (?P<name>[a-z-]+)\b.*$")


def regenerate(text: str) -> str:
    """``text`` with every marked block replaced by what the generator produces now."""
    lines = text.splitlines()
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        out.append(line)
        index += 1
        match = _BEGIN.match(line)
        if not match:
            continue
        name, indent = match["name"], match["indent"]
        if name not in BLOCKS:
            raise ValueError(f"unknown generated block {name!r}; known: {', '.join(BLOCKS)}")
        end = f"{indent}# END GENERATED {name}"
        while index < len(lines) and lines[index].rstrip() != end:
            index += 1
        if index == len(lines):
            raise ValueError(f"block {name!r} has no closing line {end.strip()!r}")
        out += [f"{indent}{generated}" if generated else "" for generated in BLOCKS[name]()]
    return "\n".join(out) + "\n"


def template_paths() -> list[Path]:
    """In dependency order: the member template is embedded in the multi-account one."""
    return [SINGLE, MEMBER, MULTI]


def generated_paths() -> list[Path]:
    """Every template with generated blocks: the installation templates and the live-events
    template of further regions."""
    return [SINGLE, MEMBER, REGION, MULTI]


def stale_templates() -> list[Path]:
    """Templates whose generated blocks differ from what the catalog gives now."""
    stale = []
    for path in generated_paths():
        text = path.read_text()
        if path == MULTI and any(
            regenerate(embedded.read_text()) != embedded.read_text()
            for embedded in (MEMBER, REGION)
        ):
            # an embedded template is itself stale: so is its copy in the multi-account one
            stale.append(path)
            continue
        if regenerate(text) != text:
            stale.append(path)
    return stale


def write_templates() -> list[Path]:
    changed = []
    for path in generated_paths():
        text = path.read_text()
        new = regenerate(text)
        if new != text:
            path.write_text(new)
            changed.append(path)
    return changed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m port_aws.commands.policy",
        description=(
            "Regenerate the IAM permissions and live-event rules in cloudformation/*.yaml from "
            "the kind catalog."
        ),
    )
    parser.add_argument(
        "--check", action="store_true", help="only report stale templates (exit status 1)"
    )
    args = parser.parse_args(argv)
    size = policy_size(read_only_document(TEMPLATE_PARTITION))  # the longest partition name
    if size > MANAGED_POLICY_LIMIT:
        print(
            f"the generated policy has {size} characters, over IAM's managed policy limit of "
            f"{MANAGED_POLICY_LIMIT}: split it into several managed policies",
            file=sys.stderr,
        )
        return 1
    if args.check:
        stale = stale_templates()
        for path in stale:
            print(f"{path.relative_to(ROOT)} is stale: run `make policy`", file=sys.stderr)
        return 1 if stale else 0
    for path in write_templates():
        print(f"updated {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
