"""The CloudFormation templates: lint, generated permissions, and every parameter combination."""

import json
import re
import warnings
from pathlib import Path
from typing import Any

import pytest
from cfnlint.api import ManualArgs, lint_file

from port_aws.catalog import RESOURCE_TYPES, required_actions
from port_aws.commands import policy
from port_aws.live import rules as live_rules
from tests.cfn_eval import Stack, combinations, load, loads

TEMPLATES = [policy.SINGLE, policy.MEMBER, policy.MULTI]
PARTITIONS = {"aws": "us-east-1", "aws-us-gov": "us-gov-west-1", "aws-cn": "cn-north-1"}
ISSUER = "https://oidc.example.com/tenants/abc"
ISSUER_PATH = "oidc.example.com/tenants/abc"
ORG_ID = "org_Ab12Cd34Ef"
"""A Port organization id as Port shows it."""


def _stack(template: dict[str, Any], params: dict[str, str] | None = None, **where: str) -> Stack:
    """A stack of ``template`` with ``params`` and, when the template asks for it and it is not
    given, ``ORG_ID`` as PortOrgId."""
    given = dict(params or {})
    if "PortOrgId" in template["Parameters"]:
        given.setdefault("PortOrgId", ORG_ID)
    return Stack(template, given, **where)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_cfn_lint_passes_in_every_partition(path: Path) -> None:
    matches = lint_file(path, ManualArgs(regions=list(PARTITIONS.values())))
    assert [str(m) for m in matches] == []


def test_committed_templates_match_the_catalog() -> None:
    assert policy.stale_templates() == [], "run `make policy`"
    assert policy.main(["--check"]) == 0


def test_policy_block_is_regenerated_from_the_catalog() -> None:
    text = policy.SINGLE.read_text()
    emptied = policy.regenerate(text).replace("- ecs:ListClusters\n", "")
    assert "ecs:ListClusters" not in emptied
    assert policy.regenerate(emptied) == text


def _statements(template: dict[str, Any], logical: str) -> list[dict[str, Any]]:
    return list(template["Resources"][logical]["Properties"]["PolicyDocument"]["Statement"])


def _actions(statements: list[dict[str, Any]]) -> list[str]:
    return [a for s in statements for a in s["Action"]]


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_template_grants_exactly_the_catalog_actions_read_only(path: Path) -> None:
    statements = _statements(load(path), "ReadOnlyPolicy")
    actions = _actions(statements)
    assert sorted(actions) == required_actions()
    assert not set(actions) & policy.DATA_PLANE_ACTIONS
    assert all("*" not in a for a in actions)
    assert all(s["Effect"] == "Allow" for s in statements)
    scoped = policy.scoped_resources(policy.TEMPLATE_PARTITION)
    for statement in statements:
        [action, *others] = statement["Action"]
        if action in scoped:
            assert others == []
            assert statement["Resource"] == [{"Fn::Sub": arn} for arn in scoped[action]]
        else:
            assert statement["Resource"] == "*"
    sids = [s["Sid"] for s in statements]
    assert sids == sorted(sids) and len(set(sids)) == len(sids)


def test_no_data_plane_action_in_any_generated_policy() -> None:
    for document in (policy.read_only_document(), policy.organizations_document()):
        actions = {a for s in document["Statement"] for a in s["Action"]}
        assert not actions & policy.DATA_PLANE_ACTIONS
    for action in ("s3:GetObject", "dynamodb:Scan", "secretsmanager:GetSecretValue", "kms:Decrypt"):
        assert action in policy.DATA_PLANE_ACTIONS
        with pytest.raises(ValueError, match="data-plane"):
            policy.statements([action])
    with pytest.raises(ValueError, match="wildcards"):
        policy.statements(["s3:Get*"])


def _iam_matches(pattern: str, arn: str) -> bool:
    """IAM's resource matching: each colon-separated part of the ARN on its own (the last, the
    resource, may hold colons), ``*`` any characters (``/`` included), ``?`` exactly one."""
    patterns, parts = pattern.split(":", 5), arn.split(":", 5)
    return pattern == "*" or (
        len(patterns) == len(parts)
        and all(
            re.fullmatch(
                "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in p), a
            )
            for p, a in zip(patterns, parts, strict=True)
        )
    )


def _apigateway_granted(partition: str, path: str, region: str = "eu-west-1") -> bool:
    document = policy.read_only_document(partition)
    arn = f"arn:{partition}:apigateway:{region}::{path}"
    return any(
        "apigateway:GET" in s["Action"]
        and any(
            _iam_matches(r, arn)
            for r in ([s["Resource"]] if s["Resource"] == "*" else s["Resource"])
        )
        for s in document["Statement"]
    )


