"""``python -m port_aws quick-create``: console links per partition, and bad input rejected."""

from urllib.parse import parse_qs, urlsplit

import pytest

from port_aws.__main__ import main
from port_aws.policy import MULTI, SINGLE

TEMPLATE = "https://port-templates.s3.eu-west-1.amazonaws.com/aws/single-account.yaml"
MULTI_URL = "https://s3.amazonaws.com/port-templates/aws/multi-account.yaml"
ISSUER = "OIDCIssuerURL=https://oidc.getport.io/org_1"
MULTI_OU = [
    "--template-url",
    MULTI_URL,
    "--param",
    ISSUER,
    "--param",
    "OrganizationalUnitIds=r-ab12",
]


def _link(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[str, str, dict[str, list[str]]]:
    assert main(["quick-create", *argv]) == 0
    out = capsys.readouterr().out.strip()
    parts = urlsplit(out)
    route, _, query = parts.fragment.partition("?")
    assert parts.scheme == "https"
    assert parts.path == "/cloudformation/home"
    assert route == "/stacks/quickcreate"
    return parts.hostname or "", parts.query, parse_qs(query, keep_blank_values=True)


@pytest.mark.parametrize(
    ("region", "host"),
    [
        ("eu-west-1", "eu-west-1.console.aws.amazon.com"),
        ("us-gov-west-1", "console.amazonaws-us-gov.com"),
        ("cn-northwest-1", "console.amazonaws.cn"),
    ],
)
def test_single_account_link_per_partition(
    capsys: pytest.CaptureFixture[str], region: str, host: str
) -> None:
    found_host, query, fragment = _link(
        capsys,
        "--template-url",
        TEMPLATE,
        "--region",
        region,
        "--stack-name",
        "port-aws",
        "--param",
        ISSUER,
        "--param",
        "OIDCSubject=org:a b/c&d",
        "--param",
        "CreateOIDCProvider=false",
        "--template-file",
        str(SINGLE),
    )
    assert found_host == host
    assert parse_qs(query) == {"region": [region]}
    assert fragment == {
        "templateURL": [TEMPLATE],
        "stackName": ["port-aws"],
        "param_OIDCIssuerURL": ["https://oidc.getport.io/org_1"],
        "param_OIDCSubject": ["org:a b/c&d"],
        "param_CreateOIDCProvider": ["false"],
    }


def test_multi_account_link_keeps_comma_lists(capsys: pytest.CaptureFixture[str]) -> None:
    url = MULTI_URL
    _, _, fragment = _link(
        capsys,
        "--template-url",
        url,
        "--param",
        ISSUER,
        "--region",
        "us-east-1",
        "--param",
        "OrganizationalUnitIds=ou-ab12-11111111,r-ab12",
        "--param",
        "AccountScope=DIFFERENCE",
        "--param",
        "AccountIds=111111111111",
        "--template-file",
        str(MULTI),
    )
    assert fragment["templateURL"] == [url]
    assert fragment["stackName"] == ["port-aws-integration"]
    assert fragment["param_OrganizationalUnitIds"] == ["ou-ab12-11111111,r-ab12"]
    assert fragment["param_AccountScope"] == ["DIFFERENCE"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--region", "eu-moon-1"], "--region: unknown AWS region 'eu-moon-1'"),
        (
            ["--template-url", TEMPLATE.replace("https", "http")],
            "--template-url: expected an https URL",
        ),
        (
            ["--template-url", "https://example.com/single-account.yaml"],
            "--template-url: expected a template object on Amazon S3",
        ),
        (["--stack-name", "1-port"], "--stack-name: expected 1-128 letters"),
        (["--stack-name", "port_aws"], "--stack-name: expected 1-128 letters"),
        (["--stack-name", "p" * 129], "--stack-name: expected 1-128 letters"),
        (["--param", "NoEquals"], "--param: expected Key=Value"),
        (
            ["--param", "Colour=blue", "--template-file", str(SINGLE)],
            "--param: Colour is not a parameter of the template",
        ),
        (
            ["--param", "CreateOIDCProvider=yes", "--template-file", str(SINGLE)],
            "--param: CreateOIDCProvider must be one of true, false",
        ),
        (
            ["--param", "RoleName=a", "--template-file", "/nonexistent.yaml"],
            "--template-file: cannot read",
        ),
        ([], "--param: OIDCIssuerURL defaults to the placeholder 'https://oidc.port.example'"),
        (
            ["--param", "OIDCIssuerURL=https://oidc.port.example"],
            "--param: OIDCIssuerURL: 'https://oidc.port.example' is a placeholder",
        ),
        (
            ["--param", "OIDCIssuerURL=https://issuer/"],
            "--param: OIDCIssuerURL: expected an https URL without a trailing slash",
        ),
        (
            ["--template-url", MULTI_URL, "--param", ISSUER],
            "--param: OrganizationalUnitIds is required by the template",
        ),
        (
            [*MULTI_OU, "--param", "AccountScope=DIFFERENCE"],
            "--param: rule AccountIdsWithScope: AccountScope DIFFERENCE or INTERSECTION needs",
        ),
        (
            [*MULTI_OU, "--param", "AccountIds=111111111111"],
            "--param: rule NoAccountIdsWithAll: AccountIds are used only with AccountScope",
        ),
        (
            [*MULTI_OU, "--param", "AccountScope=INTERSECTION", "--param", "AccountIds=1111, 2222"],
            "--param: AccountIds: expected comma-separated 12-digit account ids, without spaces",
        ),
    ],
)
def test_bad_values_are_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    defaults = {"--template-url": TEMPLATE, "--region": "eu-west-1"}
    for flag, value in defaults.items():
        if flag not in argv:
            argv = [*argv, flag, value]
    assert main(["quick-create", *argv]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("quick-create: " + message), lines[0]


def test_without_a_template_url_it_says_how_to_host_one(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["quick-create", "--region", "eu-west-1"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "aws s3 cp cloudformation/multi-account.yaml s3://<bucket>/" in captured.err
    assert "--template-url https://<bucket>.s3.<region>.amazonaws.com/" in captured.err


WEBHOOK = "LiveEventsWebhookUrl=https://port-aws.getport.io/integration/webhook"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--param", ISSUER, "--param", "EnableLiveEvents=true"],
            "--param: rule LiveEventsSettings: EnableLiveEvents needs LiveEventsWebhookUrl",
        ),
        (
            ["--param", ISSUER, "--param", WEBHOOK.replace("https", "http")],
            "--param: LiveEventsWebhookUrl: expected empty, or the integration's https URL",
        ),
        (
            ["--param", ISSUER, "--param", "LiveEventsWebhookUrl=https://port.getport.io/hook"],
            "--param: LiveEventsWebhookUrl: expected empty, or the integration's https URL",
        ),
        (
            ["--param", ISSUER, "--param", "LiveEventsApiKey=k3y-0f-at-least-16-chars"],
            "--param: LiveEventsApiKey is a secret: a link would keep it in browser history",
        ),
        (
            [
                "--param",
                ISSUER,
                "--param",
                "EnableLiveEvents=true",
                "--param",
                WEBHOOK,
                "--region",
                "us-gov-west-1",
            ],
            "--param: rule LiveEventsSettings: EventBridge API destinations are not available",
        ),
        (
            [*MULTI_OU, "--param", "EnableLiveEvents=true", "--param", WEBHOOK],
            "--param: rule LiveEventsSettings: EnableLiveEvents needs OrganizationId",
        ),
    ],
    ids=["no-url", "http", "not-webhook-path", "key-in-link", "govcloud", "no-org-id"],
)
def test_live_event_parameters_are_checked(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    test_bad_values_are_one_line_and_exit_2(capsys, argv, message)


@pytest.mark.parametrize("template", [TEMPLATE, MULTI_URL])
def test_live_events_link_leaves_the_key_to_the_console(
    capsys: pytest.CaptureFixture[str], template: str
) -> None:
    extra = ["--param", "OrganizationalUnitIds=r-ab12", "--param", "OrganizationId=o-abcdef1234"]
    argv = ["quick-create", "--template-url", template, "--region", "eu-west-1", "--param", ISSUER]
    argv += ["--param", "EnableLiveEvents=true", "--param", WEBHOOK]
    assert main([*argv, *(extra if template == MULTI_URL else [])]) == 0
    captured = capsys.readouterr()
    assert "param_EnableLiveEvents=true" in captured.out
    assert "LiveEventsApiKey" not in captured.out
    assert captured.err.strip() == (
        "quick-create: type LiveEventsApiKey in the console (it is not in the link)"
    )
