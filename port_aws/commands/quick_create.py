"""``python -m port_aws quick-create``: the AWS console link that opens a stack ready to create.

From a template hosted on S3 (https), a region, a stack name, the Port organization id and
parameter values, prints the CloudFormation console's quick-create link for that partition's
console. Every link is checked against a template: the file of ``cloudformation/`` the URL names,
or ``--template-file``; a URL naming no such file without ``--template-file`` is refused.
Parameters must be declared and those without a default given, allowed values and patterns
hold, the template's ``Rules`` assertions pass, a default on a reserved example domain (a
placeholder) must be replaced, the role's trust subject is never empty nor the bare integration
identifier, and secret (NoEcho) parameters, of that template or of any template of
``cloudformation/``, stay out of the link (typed in the console). Bad input is one line on
stderr naming the option, and exit status 2; without ``--template-url`` it says how to host a
template on S3 for a link.
"""

import argparse
import re
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import yaml
from botocore.session import get_session

from port_aws.aws.arn import PARTITIONS
from port_aws.aws.errors import ConfigError

CONSOLES = {
    "aws": "https://{region}.console.aws.amazon.com",
    "aws-us-gov": "https://console.amazonaws-us-gov.com",
    "aws-cn": "https://console.amazonaws.cn",
}
_STACK_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9-]{0,127}$")
_PARAM_NAME = re.compile(r"^[A-Za-z0-9]{1,255}$")
_S3_HOST = re.compile(r"^([a-z0-9][a-z0-9.-]*\.)?s3([.-][a-z0-9-]+)*\.amazonaws\.com(\.cn)?$")
_PLACEHOLDER = re.compile(r"[./]example(\.(com|net|org))?(:[0-9]+)?(/|$)")
"""A value on a reserved example domain (RFC 2606): a placeholder, never a real endpoint."""
DEFAULT_STACK_NAME = "port-aws-integration"
TEMPLATES = Path(__file__).resolve().parents[2] / "cloudformation"
HOSTING_HELP = (
    "quick-create: --template-url: a quick-create link opens a template stored on Amazon S3; "
    "upload it first, e.g.\n"
    "  aws s3 mb s3://<bucket> --region <region>\n"
    "  aws s3 cp cloudformation/multi-account.yaml s3://<bucket>/cloudformation/\n"
    "then pass --template-url https://<bucket>.s3.<region>.amazonaws.com/cloudformation/"
    "multi-account.yaml (or single-account.yaml)"
)


def region_partition(region: str) -> str:
    session = get_session()
    for partition in PARTITIONS:
        if region in session.get_available_regions("cloudformation", partition):
            return partition
    raise ConfigError("--region", f"unknown AWS region {region!r}")


def check_template_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme != "https":
        raise ConfigError("--template-url", f"expected an https URL, got {url!r}")
    if not _S3_HOST.match(parts.hostname or "") or not parts.path.strip("/"):
        raise ConfigError(
            "--template-url",
            f"expected a template object on Amazon S3 (https://<bucket>.s3.<region>.amazonaws.com/"
            f"<key>), got {url!r}",
        )
    return url


def check_stack_name(name: str) -> str:
    if not _STACK_NAME.match(name):
        raise ConfigError(
            "--stack-name",
            f"expected 1-128 letters, digits and hyphens starting with a letter, got {name!r}",
        )
    return name