API_ID = "a1b2c3d4e5"
"""An API Gateway API id: 10 characters, as API Gateway gives them."""


@pytest.mark.parametrize("partition", PARTITIONS)
def test_apigateway_reads_only_the_paths_the_kinds_call(partition: str) -> None:
    """``apigateway:GET`` on ``*`` let the role read API key values and API exports. The
    generated policy grants the request paths of the calls the API Gateway kinds make
    (botocore's request URIs; HTTP APIs' ``/v2`` is not part of the IAM resource) and none of
    the key, export or SDK paths."""
    from botocore.session import get_session

    session = get_session()
    called = [
        ("apigateway", "GetRestApis"),
        ("apigateway", "GetRestApi"),
        ("apigatewayv2", "GetApis"),
        ("apigatewayv2", "GetApi"),
    ]
    for service, operation in called:
        uri = session.get_service_model(service).operation_model(operation).http["requestUri"]
        path = re.sub(r"\{[^}]+\}", API_ID, uri.removeprefix("/v2"))
        assert _apigateway_granted(partition, path), (operation, path)
    kinds = [rt for rt in RESOURCE_TYPES.values() if "apigateway:GET" in rt.all_permissions]
    assert {rt.kind for rt in kinds} == {"AWS::ApiGateway::RestApi", "AWS::ApiGatewayV2::Api"}
    refused = [
        "/apikeys",
        f"/apikeys/{API_ID}",
        f"/restapis/{API_ID}/stages/prod/exports/swagger",
        f"/restapis/{API_ID}/stages/prod/exports/oas30",
        f"/restapis/{API_ID}/stages/prod/sdks/javascript",
        f"/restapis/{API_ID}/exports",
        f"/restapis/{API_ID}/resources",
        f"/apis/{API_ID}/exports/OAS30",
        f"/apis/{API_ID}/stages",
        "/usageplans",
        f"/usageplans/{API_ID}/keys",
        "/clientcertificates",
        "/domainnames",
        f"/tags/arn:aws:apigateway:eu-west-1::/restapis/{API_ID}",
    ]
    for path in refused:
        assert not _apigateway_granted(partition, path), path
    # and the statement is what the templates carry, for the kinds of the catalog only
    assert policy.apigateway_read_paths() == [
        "/apis",
        "/apis/??????????",
        "/restapis",
        "/restapis/??????????",
    ]


def test_policies_pass_the_policy_linter_and_fit_a_managed_policy() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import parliament

    for document in (policy.read_only_document("aws"), policy.organizations_document()):
        analyzed = parliament.analyze_policy_string(json.dumps(document))
        severe = [
            (f.issue, f.detail)
            for f in analyzed.findings
            if parliament.config.get(f.issue, {}).get("severity") in ("HIGH", "CRITICAL")
        ]
        assert severe == []
        unknown = [f.detail for f in analyzed.findings if f.issue == "UNKNOWN_ACTION"]
        assert unknown == []
        assert policy.policy_size(document) <= policy.MANAGED_POLICY_LIMIT


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_templates_name_no_fixed_partition(path: Path) -> None:
    text = path.read_text()
    assert "arn:aws:" not in text
    assert "${AWS::Partition}" in text


def _trust(stack: Stack) -> dict[str, Any]:
    document = stack.properties("IntegrationRole")["AssumeRolePolicyDocument"]
    return dict(json.loads(document))


ROLE_CHOICES = {
    "RoleName": ["", "port-reader"],
    "CreateOIDCProvider": ["true", "false"],
    "OIDCSubject": ["", "system:serviceaccount:port:integration"],
    "PermissionsPolicy": ["Generated", "ReadOnlyAccess"],
    "OIDCAudience": ["sts.amazonaws.com", "sts.amazonaws.com.cn"],
}


