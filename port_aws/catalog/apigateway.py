"""API Gateway: REST APIs (v1) and HTTP/WebSocket APIs (v2); both list answers carry tags.
With ``GetResources``/``GetIntegrations``, the Lambda functions an API's integrations invoke
(only their ARNs, read from the integration URIs)."""

import re

from port_aws.catalog.awslambda import unqualified
from port_aws.catalog.model import (
    ARN_TAG_CHANGE,
    Enrichment,
    Item,
    LiveEvents,
    ReadOne,
    ResourceType,
    SliceContext,
)
from port_aws.catalog.parts import each_item, last_part, normalise_tags, without_metadata

TAGGED = "requestParameters.resourceArn"
"""Where ``TagResource`` and ``UntagResource`` name the API (``arn:…:apigateway:<region>::/restapis/<id>``)."""


def _get(service: str, operation: str, param: str) -> ReadOne:
    """The API's own Get call: the same fields as one item of the list answer."""

    async def read(sc: SliceContext, identifier: str) -> Item:
        answer = await sc.call(service, operation, **{param: last_part(identifier)})
        return without_metadata(answer)

    return read


_FUNCTION = re.compile(r"(arn:[^:/]+:lambda:[^:/]+:[0-9]{12}:function:[^/:]+(?::[^/:]+)?)")
"""A function's ARN in an integration URI: the URI itself (HTTP APIs may name the function
directly) or inside ``arn:…:apigateway:<region>:lambda:path/2015-03-31/functions/<ARN>/
invocations``. A name taken from a stage variable (``${stageVariables.fn}``) is no ARN."""


def _functions(uris: list[object]) -> Item:
    found = set()
    for uri in uris:
        match = _FUNCTION.search(uri) if isinstance(uri, str) else None
        if match is not None:
            found.add(unqualified(match.group(1)))
    return {"IntegratedFunctionArns": sorted(found)}


async def _rest_functions(sc: SliceContext, item: Item) -> Item:
    """The functions a REST API's methods are integrated with (one paginated call)."""
    uris: list[object] = []
    async for page in sc.pages(
        "apigateway", "get_resources", restApiId=item["Id"], embed=["methods"]
    ):
        for resource in page.get("items", []):
            for method in (resource.get("resourceMethods") or {}).values():
                uris.append((method.get("methodIntegration") or {}).get("uri"))
    return _functions(uris)


async def _http_functions(sc: SliceContext, item: Item) -> Item:
    """The functions an HTTP or WebSocket API's integrations invoke (one paginated call)."""
    uris: list[object] = []
    async for page in sc.pages("apigatewayv2", "get_integrations", ApiId=item["ApiId"]):
        uris += [integration.get("IntegrationUri") for integration in page.get("Items", [])]
    return _functions(uris)


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
        enrichments={
            "GetResources": Enrichment(
                each_item("Id", _rest_functions),
                ("get_resources",),
                "IntegratedFunctionArns: the Lambda functions the API's methods are integrated "
                "with (one paginated call per API)",
            ),
        },
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
        enrichments={
            "GetIntegrations": Enrichment(
                each_item("ApiId", _http_functions),
                ("get_integrations",),
                "IntegratedFunctionArns: the Lambda functions the API's integrations invoke "
                "(one paginated call per API)",
            ),
        },
        live_events=HTTP_EVENTS,
    ),
]
