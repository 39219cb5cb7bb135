"""API Gateway: REST APIs (v1) and HTTP APIs (v2), tags from the list answers."""

from tests.kinds.seed import lambda_function
from tests.rig import DEFAULT_ACCOUNT, STATIC, Emulator, by_blueprint, mapping_for, resync


async def test_rest_and_http_apis(aws: Emulator) -> None:
    aws.list_regions(["us-east-1"])
    role = aws.client("iam").create_role(RoleName="api", AssumeRolePolicyDocument="{}")
    function = lambda_function(aws, "orders", role["Role"]["Arn"])
    v1 = aws.client("apigateway")
    rest = v1.create_rest_api(name="orders", tags={"team": "shop"})["id"]
    root = v1.get_resources(restApiId=rest)["items"][0]["id"]
    orders = v1.create_resource(restApiId=rest, parentId=root, pathPart="orders")["id"]
    for method, uri in (
        (
            "GET",
            f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{function}/invocations",
        ),
        ("POST", "https://backend.example.com/orders"),
    ):
        v1.put_method(
            restApiId=rest, resourceId=orders, httpMethod=method, authorizationType="NONE"
        )
        v1.put_integration(
            restApiId=rest,
            resourceId=orders,
            httpMethod=method,
            type="AWS_PROXY" if method == "GET" else "HTTP_PROXY",
            integrationHttpMethod="POST",
            uri=uri,
        )
    v2 = aws.client("apigatewayv2")
    http = v2.create_api(Name="events", ProtocolType="HTTP", Tags={"team": "ingest"})["ApiId"]
    v2.create_integration(
        ApiId=http,
        IntegrationType="AWS_PROXY",
        IntegrationUri=f"{function}:live",
        PayloadFormatVersion="2.0",
    )

    result = await resync(STATIC, mapping_for("AWS::ApiGateway::RestApi", "AWS::ApiGatewayV2::Api"))

    assert result.errors == []
    [(arn, found)] = by_blueprint(result, "apigatewayRestApi").items()
    assert arn == f"arn:aws:apigateway:us-east-1::/restapis/{rest}"
    assert found["title"] == "orders"
    assert found["properties"]["tags"] == [{"Key": "team", "Value": "shop"}]
    assert found["relations"] == {"account": DEFAULT_ACCOUNT, "functions": [function]}

    [(arn, found)] = by_blueprint(result, "apigatewayv2Api").items()
    assert arn == f"arn:aws:apigateway:us-east-1::/apis/{http}"
    assert found["properties"]["protocolType"] == "HTTP"
    assert found["properties"]["tags"] == [{"Key": "team", "Value": "ingest"}]
    assert found["relations"] == {"account": DEFAULT_ACCOUNT, "functions": [function]}
