"""KMS: keys (listed, then described one by one, as KMS has no batch describe) and their tags.

Only key metadata is read; nothing is encrypted or decrypted.
"""

from collections.abc import AsyncIterator

from port_aws.catalog.model import (
    ARN_TAG_CHANGE,
    Enrichment,
    Item,
    LiveEvents,
    ResourceType,
    SliceContext,
)
from port_aws.catalog.parts import each_listed, last_part, per_item, tagged


async def _key(sc: SliceContext, listed: Item) -> Item:
    """A listed key (``KeyId``, ``KeyArn``) with its description."""
    answer = await sc.call("kms", "describe_key", KeyId=listed["KeyId"])
    detail = dict(answer.get("KeyMetadata", {}))
    return {**listed, **detail, "Arn": detail.get("Arn") or listed["KeyArn"]}


async def _keys(sc: SliceContext) -> AsyncIterator[list[Item]]:
    async for page in sc.pages("kms", "list_keys", PaginationConfig={"PageSize": 1000}):
        found = await each_listed(page.get("Keys", []), lambda item: _key(sc, item))
        out = [item for item in found if item is not None]  # None: deleted since listed
        if out:
            yield out


async def _key_by_id(sc: SliceContext, identifier: str) -> Item:
    key_id = last_part(identifier)
    return await _key(sc, {"KeyId": key_id, "KeyArn": sc.arn("kms", f"key/{key_id}")})


LIVE_EVENTS = LiveEvents(
    source="kms.amazonaws.com",
    upserts=(
        "CreateKey",
        "EnableKey",
        "DisableKey",
        "ScheduleKeyDeletion",
        "CancelKeyDeletion",
        "EnableKeyRotation",
        "DisableKeyRotation",
        "UpdateKeyDescription",
        "TagResource",
        "UntagResource",
        "CreateAlias",
        "UpdateAlias",
        "DeleteAlias",
    ),
    deletes=(),
    ids=(
        "responseElements.keyMetadata.keyId",
        "requestParameters.targetKeyId",
        "requestParameters.keyId",
        # the key an alias event touched, as CloudTrail lists it among the event's resources
        "resources[?type=='AWS::KMS::Key'].ARN",
    ),
    read=_key_by_id,
    not_found=("NotFoundException",),
    gone=lambda i, sc: {"KeyId": last_part(i), "Arn": sc.arn("kms", f"key/{last_part(i)}")},
    id_pattern=r"^(?!alias/)(?!arn:[^:]+:kms:[^:]*:[0-9]*:alias/)",
    native=ARN_TAG_CHANGE,
)
"""A key's deletion is scheduled (``ScheduleKeyDeletion``: PendingDeletion, as the resync
reads it) and happens later without an API call of the account: it leaves at the next resync.
Alias events re-read the key they point to (``DeleteAlias`` names it only among the event's
``resources``)."""


async def _aliases(sc: SliceContext, items: list[Item]) -> dict[str, Item]:
    found: dict[str, list[str]] = {}
    async for page in sc.pages("kms", "list_aliases"):
        for alias in page.get("Aliases", []):
            if alias.get("TargetKeyId"):
                found.setdefault(str(alias["TargetKeyId"]), []).append(alias["AliasName"])
    return {str(i["KeyId"]): {"Aliases": found.get(str(i["KeyId"]), [])} for i in items}


ORDER = 290

TYPES = [
    ResourceType(
        kind="AWS::KMS::Key",
        service="kms",
        id="KeyId",
        lister=_keys,
        tags=tagged("KeyId"),
        enrichments={
            "ListAliases": Enrichment(
                _aliases, ("list_aliases",), "Aliases: alias names of each key (one list call)"
            ),
            "GetKeyRotationStatus": Enrichment(
                per_item(
                    "kms",
                    "get_key_rotation_status",
                    key="KeyId",
                    param="KeyId",
                    answer="KeyRotationEnabled",
                    prop="KeyRotationEnabled",
                ),
                ("get_key_rotation_status",),
                "KeyRotationEnabled: whether the key rotates automatically (one call per key)",
            ),
        },
        calls=(
            "list_keys",
            "describe_key",
        ),
        live_events=LIVE_EVENTS,
    ),
]
