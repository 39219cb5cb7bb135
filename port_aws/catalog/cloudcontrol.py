"""Generic kinds: any CloudFormation type the catalog does not declare, read through Cloud Control.

A mapping may name any ``AWS::Service::Type``. Such a kind is read with Cloud Control
``ListResources`` (followed to the end, never trusting a token twice) and, where the type's list
handler answers identifiers only, ``GetResource`` per identifier. It is an ordinary
``ResourceType`` with a ``lister``, so the engine reads it in every slice with the same bounds,
deadlines and failure semantics as a declared kind. All Cloud Control calls of one account and
region share one small limiter (``CLOUDCONTROL_CONCURRENCY``): its request rates are low.

Item: ``Properties`` is the resource model (the JSON Cloud Control answers, parsed), with
secret-looking values removed; ``Identifier`` is added when the model lacks it.
"""

import json
import re
from collections.abc import AsyncIterator
from functools import cache
from typing import Any

from botocore.exceptions import ClientError

from port_aws.catalog.calls import each_listed
from port_aws.catalog.model import Item, ResourceType, SliceContext
from port_aws.items import REDACTED

TYPE_NAME = re.compile(r"^[A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9]+$")
"""``AWS::Glue::Job``; third-party registry types share the shape (``Org::Service::Type``)."""

SERVICE = "cloudcontrol"
PERMISSIONS = ("cloudformation:ListResources", "cloudformation:GetResource")
REGISTRY_PERMISSIONS = ("cloudformation:DescribeType",)

CLOUDCONTROL_CONCURRENCY = 2
"""Cloud Control calls in flight per (account, region): its request quotas are a few per second,
so more in flight only buys throttling. Retries (standard mode) absorb the rest."""

MAX_PAGES = 10_000
"""A list that has not ended after this many pages is a broken answer, not a big account."""

GLOBAL_SERVICES = frozenset({"IAM", "Organizations", "Route53", "CloudFront", "GlobalAccelerator"})
"""Services whose resources are global: read once per account, in the partition's home region."""

NOT_AVAILABLE_CODES = frozenset(
    {"TypeNotFoundException", "UnsupportedActionException", "InvalidRequestException"}
)
"""Cloud Control's answers when it cannot list this type in this region."""

_SECRET_KEY = re.compile(r"password|secret|token|credential|privatekey|apikey", re.IGNORECASE)


class TypeNotAvailable(Exception):
    """Cloud Control cannot list this type in this region; the slice fails, nothing is deleted."""


class ReadDenied(Exception):
    """The list was allowed but reading a listed resource was not: the slice fails whatever
    ``accessDeniedPolicy`` says, since the slice was listed, not found empty."""


def is_type_name(kind: str) -> bool:
    return bool(TYPE_NAME.match(kind))


def is_global(kind: str) -> bool:
    return kind.split("::")[1] in GLOBAL_SERVICES


def scrub(value: Any) -> Any:
    """The model without secrets: values of secret-looking keys and environment variables are
    replaced by a marker (names are kept so a mapping can still show which exist)."""
    if isinstance(value, list):
        return [scrub(v) for v in value]
    if not isinstance(value, dict):
        return value
    clean: dict[str, Any] = {}
    for key, inner in value.items():
        if _SECRET_KEY.search(key) and not isinstance(inner, bool):
            clean[key] = REDACTED
        elif key == "Variables" and isinstance(inner, dict):
            clean[key] = dict.fromkeys(inner, REDACTED)
        elif key == "Environment" and isinstance(inner, list):
            clean[key] = [
                {**v, "Value": REDACTED} if isinstance(v, dict) and "Value" in v else scrub(v)
                for v in inner
            ]
        else:
            clean[key] = scrub(inner)
    return clean


def _model(identifier: str, properties: str | None) -> Item:
    model = json.loads(properties) if properties else {}
    if not isinstance(model, dict):
        raise ValueError(f"resource {identifier!r}: Properties is not a JSON object")
    cleaned: Item = scrub(model)
    cleaned.setdefault("Identifier", identifier)
    return cleaned


