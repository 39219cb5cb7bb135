"""Generic kinds: any CloudFormation type the catalog does not declare, read through Cloud Control.

A mapping may name any ``AWS::Service::Type``. Such a kind is read with Cloud Control
``ListResources`` (followed to the end, never trusting a token twice) and ``GetResource`` per
listed resource, unless the type's list handler is seen to answer whole models (``_models``) or
the selector asks for the list answer alone (``fullModels: false``). It is an ordinary
``ResourceType`` with a ``lister``, so the engine reads it in every slice with the same bounds,
deadlines and failure semantics as a declared kind. All Cloud Control calls of one account and
region share one small limiter (``CLOUDCONTROL_CONCURRENCY`` calls in flight) and one pacer
(``CLOUDCONTROL_RATE`` calls per second); botocore's standard retries absorb what throttling is
left.

The registry check (the type exists in that region's CloudFormation registry and has a list
handler that needs no parent resource) is made in every slice: a type missing in one region
fails only that slice ("not available there"); a type no slice's registry can list is one
mapping error naming it and why (``unknown_everywhere``). Nothing is ever deleted on either.

Item: ``Properties`` is the resource model (the JSON Cloud Control answers, parsed), with
secret-looking values removed; ``Identifier`` is added when the model lacks it.
"""

import json
import re
from collections.abc import AsyncIterator, Sequence
from functools import cache
from typing import Any

from botocore.exceptions import ClientError

from port_aws.aws.bounds import CALLS_PER_SECOND
from port_aws.aws.errors import TYPE_NOT_LISTABLE, TYPE_UNKNOWN, read_denied
from port_aws.catalog.model import Item, ResourceType, Scope, SliceContext, operation_action
from port_aws.catalog.parts import each_listed, token_pages
from port_aws.resync.items import scrub_by_names
from port_aws.resync.stats import SliceProblem

TYPE_NAME = re.compile(r"^[A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9]+$")
"""``AWS::Glue::Job``; third-party registry types share the shape (``Org::Service::Type``)."""

SERVICE = "cloudcontrol"
CALLS = ("list_resources", "get_resource")
PERMISSIONS = tuple(operation_action(SERVICE, operation) for operation in CALLS)
REGISTRY_PERMISSIONS = (operation_action("cloudformation", "describe_type"),)

CLOUDCONTROL_CONCURRENCY = 2
"""Cloud Control calls in flight per (account, region): each call runs the type's own handler
against its service, and more in flight only buys throttling."""

OBSERVED_RATE_CEILING = 30.0
"""Cloud Control calls per second per account and region beyond which it answers
ThrottlingException, as far as anyone has published. AWS publishes no request-rate quota for
Cloud Control: the AWS General Reference page "Cloud Control API endpoints and quotas"
(docs.aws.amazon.com/general/latest/gr/cloudcontrolapi.html) says "This service has no
quotas". The one public measurement is aws-nuke's
(github.com/ekristen/aws-nuke issue 508: "roughly 30 req/sec"; pull request 510 settled on 25 per
second). Each call also runs the type's handler against the underlying service, whose own rate
limits apply. The stand-in and ``make bench`` throttle at this rate."""

CLOUDCONTROL_RATE = CALLS_PER_SECOND[SERVICE]
"""Cloud Control calls started per second per (account, region), across all generic kinds: two
thirds of ``OBSERVED_RATE_CEILING``, leaving room for the account's other callers (consoles,
Terraform, other tools share the same limit). Every slice's calls are paced at it
(``SliceContext.call``)."""

GLOBAL_SERVICES = frozenset({"IAM", "Organizations", "Route53", "CloudFront"})
"""Services whose resources are global and whose control plane is the partition's home region
(us-east-1 in aws): read once per account, there. Global Accelerator is not among them: its
control plane is us-west-2 only, so its types are read per region (a regionPolicy allowing
us-west-2 reads them once)."""


class TypeNotAvailable(Exception):
    """Cloud Control cannot list this type in this region; the slice fails, nothing is deleted."""