def _assert_role(stack: Stack, params: dict[str, str], partition: str) -> None:
    resources = stack.resources()
    create = params["CreateOIDCProvider"] == "true"
    assert ("OIDCProvider" in resources) is create
    [statement] = _trust(stack)["Statement"]
    provider = (
        "<OIDCProvider>"
        if create
        else f"arn:{partition}:iam::123456789012:oidc-provider/{ISSUER_PATH}"
    )
    assert statement == {
        "Effect": "Allow",
        "Principal": {"Federated": provider},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {
            "StringEquals": {
                f"{ISSUER_PATH}:aud": params["OIDCAudience"],
                f"{ISSUER_PATH}:sub": params["OIDCSubject"]
                or f"system:serviceaccount:org-{ORG_ID}-port-oidc-sa",
            }
        },
    }
    if create:
        assert stack.properties("OIDCProvider") == {
            "Url": ISSUER,
            "ClientIdList": [params["OIDCAudience"]],
            "Tags": [{"Key": "port:integration", "Value": "my-aws"}],
        }
    role = stack.properties("IntegrationRole")
    assert role["RoleName"] == (params.get("RoleName") or "PortIntegrationRole-my-aws")
    assert role["Tags"] == [{"Key": "port:integration", "Value": "my-aws"}]
    if params["PermissionsPolicy"] == "ReadOnlyAccess":
        assert "ReadOnlyPolicy" not in resources
        assert role["ManagedPolicyArns"] == [f"arn:{partition}:iam::aws:policy/ReadOnlyAccess"]
    else:
        assert "ManagedPolicyArns" not in role
        assert stack.properties("ReadOnlyPolicy")["Roles"] == ["<IntegrationRole>"]
    assert stack.outputs()["PortIntegrationRoleArn"] == "<IntegrationRole.Arn>"


@pytest.mark.parametrize("path", [policy.SINGLE, policy.MEMBER], ids=lambda p: p.name)
@pytest.mark.parametrize("partition", PARTITIONS)
def test_single_and_member_templates_for_every_parameter_combination(
    path: Path, partition: str
) -> None:
    template = load(path)
    for params in combinations(ROLE_CHOICES):
        given = {
            **params,
            "OIDCIssuerURL": ISSUER,
            "IntegrationIdentifier": "my-aws",
        }
        stack = _stack(template, given, partition=partition, region=PARTITIONS[partition])
        _assert_role(stack, given, partition)
        assert set(stack.resources().values()) <= {
            "AWS::IAM::OIDCProvider",
            "AWS::IAM::Role",
            "AWS::IAM::ManagedPolicy",
        }


# -- Port's published trust ---------------------------------------------------------------------

PORT_ISSUER = "https://oidc.eks.eu-west-1.amazonaws.com/id/56E5F51C07138118A9183ECEAA68FAF4"
PORT_ISSUER_PATH = PORT_ISSUER.removeprefix("https://")


def _member_of(multi: Stack, **where: str) -> Stack:
    """The member template's stack with the parameters the multi-account StackSet passes."""
    passed = {
        p["ParameterKey"]: p["ParameterValue"]
        for p in multi.properties("MemberRoles")["Parameters"]
    }
    return Stack(load(policy.MEMBER), passed, **where)


def _port_given(path: Path) -> dict[str, str]:
    """What Port's installation page gives (and the OUs, which a multi-account stack needs)."""
    given = {"PortOrgId": "org_1234567890"}
    if path == policy.MULTI:
        given["OrganizationalUnitIds"] = "r-ab12"
    return given


