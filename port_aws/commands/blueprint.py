"""``python -m port_aws blueprint AWS::Glue::Job``: a blueprint and a mapping for a generic kind,
from the type's CloudFormation registry schema, ready to paste into Port."""

import argparse
import asyncio
import json
import re
from typing import Any

import aioboto3
import yaml
from botocore.exceptions import BotoCoreError, ClientError

from port_aws.catalog import cloudcontrol
from port_aws.resync.items import holds_secrets

PORT_TYPES = {
    "string": "string",
    "integer": "number",
    "number": "number",
    "boolean": "boolean",
    "array": "array",
    "object": "object",
}


def blueprint_id(kind: str) -> str:
    """``AWS::Glue::Job`` -> ``glueJob``."""
    service, resource = kind.split("::")[1:3]
    return service[:1].lower() + service[1:] + resource


def _json_type(spec: dict[str, Any]) -> str:
    found = spec.get("type")
    if isinstance(found, list):
        found = next((t for t in found if t != "null"), "string")
    if found is None and "$ref" in spec:
        found = "object"
    return PORT_TYPES.get(str(found or "object"), "object")


def _pointer_name(pointer: str) -> str:
    return pointer.rsplit("/", 1)[-1]


def _definition(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """A property's spec with a local ``$ref`` (``#/definitions/Name``) followed once."""
    ref = str(spec.get("$ref") or "")
    if ref.startswith("#/definitions/"):
        found = (schema.get("definitions") or {}).get(_pointer_name(ref))
        return found if isinstance(found, dict) else spec
    return spec


def _user_map(spec: dict[str, Any]) -> bool:
    """An object whose keys its user chooses (no declared properties): Glue's
    ``DefaultArguments``, MWAA's ``AirflowConfigurationOptions``."""
    return _json_type(spec) == "object" and not spec.get("properties")


def left_out(schema: dict[str, Any]) -> list[str]:
    """Top-level properties the printed blueprint and mapping leave out, as they may hold
    secrets (the item carries them scrubbed, ``items.scrub_by_names``): value maps
    (``…Arguments``, ``…Parameters``, ``…Environment``, ``…Variables``, ``…Headers``), names of
    secrets, and maps of user-chosen keys other than ``Tags``."""
    properties: dict[str, Any] = schema.get("properties") or {}
    return [
        name
        for name, spec in properties.items()
        if holds_secrets(name) or (name != "Tags" and _user_map(_definition(spec, schema)))
    ]


def blueprint_and_mapping(
    kind: str, schema: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    secret = {_pointer_name(p) for p in schema.get("writeOnlyProperties") or []}
    secret |= set(left_out(schema))
    properties = {
        name: spec for name, spec in (schema.get("properties") or {}).items() if name not in secret
    }
    identifier = [_pointer_name(p) for p in schema.get("primaryIdentifier") or []] or ["Identifier"]
    ident = ' + "|" + '.join(f".Properties.{name}" for name in identifier)
    identifier_jq = f'.__ExtraContext.AccountId + "/" + .__ExtraContext.Region + "/" + {ident}'
    bp_id = blueprint_id(kind)
    blueprint = {
        "identifier": bp_id,
        "title": " ".join(re.findall(r"[A-Z][a-z0-9]*|[a-z0-9]+", kind.split("::")[2])) or kind,
        "description": f"{kind}, read through the Cloud Control API",
        "schema": {
            "properties": {
                name: {"title": name, "type": _json_type(spec)}
                | (
                    {"description": str(spec["description"])[:200]}
                    if spec.get("description")
                    else {}
                )
                for name, spec in properties.items()
            }
            | {
                "accountId": {"title": "Account", "type": "string"},
                "region": {"title": "Region", "type": "string"},
            },
            "required": [],
        },
        "relations": {
            "account": {
                "title": "Account",
                "target": "awsAccount",
                "required": False,
                "many": False,
            }
        },
    }
    mapping = {
        "resources": [
            {
                "kind": kind,
                "selector": {"query": "true"},
                "port": {
                    "entity": {
                        "mappings": {
                            "identifier": identifier_jq,
                            "title": f".Properties.{identifier[0]}",
                            "blueprint": json.dumps(bp_id),
                            "properties": {name: f".Properties.{name}" for name in properties}
                            | {
                                "accountId": ".__ExtraContext.AccountId",
                                "region": ".__ExtraContext.Region",
                            },
                            "relations": {"account": ".__ExtraContext.AccountId"},
                        }
                    }
                },
            }
        ]
    }
    return blueprint, mapping


async def _schema(kind: str, region: str) -> dict[str, Any] | None:
    async with aioboto3.Session().client("cloudformation", region_name=region) as client:
        return await cloudcontrol.registry_schema(client, kind)


def run(args: argparse.Namespace) -> int:
    kind = str(args.type)
    if not cloudcontrol.is_type_name(kind):
        print(f"type: expected a CloudFormation type name such as AWS::Glue::Job, got {kind!r}")
        return 2
    try:
        schema = asyncio.run(_schema(kind, args.region))
    except (ClientError, BotoCoreError) as error:
        print(f"cannot read {kind} from the CloudFormation registry of {args.region}: {error}")
        return 1
    if schema is None:
        print(f"type: {kind} is not in the CloudFormation registry of {args.region}")
        return 2
    if reason := cloudcontrol.not_listable(schema):
        print(f"type: {kind} cannot be a generic kind: {reason}")
        return 2
    blueprint, mapping = blueprint_and_mapping(kind, schema)
    print("# Blueprint (Port: Builder -> Data model -> + Blueprint -> Edit JSON)")
    print(json.dumps(blueprint, indent=2))
    print("\n# Mapping (append to the integration's mapping)")
    print(yaml.safe_dump(mapping, sort_keys=False, width=100), end="")
    if omitted := left_out(schema):
        names = ", ".join(omitted)
        print(f"\n# Left out, as they may hold secrets (the items carry them scrubbed): {names}")
    needed = cloudcontrol.handler_permissions(schema)
    if needed:
        print(f"\n# The role also needs (template parameter ExtraReadActions): {','.join(needed)}")
    return 0


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "blueprint",
        help="print a blueprint and a mapping for any AWS::Service::Type (read via Cloud Control)",
        description=(
            "Read a CloudFormation type's registry schema (DescribeType) and print a Port "
            "blueprint and a mapping for it as a generic kind, ready to paste."
        ),
    )
    parser.add_argument("type", help="CloudFormation type name, e.g. AWS::Glue::Job")
    parser.add_argument("--region", default="us-east-1", help="registry region (default us-east-1)")
    parser.set_defaults(func=run)