class TypeNotListable(TypeNotAvailable):
    """This region's CloudFormation registry lacks the type, or has it without a list handler
    a generic kind can call (none, or one that lists per parent resource). In one region: that
    slice is not available there; in every region read: the mapping names no type Cloud Control
    can list (``unknown_everywhere``). The message ends with ``": " + reason``."""


UNKNOWN_TYPE = TypeNotListable.__name__
"""The code of a slice problem raised by ``TypeNotListable`` (the engine names problems of
non-AWS exceptions by their class)."""

NO_SUCH_TYPE = (
    "no such type in the CloudFormation registry (check the spelling: AWS::Service::Type)"
)


class ReadDenied(Exception):
    """The list was allowed but reading a listed resource was not: the slice fails whatever
    ``accessDeniedPolicy`` says, since the slice was listed, not found empty."""


def is_type_name(kind: str) -> bool:
    return bool(TYPE_NAME.match(kind))


def is_global(kind: str) -> bool:
    return kind.split("::")[1] in GLOBAL_SERVICES


def _model(identifier: str, properties: str | None) -> Item:
    model = json.loads(properties) if properties else {}
    if not isinstance(model, dict):
        raise ValueError(f"resource {identifier!r}: Properties is not a JSON object")
    cleaned: Item = scrub_by_names(model)  # names kept, so a mapping can show which exist
    cleaned.setdefault("Identifier", identifier)
    return cleaned


def _lister(kind: str) -> Any:
    async def lister(sc: SliceContext) -> AsyncIterator[list[Item]]:
        await _check_registry(sc, kind)
        pages = token_pages(sc, SERVICE, "list_resources", TypeName=kind)
        complete: bool | None = None  # whether the list answers whole models: not known yet
        while True:
            try:
                answer = await anext(pages, None)
            except ClientError as error:
                code = error.response.get("Error", {}).get("Code", "")
                if code in TYPE_NOT_LISTABLE:
                    raise TypeNotAvailable(
                        f"{kind} is not available there: Cloud Control cannot list it in "
                        f"{sc.region} ({code})"
                    ) from None
                raise
            if answer is None:
                return
            found = answer.get("ResourceDescriptions") or []
            listed = [(str(d["Identifier"]), d.get("Properties")) for d in found]
            page, complete = await _models(sc, kind, listed, complete)
            if page:
                yield page

    return lister


PROBES = 3
"""Listed resources of a slice also read with ``GetResource`` to learn whether the type's list
handler answers whole models (``_models``)."""


async def _models(
    sc: SliceContext, kind: str, listed: list[tuple[str, str | None]], complete: bool | None
) -> tuple[list[Item], bool | None]:
    """One page's models, and whether the type's list handler answers whole models (None: not
    known yet).

    A list handler answers each resource's identifier and, depending on the type, all, some or
    none of its properties (Kinesis streams: ``Name`` alone; log groups: three). The registry
    schema cannot tell: a read handler leaves out the properties a resource does not set, so a
    list entry lacking some of the schema's properties may be whole. So up to ``PROBES``
    resources of the slice's first page that lists properties are read with ``GetResource`` too: when each
    model equals its list entry, the list is whole and the slice's other entries are taken from
    it; when any differs (properties left out, or the resource changed between the two calls),
    every resource is read with ``GetResource``. An entry without properties is always read.
    With ``fullModels: false`` the list answer is taken as it is. Every call is paced and bounded
    by the slice's Cloud Control limiter; one that fails fails the slice, before anything of the
    page is yielded."""
    if not sc.options.full_models:
        return [_model(i, properties) for i, properties in listed], complete
    fetched: dict[str, Item | None] = {}
    if complete is None:
        probes = [(i, properties) for i, properties in listed if properties][:PROBES]
        models = await each_listed([i for i, _ in probes], lambda i: _get(sc, kind, i))
        fetched = {i: model for (i, _), model in zip(probes, models, strict=True)}
        same = [m == _model(i, p) for (i, p), m in zip(probes, models, strict=True) if m]
        complete = all(same) if same else None
    rest = [i for i, properties in listed if i not in fetched and not (complete and properties)]
    fetched |= zip(rest, await each_listed(rest, lambda i: _get(sc, kind, i)), strict=True)
    page = [fetched[i] if i in fetched else _model(i, properties) for i, properties in listed]
    return [model for model in page if model], complete


