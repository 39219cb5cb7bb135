"""Certificate Manager: certificates of every key type, with tags; full details optional."""

from port_aws.catalog.calls import each_item, tagged, without_metadata
from port_aws.catalog.model import Enrichment, Item, ResourceType, SliceContext

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
                ("acm:DescribeCertificate",),
                "full certificate details: validation, renewal, in-use-by (one call per item)",
            ),
        },
        permissions=("acm:ListCertificates",),
    ),
]
