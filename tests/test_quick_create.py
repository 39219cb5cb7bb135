"""``python -m port_aws quick-create``: console links per partition, and bad input rejected."""

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from port_aws.__main__ import main
from port_aws.commands.policy import MULTI, SINGLE

TEMPLATE = "https://port-templates.s3.eu-west-1.amazonaws.com/aws/single-account.yaml"
MULTI_URL = "https://s3.amazonaws.com/port-templates/aws/multi-account.yaml"
ISSUER = "OIDCIssuerURL=https://oidc.getport.io/org_1"
ORG_ID = "org_1234567890"
MULTI_OU = [
    "--port-org-id",
    ORG_ID,
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
        "--port-org-id",
        ORG_ID,
        "--param",
        ISSUER,
        "--param",
        "OIDCSubject=system:serviceaccount:a/b&c=d",
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
        "param_PortOrgId": [ORG_ID],
        "param_OIDCIssuerURL": ["https://oidc.getport.io/org_1"],
        "param_OIDCSubject": ["system:serviceaccount:a/b&c=d"],
        "param_CreateOIDCProvider": ["false"],
    }


def test_multi_account_link_keeps_comma_lists(capsys: pytest.CaptureFixture[str]) -> None:
    url = MULTI_URL
    _, _, fragment = _link(
        capsys,
        "--template-url",
        url,
        "--port-org-id",
        ORG_ID,
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
    defaults = {"--template-url": TEMPLATE, "--region": "eu-west-1", "--port-org-id": ORG_ID}
    for flag, value in defaults.items():
        if flag not in argv:
            argv = [*argv, flag, value]
    _refused(capsys, argv, message)


def _refused(capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    """Exit status 2, nothing on stdout, one line on stderr starting with ``message``."""
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
    argv = ["quick-create", "--template-url", template, "--region", "eu-west-1"]
    argv += ["--port-org-id", ORG_ID]
    argv += ["--param", "EnableLiveEvents=true", "--param", WEBHOOK]
    assert main([*argv, *(extra if template == MULTI_URL else [])]) == 0
    captured = capsys.readouterr()
    assert "param_EnableLiveEvents=true" in captured.out
    assert "LiveEventsApiKey" not in captured.out
    assert captured.err.strip() == (
        "quick-create: type LiveEventsApiKey in the console (it is not in the link)"
    )


# -- Port's organization and a tenant-scoped subject ------------------------------------------

SINGLE_LINK = ["--template-url", TEMPLATE, "--region", "eu-west-1"]


@pytest.mark.parametrize(
    ("template", "extra"),
    [(TEMPLATE, []), (MULTI_URL, ["--param", "OrganizationalUnitIds=r-ab12"])],
)
def test_port_org_id_is_all_a_link_needs(
    capsys: pytest.CaptureFixture[str], template: str, extra: list[str]
) -> None:
    """The templates' defaults are Port's documented trust: the organization id is the one value
    from Port's installation page a link must carry (the identifier defaults too)."""
    _, _, fragment = _link(
        capsys, "--template-url", template, "--region", "eu-west-1", "--port-org-id", ORG_ID, *extra
    )
    assert fragment["param_PortOrgId"] == [ORG_ID]
    assert not {key for key in fragment if key.startswith("param_OIDC")}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            SINGLE_LINK,
            "--port-org-id: expected your Port organization id as Port's installation page shows",
        ),
        (
            [*SINGLE_LINK, "--port-org-id", ""],
            "--port-org-id: expected your Port organization id",
        ),
        (
            [*SINGLE_LINK, "--port-org-id", "1234"],
            "--port-org-id: expected your Port organization id as Port's installation page shows "
            "it (org_ then letters and digits), got '1234'",
        ),
        (
            [*MULTI_OU, "--region", "eu-west-1", "--param", f"PortOrgId={ORG_ID}"],
            "--param: PortOrgId is given twice (use --port-org-id)",
        ),
        (
            [*SINGLE_LINK, "--port-org-id", ORG_ID, "--param", "OIDCSubject="],
            "--param: OIDCSubject is empty: leave it out for Port's subject of your organization",
        ),
        (
            [*SINGLE_LINK, "--port-org-id", ORG_ID, "--param", "OIDCSubject=aws-hosted-by-port"],
            "--param: OIDCSubject: expected empty (Port's subject for PortOrgId), or a namespaced",
        ),
    ],
    ids=[
        "no-org-id",
        "empty-org-id",
        "bad-org-id",
        "org-id-twice",
        "empty-subject",
        "bare-subject",
    ],
)
def test_org_id_required_and_subject_never_empty_or_bare(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    _refused(capsys, argv, message)


OLD_TEMPLATE = """
Parameters:
  IntegrationIdentifier: {Type: String, Default: my-aws}
  OIDCSubject: {Type: String, Default: ""}
Resources: {}
"""
"""A template of before Port's trust: an empty subject meant the integration identifier."""


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ([], "--param: OIDCSubject: this template has no PortOrgId, so its default subject is not"),
        (
            ["--param", "OIDCSubject=my-aws"],
            "--param: OIDCSubject: 'my-aws' is the bare integration identifier",
        ),
        (
            ["--param", "IntegrationIdentifier=team-a", "--param", "OIDCSubject=team-a"],
            "--param: OIDCSubject: 'team-a' is the bare integration identifier",
        ),
    ],
)
def test_a_template_without_port_org_id_needs_a_subject_that_is_not_the_identifier(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, params: list[str], message: str
) -> None:
    old = tmp_path / "old-single-account.yaml"
    old.write_text(OLD_TEMPLATE)
    argv = ["--template-url", "https://b.s3.amazonaws.com/old-single-account.yaml"]
    argv += ["--region", "eu-west-1", "--template-file", str(old), *params]
    _refused(capsys, argv, message)