async def _check_registry(sc: SliceContext, kind: str) -> None:
    """The type must be in this region's CloudFormation registry and have a list handler."""
    async with sc.limiter:
        schema = await registry_schema(await sc.client("cloudformation"), kind)
    reason = NO_SUCH_TYPE if schema is None else not_listable(schema)
    if reason:
        raise TypeNotListable(f"{kind} is not available there ({sc.region}): {reason}")


def unknown_everywhere(kind: str, failed: Sequence[SliceProblem]) -> str | None:
    """One line naming the kind when every failed slice failed because its region's registry
    has no listable type of that name (a misspelled or retired type name); None otherwise. The
    caller asks only when no slice was read."""
    if not failed or any(p.code != UNKNOWN_TYPE for p in failed):
        return None
    regions = ", ".join(sorted({p.region for p in failed}))
    reasons = "; ".join(sorted({p.message.partition(f"({p.region}): ")[2] for p in failed}))
    return (
        f"invalid mapping: kind {kind!r} is no CloudFormation type Cloud Control can list (in "
        f"{regions}: {reasons}); fix the kind or remove it from the mapping (nothing was deleted)"
    )


async def _get(sc: SliceContext, kind: str, identifier: str) -> Item | None:
    """One resource's model; each call holds the slice's Cloud Control limiter, which bounds
    the fan-out."""
    try:
        answer = await sc.call(SERVICE, "get_resource", TypeName=kind, Identifier=identifier)
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if read_denied(code):
            raise ReadDenied(
                f"{kind}: cloudformation:GetResource (or the type's read handler permissions) "
                f"denied for a listed resource in {sc.region} ({code}); allow the type's read "
                "actions (template parameter ExtraReadActions)"
            ) from None
        raise
    description = answer.get("ResourceDescription") or {}
    return _model(str(description.get("Identifier") or identifier), description.get("Properties"))


def _scope(kind: str) -> Scope:
    if kind.split("::")[1] == "Organizations":
        return Scope.MANAGEMENT_ACCOUNT
    return Scope.GLOBAL if is_global(kind) else Scope.REGIONAL


@cache
def generic(kind: str) -> ResourceType:
    """The ResourceType reading ``kind`` through Cloud Control. Organizations types are read in
    the organization's management account only, as the declared Organizations kinds are."""
    return ResourceType(
        kind=kind,
        service=SERVICE,
        id="Identifier",
        calls=CALLS,
        scope=_scope(kind),
        lister=_lister(kind),
    )


async def registry_schema(client: Any, kind: str) -> dict[str, Any] | None:
    """The type's registry schema (DescribeType), or None when the registry does not know it.

    ``client`` is a CloudFormation client of the region asked about."""
    try:
        answer = await client.describe_type(Type="RESOURCE", TypeName=kind)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in TYPE_UNKNOWN:
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


def not_listable(schema: dict[str, Any]) -> str:
    """Why a generic kind cannot list the type of this registry schema; empty when it can."""
    listing = (schema.get("handlers") or {}).get("list")
    if listing is None:
        return "the type has no list handler, so Cloud Control cannot list it"
    parents = (listing.get("handlerSchema") or {}).get("required") or []
    if parents:
        return (
            f"its list handler lists per parent resource (it needs {', '.join(parents)}), which "
            "a generic kind does not give"
        )
    return ""


async def read_check(session: Any, region: str, kind: str) -> tuple[bool, str, str]:
    """Doctor's check of a generic kind in one account and region: (ok, detail, fix).

    Reads the type's handler permissions from the registry and lists one resource; when Cloud
    Control refuses, the fix names the handler actions the role must be granted."""
    async with session.client("cloudformation", region_name=region) as cloudformation:
        schema = await registry_schema(cloudformation, kind)
    if schema is None:
        return False, f"not in the CloudFormation registry of {region}", "check the type name"
    if reason := not_listable(schema):
        return False, f"{reason} ({region})", ""
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