def _lister(kind: str) -> Any:
    async def lister(sc: SliceContext) -> AsyncIterator[list[Item]]:
        await _check_registry(sc, kind)
        params: dict[str, Any] = {"TypeName": kind}
        seen: set[str] = set()
        for _ in range(MAX_PAGES):
            try:
                answer = await sc.call(SERVICE, "list_resources", **params)
            except ClientError as error:
                code = error.response.get("Error", {}).get("Code", "")
                if code in NOT_AVAILABLE_CODES:
                    raise TypeNotAvailable(
                        f"{kind} is not available there: Cloud Control cannot list it in "
                        f"{sc.region} ({code})"
                    ) from None
                raise
            found = answer.get("ResourceDescriptions") or []
            full = [d for d in found if d.get("Properties")]
            bare = [str(d["Identifier"]) for d in found if not d.get("Properties")]
            page = [_model(str(d["Identifier"]), d["Properties"]) for d in full]
            page += [m for m in await each_listed(bare, lambda i: _get(sc, kind, i)) if m]
            if page:
                yield page
            token = answer.get("NextToken")
            if not token:
                return
            if token in seen:
                raise RuntimeError(f"{kind}: ListResources repeated a NextToken")
            seen.add(token)
            params["NextToken"] = token
        raise RuntimeError(f"{kind}: ListResources did not end after {MAX_PAGES} pages")

    return lister


async def _check_registry(sc: SliceContext, kind: str) -> None:
    """The type must be in this region's CloudFormation registry and have a list handler."""
    async with sc.limiter:
        schema = await registry_schema(await sc.client("cloudformation"), kind)
    if schema is None:
        raise TypeNotAvailable(
            f"{kind} is not available there: no such type in the CloudFormation registry of "
            f"{sc.region} (check the kind's spelling, AWS::Service::Type)"
        )
    if not can_list(schema):
        raise TypeNotAvailable(f"{kind} has no list handler: Cloud Control cannot list it")


async def _get(sc: SliceContext, kind: str, identifier: str) -> Item | None:
    """One resource's model; each call holds the slice's Cloud Control limiter, which bounds
    the fan-out."""
    try:
        answer = await sc.call(SERVICE, "get_resource", TypeName=kind, Identifier=identifier)
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if "AccessDenied" in code or code in ("UnauthorizedOperation", "Forbidden"):
            raise ReadDenied(
                f"{kind}: cloudformation:GetResource (or the type's read handler permissions) "
                f"denied for a listed resource in {sc.region} ({code}); allow the type's read "
                "actions (template parameter ExtraReadActions)"
            ) from None
        raise
    description = answer.get("ResourceDescription") or {}
    return _model(str(description.get("Identifier") or identifier), description.get("Properties"))


@cache
def generic(kind: str) -> ResourceType:
    """The ResourceType reading ``kind`` through Cloud Control."""
    return ResourceType(
        kind=kind,
        service=SERVICE,
        id="Identifier",
        permissions=PERMISSIONS,
        global_service=is_global(kind),
        lister=_lister(kind),
    )


async def registry_schema(client: Any, kind: str) -> dict[str, Any] | None:
    """The type's registry schema (DescribeType), or None when the registry does not know it.

    ``client`` is a CloudFormation client of the region asked about."""
    try:
        answer = await client.describe_type(Type="RESOURCE", TypeName=kind)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("TypeNotFoundException", "CFNRegistry"):
            return None
        raise
    schema: dict[str, Any] = json.loads(answer.get("Schema") or "{}")
    return schema


def handler_permissions(schema: dict[str, Any]) -> list[str]:
    """IAM actions the type's list and read handlers need, as the registry declares them."""
    handlers = schema.get("handlers") or {}
    actions: list[str] = []
    for name in ("list", "read"):
        actions += (handlers.get(name) or {}).get("permissions") or []
    return sorted(set(actions))


def can_list(schema: dict[str, Any]) -> bool:
    return "list" in (schema.get("handlers") or {})


async def read_check(session: Any, region: str, kind: str) -> tuple[bool, str, str]:
    """Doctor's check of a generic kind in one account and region: (ok, detail, fix).

    Reads the type's handler permissions from the registry and lists one resource; when Cloud
    Control refuses, the fix names the handler actions the role must be granted."""
    async with session.client("cloudformation", region_name=region) as cloudformation:
        schema = await registry_schema(cloudformation, kind)
    if schema is None:
        return False, f"not in the CloudFormation registry of {region}", "check the type name"
    if not can_list(schema):
        return False, "the type has no list handler: Cloud Control cannot list it", ""
    needed = handler_permissions(schema)
    try:
        async with session.client(SERVICE, region_name=region) as cloudcontrol:
            await cloudcontrol.list_resources(TypeName=kind, MaxResults=1)
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        message = error.response.get("Error", {}).get("Message", "")
        fix = (
            "grant the type's handler actions: add "
            f"{','.join(needed) or '(none declared)'} to the ExtraReadActions template parameter"
        )
        return False, f"ListResources refused in {region}: {code}: {message}", fix
    return True, f"readable in {region}; its handlers use {', '.join(needed) or 'no actions'}", ""
