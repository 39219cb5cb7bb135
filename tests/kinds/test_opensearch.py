"""OpenSearch Service: domains described in batches, tags per domain."""

from tests.rig import DEFAULT_ACCOUNT, STATIC, Emulator, by_blueprint, mapping_for, resync


async def test_domains(aws: Emulator) -> None:
    aws.list_regions(["us-east-1"])
    opensearch = aws.client("opensearch")
    for name in ("search", "logs"):
        opensearch.create_domain(DomainName=name, TagList=[{"Key": "team", "Value": name}])

    result = await resync(STATIC, mapping_for("AWS::OpenSearchService::Domain"))

    assert result.errors == []
    domains = by_blueprint(result, "opensearchDomain")
    arn = f"arn:aws:es:us-east-1:{DEFAULT_ACCOUNT}:domain"
    assert set(domains) == {f"{arn}/search", f"{arn}/logs"}
    assert domains[f"{arn}/logs"]["properties"]["tags"] == [{"Key": "team", "Value": "logs"}]
    assert domains[f"{arn}/logs"]["relations"] == {
        "account": DEFAULT_ACCOUNT,
        "vpc": None,
        "subnets": [],
        "securityGroups": [],
        "kmsKey": None,
    }
    assert aws.count("es", "POST /2021-01-01/opensearch/domain-info") == 1
