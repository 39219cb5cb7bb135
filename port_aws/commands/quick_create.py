"""``python -m port_aws quick-create``: the AWS console link that opens a stack ready to create.

From a template hosted on S3 (https), a region, a stack name and parameter values, prints the
CloudFormation console's quick-create link for that partition's console. Bad input is one
line on stderr naming the option, and exit status 2.
"""

import argparse
import re
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import yaml
from botocore.session import get_session

from port_aws.arn import PARTITIONS
from port_aws.errors import ConfigError

CONSOLES = {
    "aws": "https://{region}.console.aws.amazon.com",
    "aws-us-gov": "https://console.amazonaws-us-gov.com",
    "aws-cn": "https://console.amazonaws.cn",
}
_STACK_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9-]{0,127}$")
_PARAM_NAME = re.compile(r"^[A-Za-z0-9]{1,255}$")
_S3_HOST = re.compile(r"^([a-z0-9][a-z0-9.-]*\.)?s3([.-][a-z0-9-]+)*\.amazonaws\.com(\.cn)?$")
DEFAULT_STACK_NAME = "port-aws-integration"


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
    """YAML with CloudFormation's short intrinsic tags (``!Ref``...), kept as plain values."""


def _intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)  # type: ignore[arg-type]


_TemplateLoader.add_multi_constructor("!", _intrinsic)


def declared_parameters(path: Path) -> dict[str, dict[str, Any]]:
    try:
        template = yaml.load(path.read_text(), Loader=_TemplateLoader)
    except (OSError, yaml.YAMLError) as error:
        raise ConfigError("--template-file", f"cannot read {str(path)!r}: {error}") from None
    if not isinstance(template, dict):
        raise ConfigError("--template-file", f"{str(path)!r} is not a CloudFormation template")
    return dict(template.get("Parameters") or {})


def check_against_template(params: dict[str, str], declared: dict[str, dict[str, Any]]) -> None:
    for key, value in params.items():
        if key not in declared:
            raise ConfigError(
                "--param",
                f"{key} is not a parameter of the template; it declares {', '.join(declared)}",
            )
        allowed = declared[key].get("AllowedValues")
        if allowed and value not in [str(a) for a in allowed]:
            raise ConfigError(
                "--param", f"{key} must be one of {', '.join(map(str, allowed))}, got {value!r}"
            )


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
    try:
        params = parse_params(args.param or [])
        if args.template_file is not None:
            check_against_template(params, declared_parameters(args.template_file))
        print(quick_create_url(args.template_url, args.region, args.stack_name, params))
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
        "--template-url", required=True, help="https URL of the template on Amazon S3"
    )
    parser.add_argument("--region", required=True, help="region of the stack, e.g. eu-west-1")
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
        help="local copy of the template: parameter names and allowed values are checked",
    )
    parser.set_defaults(func=run)