def _defaults(path: Path) -> Stack:
    """The stack a customer gets with only what Port's installation page gives."""
    return Stack(load(path), _port_given(path))


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_defaults_are_ports_documented_trust(path: Path) -> None:
    """Pinned to Port's "IAM Role Architecture" page of AWS Hosted by Port (port-labs/port-docs,
    docs/build-your-software-catalog/sync-data-to-catalog/cloud-providers/aws-v3/
    iam-role-architecture.md): the provider's URL (Port's production EKS issuer, eu-west-1),
    client id ``sts.amazonaws.com`` and tag ``port:integration`` = the integration identifier;
    the trust policy's Federated principal and its ``aud`` and ``sub`` conditions, the subject
    being ``system:serviceaccount:org-YOUR_ORG_ID-port-oidc-sa`` with the organization id.
    The role name ``PortIntegrationRole-<integration identifier>`` and the StackSet name
    ``Port-Integration-v3`` are the defaults of Port's installation form as its installation
    page gave them (same repository, aws-v3/installations/installation.md, September 2025)."""
    stacks = [_defaults(path)]
    if path == policy.MULTI:
        assert stacks[0].properties("MemberRoles")["StackSetName"] == "Port-Integration-v3"
        stacks.append(_member_of(stacks[0]))
    for stack in stacks:
        assert stack.properties("OIDCProvider") == {
            "Url": PORT_ISSUER,
            "ClientIdList": ["sts.amazonaws.com"],
            "Tags": [{"Key": "port:integration", "Value": "aws-hosted-by-port"}],
        }
        [statement] = _trust(stack)["Statement"]
        assert statement == {
            "Effect": "Allow",
            "Principal": {"Federated": "<OIDCProvider>"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "StringEquals": {
                    f"{PORT_ISSUER_PATH}:aud": "sts.amazonaws.com",
                    f"{PORT_ISSUER_PATH}:sub": (
                        "system:serviceaccount:org-org_1234567890-port-oidc-sa"
                    ),
                }
            },
        }
        role = stack.properties("IntegrationRole")
        assert role["RoleName"] == "PortIntegrationRole-aws-hosted-by-port"
        assert role["Tags"] == [{"Key": "port:integration", "Value": "aws-hosted-by-port"}]
    # an existing provider: the principal is the page's, with the account's id
    reused = Stack(load(path), {**_port_given(path), "CreateOIDCProvider": "false"})
    [statement] = _trust(reused)["Statement"]
    assert statement["Principal"]["Federated"] == (
        f"arn:aws:iam::123456789012:oidc-provider/{PORT_ISSUER_PATH}"
    )


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_port_org_id_is_required_and_validated(path: Path) -> None:
    spec = load(path)["Parameters"]["PortOrgId"]
    assert "Default" not in spec  # CloudFormation refuses a stack without it
    with pytest.raises(AssertionError, match="PortOrgId has no default"):
        Stack(load(path), {"OrganizationalUnitIds": "r-ab12"} if path == policy.MULTI else {})
    for good in ("org_1234567890", "org_abc123def456", "org_KU9ZG8eVcbHnP1Ih"):
        assert re.fullmatch(spec["AllowedPattern"], good), good
    for bad in ("", "org_", "1234567890", "org-abc123", "org_ab c", "org_ab/../c", "org_ab:c"):
        assert not re.fullmatch(spec["AllowedPattern"], bad), bad


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_a_role_never_trusts_the_bare_integration_identifier(path: Path) -> None:
    """An empty OIDCSubject used to make the role accept sub = the integration identifier,
    whose default is the same for every customer. Now an empty one is the organization's own
    subject, and the pattern refuses any subject the identifier could be."""
    declared = load(path)["Parameters"]
    subject = declared["OIDCSubject"]["AllowedPattern"]
    identifier = declared["IntegrationIdentifier"]["AllowedPattern"]
    for bare in ("aws-hosted-by-port", "my-aws", "aws.prod_1", "A" * 44):
        assert re.fullmatch(identifier, bare)
        assert not re.fullmatch(subject, bare), bare
        given = {**_port_given(path), "IntegrationIdentifier": bare, "OIDCSubject": bare}
        with pytest.raises(AssertionError, match=r"OIDCSubject=.* does not match"):
            Stack(load(path), given)
    assert ":" not in identifier  # a subject needs one: none can be an identifier
    for other in ("system:serviceaccount:port:ocean", "repo:org/name:ref:refs/heads/main"):
        assert re.fullmatch(subject, other), other
    for identifier_value in ("aws-hosted-by-port", "team-a"):
        stack = Stack(load(path), {**_port_given(path), "IntegrationIdentifier": identifier_value})
        for member in [stack, *([_member_of(stack)] if path == policy.MULTI else [])]:
            [statement] = _trust(member)["Statement"]
            sub = statement["Condition"]["StringEquals"][f"{PORT_ISSUER_PATH}:sub"]
            assert sub == "system:serviceaccount:org-org_1234567890-port-oidc-sa"
            assert sub != identifier_value


MULTI_CHOICES = {
    **ROLE_CHOICES,
    "MemberCreateOIDCProvider": ["true", "false"],
    "AccountScope": ["ALL", "DIFFERENCE", "INTERSECTION"],
}


