"""Certificate Manager: certificates of every key type, with tags; full details optional."""

from typing import Any

from port_aws.catalog.calls import tagged, without_metadata
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


async def _describe(sc: SliceContext, items: list[Item]) -> dict[str, Item]:
    async def one(item: Item) -> dict[str, Any]:
        answer = await sc.call("acm", "describe_certificate", CertificateArn=item["Arn"])
        return without_metadata(answer.get("Certificate", {}))

    found = await sc.each(items, one)
    return {str(i["Arn"]): f for i, f in zip(items, found, strict=True) if f is not None}


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
                _describe,
                ("acm:DescribeCertificate",),
                "full certificate details: validation, renewal, in-use-by (one call per item)",
            ),
        },
        permissions=("acm:ListCertificates",),
    ),
]
