"""OpenSearch Service: domains (names listed, described five at a time, tags per domain)."""

from collections.abc import AsyncIterator

from port_aws.catalog.model import Gone, Item, LiveEvents, ResourceType, SliceContext
from port_aws.catalog.parts import chunks, last_part, tagged


async def _described(sc: SliceContext, names: list[str]) -> list[Item]:
    described = await sc.call("opensearch", "describe_domains", DomainNames=names)
    return [{**d, "Arn": d["ARN"]} for d in described.get("DomainStatusList", [])]


async def _domains(sc: SliceContext) -> AsyncIterator[list[Item]]:
    answer = await sc.call("opensearch", "list_domain_names")
    names = [d["DomainName"] for d in answer.get("DomainNames", [])]
    for batch in chunks(names, 5):
        found = await _described(sc, batch)
        if found:
            yield found


async def _domain(sc: SliceContext, identifier: str) -> Item:
    """One domain, by name or ARN (``…:domain/<name>``)."""
    found = await _described(sc, [last_part(identifier)])
    if not found:
        raise Gone(identifier)
    return found[0]


LIVE_EVENTS = LiveEvents(
    source="es.amazonaws.com",
    upserts=(
        "CreateDomain",
        "UpdateDomainConfig",
        "UpgradeDomain",
        "CreateElasticsearchDomain",
        "UpdateElasticsearchDomainConfig",
        "AddTags",
        "RemoveTags",
    ),
    deletes=("DeleteDomain", "DeleteElasticsearchDomain"),
    # AddTags and RemoveTags name the domain by its ARN, a request member CloudTrail writes as
    # ``aRN`` (as it writes the answer's, recorded in CreateDomain's ``domainStatus.aRN``)
    ids=("requestParameters.domainName", "requestParameters.aRN"),
    read=_domain,
    not_found=("ResourceNotFoundException",),
    gone=lambda i, sc: {"Arn": sc.arn("es", f"domain/{last_part(i)}")},
    id_pattern=r"^(?!arn:)|:domain/",
)
"""OpenSearch Service's events (and those of its Elasticsearch API), under the source ``es``."""


ORDER = 310

TYPES = [
    ResourceType(
        kind="AWS::OpenSearchService::Domain",
        service="opensearch",
        id="Arn",
        lister=_domains,
        tags=tagged("Arn"),
        calls=(
            "list_domain_names",
            "describe_domains",
        ),
        live_events=LIVE_EVENTS,
    ),
]