@pytest.mark.parametrize("partition", PARTITIONS)
def test_multi_account_template_for_every_parameter_combination(partition: str) -> None:
    template = load(policy.MULTI)
    member = load(policy.MEMBER)
    for params in combinations(MULTI_CHOICES):
        scope = params["AccountScope"]
        given = {
            **params,
            "OIDCIssuerURL": ISSUER,
            "IntegrationIdentifier": "my-aws",
            "OrganizationalUnitIds": "ou-ab12-11111111,r-ab12",
            "AccountIds": "" if scope == "ALL" else "111111111111,222222222222",
        }
        region = PARTITIONS[partition]
        stack = _stack(template, given, partition=partition, region=region)
        assert stack.rule_failures() == []
        _assert_role(stack, given, partition)
        organizations = stack.properties("OrganizationsPolicy")
        assert organizations["Roles"] == ["<IntegrationRole>"]
        assert _actions(organizations["PolicyDocument"]["Statement"]) == list(
            policy.ORGANIZATIONS_ACTIONS
        )

        stack_set = stack.properties("MemberRoles")
        assert stack_set["PermissionModel"] == "SERVICE_MANAGED"
        assert stack_set["AutoDeployment"]["Enabled"] is True
        assert stack_set["Capabilities"] == ["CAPABILITY_NAMED_IAM"]
        [group] = stack_set["StackInstancesGroup"]
        assert group["Regions"] == [region]
        targets = group["DeploymentTargets"]
        assert targets["OrganizationalUnitIds"] == ["ou-ab12-11111111", "r-ab12"]
        if scope == "ALL":
            assert targets == {
                "OrganizationalUnitIds": ["ou-ab12-11111111", "r-ab12"],
                "AccountFilterType": "NONE",
            }
        else:
            assert targets["AccountFilterType"] == scope
            assert targets["Accounts"] == ["111111111111", "222222222222"]

        passed = {p["ParameterKey"]: p["ParameterValue"] for p in stack_set["Parameters"]}
        assert passed["CreateOIDCProvider"] == params["MemberCreateOIDCProvider"]
        for name in ("OIDCIssuerURL", "OIDCAudience", "OIDCSubject", "RoleName"):
            assert passed[name] == given[name]
        assert passed["PortOrgId"] == ORG_ID
        member_stack = _stack(member, passed, partition=partition, region=region)
        _assert_role(
            member_stack, {**given, "CreateOIDCProvider": passed["CreateOIDCProvider"]}, partition
        )

        assert set(stack.outputs()) == {"PortIntegrationRoleArn", "MemberRoleName", "StackSetId"}
        assert stack.outputs()["MemberRoleName"] == "<IntegrationRole>"  # the role's name
        assert stack_set["StackSetName"] == "Port-Integration-v3"


def test_multi_account_embeds_exactly_the_member_template() -> None:
    stack_set = load(policy.MULTI)["Resources"]["MemberRoles"]["Properties"]
    assert "TemplateURL" not in stack_set
    assert loads(stack_set["TemplateBody"]) == load(policy.MEMBER)
    assert len(stack_set["TemplateBody"].encode()) <= 51_200  # CloudFormation's TemplateBody limit


@pytest.mark.parametrize(
    ("scope", "ids", "expected"),
    [
        ("INTERSECTION", "", "needs AccountIds"),
        ("DIFFERENCE", "", "needs AccountIds"),
        ("ALL", "111111111111", "leave them empty with ALL"),
    ],
)
def test_multi_account_rules_reject_inconsistent_scope(scope: str, ids: str, expected: str) -> None:
    stack = _stack(
        load(policy.MULTI),
        {"OrganizationalUnitIds": "r-ab12", "AccountScope": scope, "AccountIds": ids},
    )
    [failure] = stack.rule_failures()
    assert expected in failure


# -- live events ---------------------------------------------------------------------------------

LIVE = {
    "EnableLiveEvents": "true",
    "LiveEventsWebhookUrl": "https://port-aws.example.com/integration/webhook",
    "LiveEventsApiKey": "k3y-0f-at-least-16-chars",
}
ORG = "o-abcdef1234"
EVENTS = {"AWS::Events::Connection", "AWS::Events::ApiDestination", "AWS::Events::Rule"}


def _numbered(prefix: str) -> list[str]:
    return [f"{prefix}{n}" for n in range(1, len(live_rules.rule_patterns()) + 1)]


def _live_resources(stack: Stack) -> dict[str, str]:
    return {k: v for k, v in stack.resources().items() if k.startswith("LiveEvents")}


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_live_events_are_off_by_default_and_create_nothing(path: Path) -> None:
    params = {"OrganizationalUnitIds": "r-ab12"} if path == policy.MULTI else {}
    for partition, region in PARTITIONS.items():
        stack = _stack(load(path), params, partition=partition, region=region)
        assert stack.params["EnableLiveEvents"] == "false"
        assert _live_resources(stack) == {}
        assert not set(stack.resources().values()) & {*EVENTS, "AWS::Events::EventBus"}
        assert stack.rule_failures() == []


