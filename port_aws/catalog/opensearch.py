"""OpenSearch Service: domains (names listed, described five at a time, tags per domain)."""

from collections.abc import AsyncIterator

from port_aws.catalog.calls import chunks, per_item_tags
from port_aws.catalog.model import Enrichment, Item, ResourceType, SliceContext


async def _domains(sc: SliceContext) -> AsyncIterator[list[Item]]:
    answer = await sc.call("opensearch", "list_domain_names")
    names = [d["DomainName"] for d in answer.get("DomainNames", [])]
    for batch in chunks(names, 5):
        described = await sc.call("opensearch", "describe_domains", DomainNames=batch)
        found = [{**d, "Arn": d["ARN"]} for d in described.get("DomainStatusList", [])]
        if found:
            yield found


TYPES = [
    ResourceType(
        kind="AWS::OpenSearchService::Domain",
        service="opensearch",
        id="Arn",
        lister=_domains,
        tags=Enrichment(
            per_item_tags("opensearch", "list_tags", key="Arn", param="ARN", answer="TagList"),
            ("es:ListTags",),
        ),
        permissions=("es:ListDomainNames", "es:DescribeDomains"),
    ),
]
