"""KMS: keys (listed, then described one by one, as KMS has no batch describe) and their tags.

Only key metadata is read; nothing is encrypted or decrypted.
"""

from collections.abc import AsyncIterator
from typing import Any

from port_aws.catalog.calls import each_listed, tagged
from port_aws.catalog.model import Enrichment, Item, ResourceType, SliceContext


async def _keys(sc: SliceContext) -> AsyncIterator[list[Item]]:
    async for page in sc.pages("kms", "list_keys", PaginationConfig={"PageSize": 1000}):
        listed: list[Item] = page.get("Keys", [])

        async def describe(item: Item) -> dict[str, Any]:
            answer = await sc.call("kms", "describe_key", KeyId=item["KeyId"])
            return dict(answer.get("KeyMetadata", {}))

        found = await each_listed(listed, describe)
        out = [
            {**item, **detail, "Arn": detail.get("Arn") or item["KeyArn"]}
            for item, detail in zip(listed, found, strict=True)
            if detail is not None  # None: deleted since it was listed
        ]
        if out:
            yield out


async def _aliases(sc: SliceContext, items: list[Item]) -> dict[str, Item]:
    found: dict[str, list[str]] = {}
    async for page in sc.pages("kms", "list_aliases"):
        for alias in page.get("Aliases", []):
            if alias.get("TargetKeyId"):
                found.setdefault(str(alias["TargetKeyId"]), []).append(alias["AliasName"])
    return {str(i["KeyId"]): {"Aliases": found.get(str(i["KeyId"]), [])} for i in items}


TYPES = [
    ResourceType(
        kind="AWS::KMS::Key",
        service="kms",
        id="KeyId",
        lister=_keys,
        tags=tagged("KeyId"),
        enrichments={
            "ListAliases": Enrichment(
                _aliases, ("kms:ListAliases",), "Aliases: alias names of each key (one list call)"
            ),
        },
        permissions=("kms:ListKeys", "kms:DescribeKey"),
    ),
]