# -- every link checked against a template ------------------------------------------------------

OTHER_URL = "https://port-templates.s3.eu-west-1.amazonaws.com/aws/my-template.yaml"


@pytest.mark.parametrize(
    "params",
    [
        ["--param", "LiveEventsApiKey=supersecret-value-0f-16"],
        ["--param", "Colour=blue"],
        [],
    ],
    ids=["secret", "unknown", "missing"],
)
def test_a_template_url_of_no_known_file_is_refused_without_template_file(
    capsys: pytest.CaptureFixture[str], params: list[str]
) -> None:
    """Before, every check was skipped for such a URL: the secret landed in the console link,
    and unknown and missing parameters passed."""
    argv = ["--template-url", OTHER_URL, *params]
    test_bad_values_are_one_line_and_exit_2(
        capsys,
        argv,
        "--template-url: 'my-template.yaml' is not a template of cloudformation/ "
        "(live-events-region.yaml, member-account.yaml, multi-account.yaml, "
        "single-account.yaml): give --template-file",
    )


SECRETLESS = """
Parameters:
  PortOrgId: {Type: String, AllowedPattern: "^org_[A-Za-z0-9]+$"}
  Colour: {Type: String}
  LiveEventsApiKey: {Type: String, Default: ""}
  ApiToken: {Type: String, Default: "", NoEcho: true}
Resources: {}
"""
"""A template of the customer's own: LiveEventsApiKey is not NoEcho here, ApiToken is."""


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            ["--param", "LiveEventsApiKey=supersecret-value-0f-16", "--param", "Colour=blue"],
            "--param: LiveEventsApiKey is a secret: a link would keep it in browser history",
        ),
        (
            ["--param", "ApiToken=supersecret", "--param", "Colour=blue"],
            "--param: ApiToken is a secret: a link would keep it in browser history",
        ),
        (["--param", "Shade=blue"], "--param: Shade is not a parameter of the template"),
        ([], "--param: Colour is required by the template: give Colour=..."),
    ],
    ids=["known-secret", "template-secret", "unknown", "missing"],
)
def test_a_template_file_checks_the_link_and_secrets_are_refused_whatever_its_source(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, params: list[str], message: str
) -> None:
    own = tmp_path / "mine.yaml"
    own.write_text(SECRETLESS)
    argv = ["--template-url", OTHER_URL, "--template-file", str(own), *params]
    test_bad_values_are_one_line_and_exit_2(capsys, argv, message)
    assert "supersecret" not in capsys.readouterr().err


def test_a_template_file_makes_a_link_of_any_name(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    own = tmp_path / "mine.yaml"
    own.write_text(SECRETLESS)
    _, _, fragment = _link(
        capsys,
        *["--template-url", OTHER_URL, "--template-file", str(own), "--region", "eu-west-1"],
        *["--port-org-id", ORG_ID, "--param", "Colour=blue"],
    )
    assert fragment["param_Colour"] == ["blue"]
    assert fragment["templateURL"] == [OTHER_URL]