def parse_params(pairs: list[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        key, equals, value = pair.partition("=")
        if not equals or not _PARAM_NAME.match(key):
            raise ConfigError(
                "--param", f"expected Key=Value with an alphanumeric key, got {pair!r}"
            )
        if key in params:
            raise ConfigError("--param", f"{key} is given twice")
        params[key] = value
    return params


class _TemplateLoader(yaml.SafeLoader):  # type: ignore[misc]
    """YAML with CloudFormation's short intrinsic tags, in the long form CloudFormation sees
    (``!Ref X`` is ``{"Ref": "X"}``, ``!Equals [...]`` is ``{"Fn::Equals": [...]}``)."""


def _intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {suffix if suffix in ("Ref", "Condition") else f"Fn::{suffix}": value}


_TemplateLoader.add_multi_constructor("!", _intrinsic)


def load_template(path: Path) -> dict[str, Any]:
    try:
        template = yaml.load(path.read_text(), Loader=_TemplateLoader)
    except (OSError, yaml.YAMLError) as error:
        raise ConfigError("--template-file", f"cannot read {str(path)!r}: {error}") from None
    if not isinstance(template, dict) or not isinstance(template.get("Parameters", {}), dict):
        raise ConfigError("--template-file", f"{str(path)!r} is not a CloudFormation template")
    return template


def shipped_templates() -> list[Path]:
    return sorted(TEMPLATES.glob("*.yaml"))


def default_template_file(template_url: str) -> Path | None:
    """The local copy of a shipped template the URL names by file name, if there is one."""
    name = urlsplit(template_url).path.rsplit("/", 1)[-1]
    return next((path for path in shipped_templates() if path.name == name), None)


def template_file(template_url: str, given: Path | None) -> Path:
    """The template a link is checked against: ``--template-file``, else the shipped file the
    URL names; neither is refused (an unchecked link could carry anything)."""
    found = given or default_template_file(template_url)
    if found is None:
        name = urlsplit(template_url).path.rsplit("/", 1)[-1]
        known = ", ".join(path.name for path in shipped_templates())
        raise ConfigError(
            "--template-url",
            f"{name!r} is not a template of cloudformation/ ({known}): give --template-file with "
            "the local copy of the template, to check the values against",
        )
    return found


def _check_value(key: str, value: str, spec: dict[str, Any]) -> None:
    allowed = spec.get("AllowedValues")
    if allowed and value not in [str(a) for a in allowed]:
        raise ConfigError(
            "--param", f"{key} must be one of {', '.join(map(str, allowed))}, got {value!r}"
        )
    pattern = spec.get("AllowedPattern")
    if pattern is not None and re.fullmatch(str(pattern), value) is None:
        expected = spec.get("ConstraintDescription") or f"a value matching {pattern}"
        raise ConfigError("--param", f"{key}: expected {expected}, got {value!r}")
    if len(value) < int(spec.get("MinLength", 0)):
        raise ConfigError("--param", f"{key} must not be empty")


def _evaluate(expression: Any, values: dict[str, Any]) -> Any:
    """The value of a rule expression: ``Ref`` to a parameter, ``Fn::Equals``/``Not``/``And``/
    ``Or``/``Contains``; anything else is a literal."""
    if not isinstance(expression, dict) or len(expression) != 1:
        return expression
    ((function, argument),) = expression.items()
    if function == "Ref":
        return values.get(str(argument), "")
    arguments = [_evaluate(a, values) for a in argument] if isinstance(argument, list) else []
    if function == "Fn::Equals":
        return str(arguments[0]) == str(arguments[1])
    if function == "Fn::Not":
        return not arguments[0]
    if function == "Fn::And":
        return all(arguments)
    if function == "Fn::Or":
        return any(arguments)
    if function == "Fn::Contains":
        return str(arguments[1]) in [str(a) for a in arguments[0]]
    raise ConfigError("--template-file", f"rules use {function}, which is not supported here")


TYPED_IN_CONSOLE = "<typed in the console>"
"""The value rules see for a secret (NoEcho) parameter, which the link never carries."""


def secret_parameters(template: dict[str, Any]) -> list[str]:
    """NoEcho parameters: typed in the console, never put in a link."""
    declared: dict[str, dict[str, Any]] = dict(template.get("Parameters") or {})
    return [key for key, spec in declared.items() if str(spec.get("NoEcho")).lower() == "true"]


def known_secrets() -> set[str]:
    """NoEcho parameters of every template of ``cloudformation/``: refused in any link, whatever
    template it is checked against."""
    return {key for path in shipped_templates() for key in secret_parameters(load_template(path))}


PORT_ORG_ID = "PortOrgId"
SUBJECT = "OIDCSubject"
IDENTIFIER = "IntegrationIdentifier"


def check_subject(params: dict[str, str], template: dict[str, Any]) -> None:
    """The role's trust subject is tenant-scoped: never empty, never the integration identifier
    (the same for every customer by default). In the shipped templates an empty OIDCSubject is
    Port's subject for the organization (``PortOrgId``); a template without ``PortOrgId`` needs
    an explicit subject."""
    declared: dict[str, dict[str, Any]] = dict(template.get("Parameters") or {})
    if SUBJECT not in declared:
        return
    subject = params.get(SUBJECT)
    identifier = params.get(IDENTIFIER, str(declared.get(IDENTIFIER, {}).get("Default", "")))
    if subject == "":
        raise ConfigError(
            "--param",
            f"{SUBJECT} is empty: leave it out for Port's subject of your organization "
            "(--port-org-id), or give the token's sub claim",
        )
    if subject is None and PORT_ORG_ID not in declared:
        raise ConfigError(
            "--param",
            f"{SUBJECT}: this template has no {PORT_ORG_ID}, so its default subject is not your "
            f"organization's: give {SUBJECT}=<the token's sub claim>, or use the templates of "
            "cloudformation/",
        )
    if subject is not None and subject == identifier:
        raise ConfigError(
            "--param",
            f"{SUBJECT}: {subject!r} is the bare integration identifier, which any Port "
            "customer's token could carry: leave it out for your organization's subject",
        )


def check_port_org_id(params: dict[str, str], template: dict[str, Any]) -> None:
    declared: dict[str, dict[str, Any]] = dict(template.get("Parameters") or {})
    if PORT_ORG_ID not in declared:
        return
    value = params.get(PORT_ORG_ID)
    pattern = declared[PORT_ORG_ID].get("AllowedPattern")
    if value is None or (pattern is not None and re.fullmatch(str(pattern), value) is None):
        got = "" if value is None else f", got {value!r}"
        raise ConfigError(
            "--port-org-id",
            f"expected your Port organization id as Port's installation page shows it "
            f"(org_ then letters and digits){got}",
        )


def check_against_template(
    params: dict[str, str], template: dict[str, Any], pseudo: dict[str, str] | None = None
) -> None:
    """Secrets left out, parameters known, the Port organization id and a tenant-scoped subject,
    required ones given, values allowed, placeholders replaced, then the template's ``Rules``
    assertions, with the stack's values (given or default; a secret counts as typed in the
    console) and ``pseudo`` parameters such as ``AWS::Partition``."""
    declared: dict[str, dict[str, Any]] = dict(template.get("Parameters") or {})
    secrets = set(secret_parameters(template)) | known_secrets()
    for key, value in params.items():
        if key in secrets:
            raise ConfigError(
                "--param",
                f"{key} is a secret: a link would keep it in browser history and logs; leave it "
                "out and type it in the console's field",
            )
        if key not in declared:
            raise ConfigError(
                "--param",
                f"{key} is not a parameter of the template; it declares {', '.join(declared)}",
            )
        if key != PORT_ORG_ID:
            _check_value(key, value, declared[key])
        if _PLACEHOLDER.search(value) and value == str(declared[key].get("Default")):
            raise ConfigError("--param", f"{key}: {value!r} is a placeholder: give the real value")
    check_port_org_id(params, template)
    check_subject(params, template)
    values: dict[str, str] = dict(pseudo or {})
    for key, spec in declared.items():
        if key in params:
            values[key] = params[key]
        elif key in secrets:
            values[key] = TYPED_IN_CONSOLE
        elif "Default" not in spec:
            raise ConfigError("--param", f"{key} is required by the template: give {key}=...")
        elif _PLACEHOLDER.search(str(spec["Default"])):
            raise ConfigError(
                "--param",
                f"{key} defaults to the placeholder {spec['Default']!r}: give the real value "
                f"({key}=...)",
            )
        else:
            values[key] = str(spec["Default"])
    # a CommaDelimitedList parameter is a list in rules ("" is [""], as in CloudFormation)
    seen: dict[str, Any] = {
        key: value.split(",")
        if declared.get(key, {}).get("Type") == "CommaDelimitedList"
        else value
        for key, value in values.items()
    }
    for name, rule in (template.get("Rules") or {}).items():
        if "RuleCondition" in rule and not _evaluate(rule["RuleCondition"], seen):
            continue
        for assertion in rule.get("Assertions", []):
            if not _evaluate(assertion["Assert"], seen):
                description = " ".join(str(assertion.get("AssertDescription", name)).split())
                raise ConfigError("--param", f"rule {name}: {description}")


def quick_create_url(
    template_url: str, region: str, stack_name: str, params: dict[str, str]
) -> str:
    partition = region_partition(region)
    check_template_url(template_url)
    check_stack_name(stack_name)
    query = urlencode(
        {
            "templateURL": template_url,
            "stackName": stack_name,
            **{f"param_{key}": value for key, value in params.items()},
        },
        quote_via=quote,
    )
    host = CONSOLES[partition].format(region=region)
    return f"{host}/cloudformation/home?region={region}#/stacks/quickcreate?{query}"


def run(args: argparse.Namespace) -> int:
    if args.template_url is None:
        print(HOSTING_HELP, file=sys.stderr)
        return 2
    try:
        params = parse_params(args.param or [])
        if args.port_org_id is not None:
            if PORT_ORG_ID in params:
                raise ConfigError("--param", f"{PORT_ORG_ID} is given twice (use --port-org-id)")
            params = {PORT_ORG_ID: args.port_org_id, **params}
        url = quick_create_url(args.template_url, args.region, args.stack_name, params)
        template = load_template(template_file(args.template_url, args.template_file))
        pseudo = {"AWS::Region": args.region, "AWS::Partition": region_partition(args.region)}
        check_against_template(params, template, pseudo)
        print(url)
        if params.get("EnableLiveEvents") == "true":
            for key in secret_parameters(template):
                print(
                    f"quick-create: type {key} in the console (it is not in the link)",
                    file=sys.stderr,
                )
    except ConfigError as error:
        print(f"quick-create: {error}", file=sys.stderr)
        return 2
    return 0


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "quick-create",
        help="print the AWS console link that creates the integration's stack",
        description=(
            "Print the CloudFormation console's quick-create link for an installation template "
            "hosted on S3 (cloudformation/single-account.yaml or multi-account.yaml)."
        ),
    )
    parser.add_argument(
        "--template-url",
        help="https URL of the template on Amazon S3 (without it: how to host one)",
    )
    parser.add_argument("--region", required=True, help="region of the stack, e.g. eu-west-1")
    parser.add_argument(
        "--port-org-id",
        metavar="ORG_ID",
        help=(
            "your Port organization id (org_…), shown on Port's installation page: the role "
            "trusts your organization's tokens only"
        ),
    )
    parser.add_argument(
        "--stack-name", default=DEFAULT_STACK_NAME, help=f"default: {DEFAULT_STACK_NAME}"
    )
    parser.add_argument(
        "--param",
        action="append",
        metavar="KEY=VALUE",
        help="a template parameter value (repeat for more), e.g. CreateOIDCProvider=false",
    )
    parser.add_argument(
        "--template-file",
        type=Path,
        help=(
            "local copy of the template, to check the values against (default: the file of "
            "cloudformation/ the URL names, e.g. multi-account.yaml; required for any other URL)"
        ),
    )
    parser.set_defaults(func=run)
