"""API Gateway: REST APIs (v1) and HTTP APIs (v2), tags from the list answers."""

from tests.rig import DEFAULT_ACCOUNT, STATIC, Emulator, by_blueprint, mapping_for, resync


async def test_rest_and_http_apis(aws: Emulator) -> None:
    aws.list_regions(["us-east-1"])
    rest = aws.client("apigateway").create_rest_api(name="orders", tags={"team": "shop"})["id"]
    http = aws.client("apigatewayv2").create_api(
        Name="events", ProtocolType="HTTP", Tags={"team": "ingest"}
    )["ApiId"]

    result = await resync(STATIC, mapping_for("AWS::ApiGateway::RestApi", "AWS::ApiGatewayV2::Api"))

    assert result.errors == []
    [(arn, found)] = by_blueprint(result, "apigatewayRestApi").items()
    assert arn == f"arn:aws:apigateway:us-east-1::/restapis/{rest}"
    assert found["title"] == "orders"
    assert found["properties"]["tags"] == [{"Key": "team", "Value": "shop"}]
    assert found["relations"] == {"account": DEFAULT_ACCOUNT}

    [(arn, found)] = by_blueprint(result, "apigatewayv2Api").items()
    assert arn == f"arn:aws:apigateway:us-east-1::/apis/{http}"
    assert found["properties"]["protocolType"] == "HTTP"
    assert found["properties"]["tags"] == [{"Key": "team", "Value": "ingest"}]
    assert found["relations"] == {"account": DEFAULT_ACCOUNT}
