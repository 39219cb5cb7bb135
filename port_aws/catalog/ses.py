"""SES (the v2 API): email identities and configuration sets.

Both lists give names only; the details (including tags) come from one Get call per item,
as SES has no batch form.
"""

from collections.abc import AsyncIterator
from typing import Any

from port_aws.catalog.calls import always, each_listed, token_pages, without_metadata
from port_aws.catalog.model import Item, ResourceType, SliceContext
from port_aws.items import tag_list


def _merged(
    sc: SliceContext, listed: list[Item], found: list[Any], arn_type: str, name_key: str
) -> list[Item]:
    """Listed items with their details, tags as ``[{"Key", "Value"}]`` and the ARN; items
    deleted since they were listed (no details) are left out."""
    out = []
    for item, detail in zip(listed, found, strict=True):
        if detail is not None:
            merged = {**item, **detail}
            merged["Tags"] = tag_list(merged.get("Tags"))
            merged["Arn"] = sc.arn("ses", f"{arn_type}/{item[name_key]}")
            out.append(merged)
    return out


async def _identities(sc: SliceContext) -> AsyncIterator[list[Item]]:
    async for page in token_pages(sc, "sesv2", "list_email_identities"):
        listed: list[Item] = page.get("EmailIdentities", [])

        async def details(item: Item) -> dict[str, Any]:
            name = item["IdentityName"]
            return without_metadata(
                await sc.call("sesv2", "get_email_identity", EmailIdentity=name)
            )

        found = await each_listed(listed, details)
        yield _merged(sc, listed, found, "identity", "IdentityName")


async def _configuration_sets(sc: SliceContext) -> AsyncIterator[list[Item]]:
    async for page in token_pages(sc, "sesv2", "list_configuration_sets"):
        names: list[str] = page.get("ConfigurationSets", [])

        async def details(name: str) -> dict[str, Any]:
            answer = await sc.call("sesv2", "get_configuration_set", ConfigurationSetName=name)
            return without_metadata(answer)

        listed = [{"ConfigurationSetName": name} for name in names]
        found = await each_listed(listed, lambda item: details(item["ConfigurationSetName"]))
        yield _merged(sc, listed, found, "configuration-set", "ConfigurationSetName")


TYPES = [
    ResourceType(
        kind="AWS::SES::EmailIdentity",
        service="sesv2",
        id="IdentityName",
        lister=_identities,
        permissions=("ses:ListEmailIdentities", "ses:GetEmailIdentity"),
        action_aliases=always("ListEmailIdentitiesAction", "GetEmailIdentityAction"),
    ),
    ResourceType(
        kind="AWS::SES::ConfigurationSet",
        service="sesv2",
        id="ConfigurationSetName",
        lister=_configuration_sets,
        permissions=("ses:ListConfigurationSets", "ses:GetConfigurationSet"),
        action_aliases=always("ListConfigurationSetsAction", "GetConfigurationSetAction"),
    ),
]
