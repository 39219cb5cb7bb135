"""Certificate Manager: certificates with tags; DescribeCertificate only when asked for."""

from tests.rig import DEFAULT_ACCOUNT, STATIC, Emulator, by_blueprint, mapping_for, resync


async def test_certificates(aws: Emulator) -> None:
    aws.list_regions(["us-east-1"])
    arn = aws.client("acm").request_certificate(
        DomainName="example.com", Tags=[{"Key": "team", "Value": "edge"}]
    )["CertificateArn"]

    result = await resync(STATIC, mapping_for("AWS::CertificateManager::Certificate"))

    assert result.errors == []
    [(identifier, certificate)] = by_blueprint(result, "acmCertificate").items()
    assert identifier == arn
    assert certificate["title"] == "example.com"
    assert certificate["properties"]["status"] == "PENDING_VALIDATION"
    assert certificate["properties"]["tags"] == [{"Key": "team", "Value": "edge"}]
    assert certificate["relations"] == {"account": DEFAULT_ACCOUNT}
    assert aws.count("acm", "DescribeCertificate") == 0