def test_generated_patterns_cover_every_declared_event_within_the_size_limit() -> None:
    declared = live_rules.declared_events()
    assert declared, "no kind declares live events"
    patterns = live_rules.event_patterns()
    assert all(live_rules.pattern_size(p) <= live_rules.PATTERN_LIMIT for p in patterns)
    for source, names in declared.items():
        for name in names:
            assert any(
                source in p["detail"]["eventSource"] and name in p["detail"]["eventName"]
                for p in patterns
            ), f"{source} {name} is matched by no rule"
    # a smaller limit splits the patterns and still covers every event
    small = live_rules.event_patterns(limit=360)
    assert len(small) > len(patterns)
    assert all(live_rules.pattern_size(p) <= 360 for p in small)
    covered = {
        (s, n) for p in small for s in p["detail"]["eventSource"] for n in p["detail"]["eventName"]
    }
    assert {(s, n) for s, names in declared.items() for n in names} <= covered


def _destination_target() -> dict[str, Any]:
    return {
        "Id": "port-webhook",
        "Arn": "<LiveEventsDestination.Arn>",
        "RoleArn": "<LiveEventsInvokeRole.Arn>",
        "RetryPolicy": {"MaximumRetryAttempts": 10, "MaximumEventAgeInSeconds": 3600},
    }


def _assert_webhook_wiring(stack: Stack, partition: str) -> None:
    """Connection (API key header), API destination (POST to the URL), the role EventBridge
    assumes to invoke it, doctor's read of the targets, and rules with the catalog's patterns."""
    connection = stack.properties("LiveEventsConnection")
    assert connection["AuthorizationType"] == "API_KEY"
    assert connection["AuthParameters"] == {
        "ApiKeyAuthParameters": {
            "ApiKeyName": "x-port-aws-ocean-api-key",
            "ApiKeyValue": LIVE["LiveEventsApiKey"],
        }
    }
    assert stack.template["Parameters"]["LiveEventsApiKey"]["NoEcho"] is True
    destination = stack.properties("LiveEventsDestination")
    assert destination["ConnectionArn"] == "<LiveEventsConnection.Arn>"
    assert destination["InvocationEndpoint"] == LIVE["LiveEventsWebhookUrl"]
    assert destination["HttpMethod"] == "POST"
    assert 1 <= destination["InvocationRateLimitPerSecond"] <= 300
    role = stack.properties("LiveEventsInvokeRole")
    [trust] = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "events.amazonaws.com"}
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": "123456789012"}}
    [grant] = [s for p in role["Policies"] for s in p["PolicyDocument"]["Statement"]]
    assert grant == {
        "Effect": "Allow",
        "Action": "events:InvokeApiDestination",
        "Resource": "<LiveEventsDestination.Arn>",
    }
    check = stack.properties("LiveEventsCheckPolicy")
    assert check["Roles"] == ["<IntegrationRole>"]
    granted = {s["Action"]: s["Resource"] for s in check["PolicyDocument"]["Statement"]}
    assert set(granted) == {
        "events:ListTargetsByRule",
        "events:DescribeApiDestination",
        "events:TestEventPattern",
    }
    assert granted.pop("events:TestEventPattern") == "*"  # it takes no resource
    assert all(r.startswith(f"arn:{partition}:events:*:123456789012:") for r in granted.values())
    patterns = live_rules.rule_patterns()
    for logical, expected in zip(_numbered("LiveEventsRule"), patterns, strict=True):
        rule = stack.properties(logical)
        assert rule["EventBusName"] == "default"
        assert rule["State"] == "ENABLED"
        assert rule["EventPattern"] == expected
        assert rule["Targets"] == [_destination_target()]


@pytest.mark.parametrize("partition", ["aws", "aws-cn"])
def test_single_account_live_events_when_enabled(partition: str) -> None:
    stack = _stack(load(policy.SINGLE), LIVE, partition=partition, region=PARTITIONS[partition])
    assert stack.rule_failures() == []
    rules = _numbered("LiveEventsRule")
    assert _live_resources(stack) == {
        "LiveEventsConnection": "AWS::Events::Connection",
        "LiveEventsDestination": "AWS::Events::ApiDestination",
        "LiveEventsInvokeRole": "AWS::IAM::Role",
        "LiveEventsCheckPolicy": "AWS::IAM::ManagedPolicy",
        **dict.fromkeys(rules, "AWS::Events::Rule"),
    }
    _assert_webhook_wiring(stack, partition)


