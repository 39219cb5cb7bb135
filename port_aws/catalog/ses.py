"""SES (the v2 API): email identities and configuration sets.

Both lists give names only; the details (including tags) come from one Get call per item,
as SES has no batch form.
"""

from collections.abc import AsyncIterator
from typing import Any

from port_aws.catalog.model import (
    ARN_TAG_CHANGE,
    Gone,
    Item,
    LiveEvents,
    ResourceType,
    SliceContext,
)
from port_aws.catalog.parts import always, each_listed, token_pages, without_metadata
from port_aws.resync.items import tag_list


def _merged(sc: SliceContext, item: Item, detail: dict[str, Any], arn_type: str, name: str) -> Item:
    """A listed item with its details, tags as ``[{"Key", "Value"}]`` and the ARN."""
    merged = {**item, **detail}
    merged["Tags"] = tag_list(merged.get("Tags"))
    merged["Arn"] = sc.arn("ses", f"{arn_type}/{name}")
    return merged


async def _identity(sc: SliceContext, item: Item) -> Item:
    name = item["IdentityName"]
    answer = await sc.call("sesv2", "get_email_identity", EmailIdentity=name)
    return _merged(sc, item, without_metadata(answer), "identity", name)


async def _identities(sc: SliceContext) -> AsyncIterator[list[Item]]:
    async for page in token_pages(sc, "sesv2", "list_email_identities"):
        found = await each_listed(page.get("EmailIdentities", []), lambda i: _identity(sc, i))
        yield [item for item in found if item is not None]  # None: deleted since listed


async def _identity_named(sc: SliceContext, identifier: str) -> Item:
    """One identity: its list entry (``SendingEnabled`` is there only) and its details."""
    name = identifier.split(":identity/", 1)[-1]
    async for page in token_pages(sc, "sesv2", "list_email_identities"):
        for item in page.get("EmailIdentities", []):
            if item.get("IdentityName") == name:
                return await _identity(sc, dict(item))
    raise Gone(identifier)


async def _configuration_set(sc: SliceContext, identifier: str) -> Item:
    name = identifier.split(":configuration-set/", 1)[-1]
    answer = await sc.call("sesv2", "get_configuration_set", ConfigurationSetName=name)
    item = {"ConfigurationSetName": name}
    return _merged(sc, item, without_metadata(answer), "configuration-set", name)


async def _configuration_sets(sc: SliceContext) -> AsyncIterator[list[Item]]:
    async for page in token_pages(sc, "sesv2", "list_configuration_sets"):
        names: list[str] = page.get("ConfigurationSets", [])
        found = await each_listed(names, lambda name: _configuration_set(sc, name))
        yield [item for item in found if item is not None]  # None: deleted since listed


TAGGED = "requestParameters.resourceArn"
"""Where ``TagResource`` and ``UntagResource`` name the resource (identities and
configuration sets alike)."""

IDENTITY_EVENTS = LiveEvents(
    source="ses.amazonaws.com",
    upserts=(
        "CreateEmailIdentity",
        "PutEmailIdentityDkimAttributes",
        "PutEmailIdentityDkimSigningAttributes",
        "PutEmailIdentityFeedbackAttributes",
        "PutEmailIdentityMailFromAttributes",
        "PutEmailIdentityConfigurationSetAttributes",
        "VerifyEmailIdentity",
        "VerifyDomainIdentity",
        "TagResource",
        "UntagResource",
    ),
    deletes=("DeleteEmailIdentity", "DeleteIdentity"),
    ids=(
        "requestParameters.emailIdentity",
        "requestParameters.emailAddress",
        "requestParameters.domain",
        "requestParameters.identity",
        TAGGED,
    ),
    read=_identity_named,
    not_found=("NotFoundException",),
    gone=lambda i, sc: {
        "IdentityName": i.split(":identity/", 1)[-1],
        "Arn": sc.arn("ses", f"identity/{i.split(':identity/', 1)[-1]}"),
    },
    id_pattern=r"^(?!arn:)|:identity/",
    native=ARN_TAG_CHANGE,
)
"""SES v2's events and v1's (same source): both APIs manage the same identities."""

CONFIGURATION_SET_EVENTS = LiveEvents(
    source="ses.amazonaws.com",
    upserts=(
        "CreateConfigurationSet",
        "PutConfigurationSetDeliveryOptions",
        "PutConfigurationSetReputationOptions",
        "PutConfigurationSetSendingOptions",
        "PutConfigurationSetSuppressionOptions",
        "PutConfigurationSetTrackingOptions",
        "PutConfigurationSetVdmOptions",
        "TagResource",
        "UntagResource",
    ),
    deletes=("DeleteConfigurationSet",),
    ids=(
        "requestParameters.configurationSetName",
        "requestParameters.configurationSet.name",
        TAGGED,
    ),
    read=_configuration_set,
    not_found=("NotFoundException", "ConfigurationSetDoesNotExist"),
    gone=lambda i, sc: {
        "ConfigurationSetName": i.split(":configuration-set/", 1)[-1],
        "Arn": sc.arn("ses", f"configuration-set/{i.split(':configuration-set/', 1)[-1]}"),
    },
    id_pattern=r"^(?!arn:)|:configuration-set/",
    native=ARN_TAG_CHANGE,
)


ORDER = 180

TYPES = [
    ResourceType(
        kind="AWS::SES::EmailIdentity",
        service="sesv2",
        id="IdentityName",
        lister=_identities,
        calls=(
            "list_email_identities",
            "get_email_identity",
        ),
        action_aliases=always("ListEmailIdentitiesAction", "GetEmailIdentityAction"),
        live_events=IDENTITY_EVENTS,
    ),
    ResourceType(
        kind="AWS::SES::ConfigurationSet",
        service="sesv2",
        id="ConfigurationSetName",
        lister=_configuration_sets,
        calls=(
            "list_configuration_sets",
            "get_configuration_set",
        ),
        action_aliases=always("ListConfigurationSetsAction", "GetConfigurationSetAction"),
        live_events=CONFIGURATION_SET_EVENTS,
    ),
]
