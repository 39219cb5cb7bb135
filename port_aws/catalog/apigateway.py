"""API Gateway: REST APIs (v1) and HTTP/WebSocket APIs (v2); both list answers carry tags."""

from port_aws.catalog.calls import normalise_tags
from port_aws.catalog.model import ResourceType

TYPES = [
    ResourceType(
        kind="AWS::ApiGateway::RestApi",
        service="apigateway",
        operation="get_rest_apis",
        params={"PaginationConfig": {"PageSize": 500}},
        items="items",
        id="Id",
        arn="arn:{partition}:apigateway:{region}::/restapis/{Id}",
        shape=normalise_tags,
        permissions=("apigateway:GET",),
    ),
    ResourceType(
        kind="AWS::ApiGatewayV2::Api",
        service="apigatewayv2",
        operation="get_apis",
        items="Items",
        id="ApiId",
        arn="arn:{partition}:apigateway:{region}::/apis/{ApiId}",
        shape=normalise_tags,
        permissions=("apigateway:GET",),
    ),
]