def test_multi_account_live_events_when_enabled_forward_member_events_to_an_org_bus() -> None:
    params = {**LIVE, "OrganizationalUnitIds": "r-ab12", "OrganizationId": ORG}
    stack = _stack(load(policy.MULTI), params)
    assert stack.rule_failures() == []
    _assert_webhook_wiring(stack, "aws")
    assert stack.properties("LiveEventsBus") == {"Name": "aws-hosted-by-port-live-events"}
    bus_policy = stack.properties("LiveEventsBusPolicy")
    assert bus_policy["EventBusName"] == "<LiveEventsBus>"
    assert bus_policy["Statement"] == {
        "Effect": "Allow",
        "Principal": "*",
        "Action": "events:PutEvents",
        "Resource": "<LiveEventsBus.Arn>",
        "Condition": {"StringEquals": {"aws:PrincipalOrgID": ORG}},
    }
    for logical, expected in zip(
        _numbered("LiveEventsBusRule"), live_rules.rule_patterns(), strict=True
    ):
        rule = stack.properties(logical)
        assert rule["EventBusName"] == "<LiveEventsBus>"
        assert rule["EventPattern"] == expected
        assert rule["Targets"] == [_destination_target()]

    stack_set = stack.properties("MemberRoles")
    passed = {p["ParameterKey"]: p["ParameterValue"] for p in stack_set["Parameters"]}
    assert passed["EnableLiveEvents"] == "true"
    assert passed["LiveEventsBusArn"] == "<LiveEventsBus.Arn>"
    [group] = stack_set["StackInstancesGroup"]
    assert group["Regions"] == ["us-east-1"]

    bus_arn = f"arn:aws:events:us-east-1:123456789012:event-bus/{ORG}-bus"
    member = _stack(
        load(policy.MEMBER), {**passed, "LiveEventsBusArn": bus_arn}, account="210987654321"
    )
    assert member.rule_failures() == []
    forward_rules = _numbered("LiveEventsForwardRule")
    assert _live_resources(member) == {
        "LiveEventsForwardRole": "AWS::IAM::Role",
        "LiveEventsCheckPolicy": "AWS::IAM::ManagedPolicy",
        **dict.fromkeys(forward_rules, "AWS::Events::Rule"),
    }
    check = member.properties("LiveEventsCheckPolicy")
    assert check["Roles"] == ["<IntegrationRole>"]
    assert check["PolicyDocument"]["Statement"] == [
        {
            "Sid": "ReadLiveEventTargets",
            "Effect": "Allow",
            "Action": "events:ListTargetsByRule",
            "Resource": "arn:aws:events:*:210987654321:rule/*",
        }
    ]
    role = member.properties("LiveEventsForwardRole")
    [trust] = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "events.amazonaws.com"}
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": "210987654321"}}
    [grant] = [s for p in role["Policies"] for s in p["PolicyDocument"]["Statement"]]
    assert grant == {"Effect": "Allow", "Action": "events:PutEvents", "Resource": bus_arn}
    for logical, expected in zip(forward_rules, live_rules.rule_patterns(), strict=True):
        rule = member.properties(logical)
        assert rule["EventBusName"] == "default"
        assert rule["EventPattern"] == expected
        assert rule["Targets"] == [
            {
                "Id": "port-live-events-bus",
                "Arn": bus_arn,
                "RoleArn": "<LiveEventsForwardRole.Arn>",
            }
        ]

    disabled = _stack(load(policy.MULTI), {"OrganizationalUnitIds": "r-ab12"})
    passed = {
        p["ParameterKey"]: p["ParameterValue"]
        for p in disabled.properties("MemberRoles")["Parameters"]
    }
    assert (passed["EnableLiveEvents"], passed["LiveEventsBusArn"]) == ("false", "")
    assert _live_resources(_stack(load(policy.MEMBER), passed)) == {}


@pytest.mark.parametrize(
    ("path", "missing", "expected"),
    [
        (policy.SINGLE, "LiveEventsWebhookUrl", "needs LiveEventsWebhookUrl"),
        (policy.SINGLE, "LiveEventsApiKey", "needs LiveEventsApiKey"),
        (policy.MULTI, "OrganizationId", "needs OrganizationId"),
        (policy.MEMBER, "LiveEventsBusArn", "needs LiveEventsBusArn"),
    ],
)
def test_enabled_live_events_need_their_parameters(path: Path, missing: str, expected: str) -> None:
    declared = load(path)["Parameters"]
    given = {k: v for k, v in {**LIVE, "OrganizationId": ORG}.items() if k in declared}
    if path == policy.MULTI:
        given["OrganizationalUnitIds"] = "r-ab12"
    given[missing] = ""
    [failure] = _stack(load(path), given).rule_failures()
    assert expected in failure


