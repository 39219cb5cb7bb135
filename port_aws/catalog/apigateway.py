"""API Gateway: REST APIs (v1) and HTTP/WebSocket APIs (v2); both list answers carry tags."""

from port_aws.catalog.calls import last_part, normalise_tags, without_metadata
from port_aws.catalog.model import (
    ARN_TAG_CHANGE,
    Item,
    LiveEvents,
    ReadOne,
    ResourceType,
    SliceContext,
)

TAGGED = "requestParameters.resourceArn"
"""Where ``TagResource`` and ``UntagResource`` name the API (``arn:…:apigateway:<region>::/restapis/<id>``)."""


def _get(service: str, operation: str, param: str) -> ReadOne:
    """The API's own Get call: the same fields as one item of the list answer."""

    async def read(sc: SliceContext, identifier: str) -> Item:
        answer = await sc.call(service, operation, **{param: last_part(identifier)})
        return without_metadata(answer)

    return read


REST_EVENTS = LiveEvents(
    source="apigateway.amazonaws.com",
    upserts=(
        "CreateRestApi",
        "ImportRestApi",
        "PutRestApi",
        "UpdateRestApi",
        "TagResource",
        "UntagResource",
    ),
    deletes=("DeleteRestApi",),
    ids=("responseElements.id", "requestParameters.restApiId", TAGGED),
    read=_get("apigateway", "get_rest_api", "restApiId"),
    not_found=("NotFoundException",),
    gone=lambda i, sc: {
        "Id": last_part(i),
        "Arn": f"arn:{sc.partition}:apigateway:{sc.region}::/restapis/{last_part(i)}",
    },
    id_pattern=r"^(?!arn:)|::/restapis/[^/]+$",
    native=ARN_TAG_CHANGE,
)
"""API Gateway v1's events (its REST APIs); v2's share the source, with other names."""

HTTP_EVENTS = LiveEvents(
    source="apigateway.amazonaws.com",
    upserts=("CreateApi", "ImportApi", "ReimportApi", "UpdateApi", "TagResource", "UntagResource"),
    deletes=("DeleteApi",),
    ids=("responseElements.apiId", "requestParameters.apiId", TAGGED),
    read=_get("apigatewayv2", "get_api", "ApiId"),
    not_found=("NotFoundException",),
    gone=lambda i, sc: {
        "ApiId": last_part(i),
        "Arn": f"arn:{sc.partition}:apigateway:{sc.region}::/apis/{last_part(i)}",
    },
    id_pattern=r"^(?!arn:)|::/apis/[^/]+$",
    native=ARN_TAG_CHANGE,
)

ORDER = 260

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
        live_events=REST_EVENTS,
    ),
    ResourceType(
        kind="AWS::ApiGatewayV2::Api",
        service="apigatewayv2",
        operation="get_apis",
        items="Items",
        id="ApiId",
        arn="arn:{partition}:apigateway:{region}::/apis/{ApiId}",
        shape=normalise_tags,
        live_events=HTTP_EVENTS,
    ),
]
