"""The CloudFormation templates: lint, generated permissions, and every parameter combination."""

import json
import warnings
from pathlib import Path
from typing import Any

import pytest
from cfnlint.api import ManualArgs, lint_file

from port_aws import policy
from port_aws.catalog import required_actions
from tests.cfn_eval import Stack, combinations, load, loads

TEMPLATES = [policy.SINGLE, policy.MEMBER, policy.MULTI]
PARTITIONS = {"aws": "us-east-1", "aws-us-gov": "us-gov-west-1", "aws-cn": "cn-north-1"}
ISSUER = "https://oidc.example.com/tenants/abc"
ISSUER_PATH = "oidc.example.com/tenants/abc"


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
    assert all(s["Effect"] == "Allow" and s["Resource"] == "*" for s in statements)
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


def test_policies_pass_the_policy_linter_and_fit_a_managed_policy() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import parliament

    for document in (policy.read_only_document(), policy.organizations_document()):
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
    "CreateOIDCProvider": ["true", "false"],
    "OIDCSubject": ["", "port:org/tenant:integration"],
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
                f"{ISSUER_PATH}:sub": params["OIDCSubject"] or "my-aws",
            }
        },
    }
    if create:
        assert stack.properties("OIDCProvider") == {
            "Url": ISSUER,
            "ClientIdList": [params["OIDCAudience"]],
            "Tags": [{"Key": "port-integration", "Value": "my-aws"}],
        }
    role = stack.properties("IntegrationRole")
    assert role["RoleName"] == "port-reader"
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
            "RoleName": "port-reader",
        }
        stack = Stack(template, given, partition=partition, region=PARTITIONS[partition])
        _assert_role(stack, given, partition)
        assert set(stack.resources().values()) <= {
            "AWS::IAM::OIDCProvider",
            "AWS::IAM::Role",
            "AWS::IAM::ManagedPolicy",
        }


def test_single_account_defaults_trust_the_placeholder_issuer_with_sts_audience() -> None:
    stack = Stack(load(policy.SINGLE))
    [statement] = _trust(stack)["Statement"]
    assert statement["Condition"]["StringEquals"] == {
        "oidc.port.example:aud": "sts.amazonaws.com",
        "oidc.port.example:sub": "aws-hosted-by-port",
    }


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
            "RoleName": "port-reader",
            "OrganizationalUnitIds": "ou-ab12-11111111,r-ab12",
            "AccountIds": "" if scope == "ALL" else "111111111111,222222222222",
        }
        region = PARTITIONS[partition]
        stack = Stack(template, given, partition=partition, region=region)
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
        member_stack = Stack(member, passed, partition=partition, region=region)
        _assert_role(
            member_stack, {**given, "CreateOIDCProvider": passed["CreateOIDCProvider"]}, partition
        )

        assert set(stack.outputs()) == {"PortIntegrationRoleArn", "MemberRoleName", "StackSetId"}
        assert stack.outputs()["MemberRoleName"] == "port-reader"


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
    stack = Stack(
        load(policy.MULTI),
        {"OrganizationalUnitIds": "r-ab12", "AccountScope": scope, "AccountIds": ids},
    )
    [failure] = stack.rule_failures()
    assert expected in failure