@pytest.mark.parametrize("path", [policy.SINGLE, policy.MULTI], ids=lambda p: p.name)
def test_live_events_are_refused_in_govcloud_where_api_destinations_do_not_exist(
    path: Path,
) -> None:
    given = {
        **LIVE,
        **(
            {"OrganizationalUnitIds": "r-ab12", "OrganizationId": ORG}
            if path == policy.MULTI
            else {}
        ),
    }
    stack = _stack(load(path), given, partition="aws-us-gov", region="us-gov-west-1")
    [failure] = stack.rule_failures()
    assert "GovCloud" in failure
    assert _live_resources(stack) == {}


def test_live_events_region_template_forwards_to_the_given_bus() -> None:
    path = policy.REGION
    assert path in policy.generated_paths() and path not in policy.template_paths()
    matches = lint_file(path, ManualArgs(regions=list(PARTITIONS.values())))
    assert [str(m) for m in matches] == []
    bus = "arn:aws-cn:events:cn-north-1:123456789012:event-bus/default"
    stack = _stack(
        load(path), {"LiveEventsBusArn": bus}, partition="aws-cn", region="cn-northwest-1"
    )
    forward_rules = _numbered("LiveEventsForwardRule")
    assert stack.resources() == {
        "LiveEventsForwardRole": "AWS::IAM::Role",
        **dict.fromkeys(forward_rules, "AWS::Events::Rule"),
    }
    role = stack.properties("LiveEventsForwardRole")
    [grant] = [s for p in role["Policies"] for s in p["PolicyDocument"]["Statement"]]
    assert grant == {"Effect": "Allow", "Action": "events:PutEvents", "Resource": bus}
    for logical, expected in zip(forward_rules, live_rules.rule_patterns(), strict=True):
        rule = stack.properties(logical)
        assert (rule["EventBusName"], rule["EventPattern"]) == ("default", expected)
        [target] = rule["Targets"]
        assert (target["Arn"], target["RoleArn"]) == (bus, "<LiveEventsForwardRole.Arn>")
    # the installation stacks give the bus to forward to
    single = _stack(load(policy.SINGLE), LIVE, partition="aws-cn", region="cn-north-1")
    assert single.outputs()["LiveEventsBusArn"] == bus
    multi = _stack(
        load(policy.MULTI), {**LIVE, "OrganizationalUnitIds": "r-ab12", "OrganizationId": ORG}
    )
    assert multi.outputs()["LiveEventsBusArn"] == "<LiveEventsBus.Arn>"
    assert "LiveEventsBusArn" not in _stack(load(policy.SINGLE)).outputs()


def test_stale_event_patterns_are_detected_and_regenerated() -> None:
    text = policy.SINGLE.read_text()
    name = next(iter(live_rules.declared_events().values()))[0]
    assert f'"{name}", ' in text
    stale = text.replace(f'"{name}", ', "", 1)
    assert loads(stale) != load(policy.SINGLE)
    assert policy.regenerate(stale) == text


def test_generated_patterns_match_cloudtrail_events_of_declared_kinds() -> None:
    """The emulator's EventBridge pattern matcher (moto lacks the TestEventPattern call) on the
    real event layout: every declared event matches a rule; failed calls, other detail-types
    and undeclared calls match none."""
    from moto.events.models import EventPattern

    from tests.test_live_events import cloudtrail, native, tag_change

    patterns = [EventPattern.load(json.dumps(p)) for p in live_rules.rule_patterns()]

    def matched(event: dict[str, Any]) -> bool:
        return any(p.matches_event(event) for p in patterns)  # type: ignore[arg-type]

    for source, names in live_rules.declared_events().items():
        for name in names:
            assert matched(cloudtrail(name, source=source)), f"{source} {name}"
    source, names = next(iter(live_rules.declared_events().items()))
    failed = cloudtrail(names[0], source=source)
    failed["detail"]["errorCode"] = "AccessDenied"
    assert not matched(failed)
    assert not matched({**cloudtrail(names[0], source=source), "detail-type": "Other"})
    assert not matched(cloudtrail("ListQueues", source=source))
    # EventBridge's own events of the kinds that declare them
    assert matched(tag_change("sns", "arn:aws:sns:us-east-1:123456789012:alerts"))
    assert not matched(tag_change("sqs", "arn:aws:sqs:us-east-1:123456789012:jobs"))
    state = {"instance-id": "i-0123456789abcdef0", "state": "stopped"}
    assert matched(native("EC2 Instance State-change Notification", "aws.ec2", state, []))
