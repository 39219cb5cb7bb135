"""Global services read once per account: Route 53 hosted zones and CloudFront distributions."""

from emulation.seeds import cloudfront_site
from tests.rig import DEFAULT_ACCOUNT, STATIC, Emulator, by_blueprint, mapping_for, resync


async def test_hosted_zones_and_distributions(aws: Emulator) -> None:
    aws.list_regions(["us-east-1", "eu-west-1"])
    route53 = aws.client("route53")
    zone = route53.create_hosted_zone(Name="example.com", CallerReference="seed")["HostedZone"]
    zone_id = zone["Id"].rsplit("/", 1)[-1]
    route53.change_tags_for_resource(
        ResourceType="hostedzone", ResourceId=zone_id, AddTags=[{"Key": "team", "Value": "dns"}]
    )
    distribution = cloudfront_site(aws.client)

    result = await resync(
        STATIC, mapping_for("AWS::Route53::HostedZone", "AWS::CloudFront::Distribution")
    )

    assert result.errors == []
    [(arn, found_zone)] = by_blueprint(result, "route53HostedZone").items()
    assert arn == f"arn:aws:route53:::hostedzone/{zone_id}"
    assert found_zone["title"] == "example.com."
    assert found_zone["properties"]["hostedZoneId"] == zone_id
    assert found_zone["properties"]["tags"] == [{"Key": "team", "Value": "dns"}]
    assert found_zone["relations"] == {"account": DEFAULT_ACCOUNT}

    [(arn, found)] = by_blueprint(result, "cloudfrontDistribution").items()
    assert arn == distribution["ARN"]
    assert arn == f"arn:aws:cloudfront::{DEFAULT_ACCOUNT}:distribution/{distribution['Id']}"
    assert found["properties"]["enabled"] is True
    assert found["properties"]["tags"] == [{"Key": "team", "Value": "edge"}]
    assert found["relations"] == {
        "account": DEFAULT_ACCOUNT,
        "originBuckets": ["arn:aws:s3:::site"],
        "certificate": None,
    }
    # once per account, not once per region
    assert aws.count("route53", "GET /2013-04-01/hostedzone") == 1
    assert aws.count("cloudfront", "GET /2020-05-31/distribution") == 1
