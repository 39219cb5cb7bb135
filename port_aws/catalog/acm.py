"""Certificate Manager: certificates of every key type, with tags; full details optional."""

from port_aws.catalog.model import Enrichment, Item, LiveEvents, ResourceType, SliceContext
from port_aws.catalog.parts import each_item, field_is, read_listed, tagged, without_metadata

KEY_TYPES = [
    "RSA_1024",
    "RSA_2048",
    "RSA_3072",
    "RSA_4096",
    "EC_prime256v1",
    "EC_secp384r1",
    "EC_secp521r1",
]
"""ListCertificates returns only RSA_2048 certificates unless asked for every key type."""


async def _describe(sc: SliceContext, item: Item) -> Item:
    answer = await sc.call("acm", "describe_certificate", CertificateArn=item["Arn"])
    return without_metadata(answer.get("Certificate", {}))


LIVE_EVENTS = LiveEvents(
    source="acm.amazonaws.com",
    upserts=(
        "RequestCertificate",
        "ImportCertificate",
        "RenewCertificate",
        "UpdateCertificateOptions",
        "AddTagsToCertificate",
        "RemoveTagsFromCertificate",
    ),
    deletes=("DeleteCertificate",),
    ids=("responseElements.certificateArn", "requestParameters.certificateArn"),
    read=read_listed(
        "acm",
        "list_certificates",
        "CertificateSummaryList",
        field_is("CertificateArn"),
        Includes={"keyTypes": KEY_TYPES},
    ),
    not_found=(),
    gone=lambda arn, sc: {"Arn": arn},
)
"""Read from the list (its summaries are the item; ``DescribeCertificate`` is an optional
enrichment with other fields)."""

ORDER = 230

TYPES = [
    ResourceType(
        kind="AWS::CertificateManager::Certificate",
        service="acm",
        operation="list_certificates",
        params={"Includes": {"keyTypes": KEY_TYPES}},
        items="CertificateSummaryList",
        id="Arn",
        arn="{CertificateArn}",
        tags=tagged("Arn"),
        enrichments={
            "DescribeCertificate": Enrichment(
                each_item("Arn", _describe),
                ("describe_certificate",),
                "full certificate details: validation, renewal, in-use-by (one call per item)",
            ),
        },
        live_events=LIVE_EVENTS,
    ),
]
