"""Lambda: functions (the list answer is the configuration; tags per function: Lambda has no
batch tag read). Code is never downloaded."""

from collections.abc import Mapping

from port_aws.catalog.model import (
    ARN_TAG_CHANGE,
    Enrichment,
    Item,
    LiveEvents,
    ResourceType,
    SliceContext,
)
from port_aws.catalog.parts import always, per_item, read_listed, tagged


def _kms_key_arn(item: Item, _: SliceContext) -> Item:
    """``KmsKeyArn`` beside the API's ``KMSKeyArn``: Port's aws-v3 items carry the API's name,
    but its published mapping reads ``KmsKeyArn``; both work here."""
    if "KMSKeyArn" in item:
        item["KmsKeyArn"] = item["KMSKeyArn"]
    return item


def unqualified(function_arn: str) -> str:
    """A function's ARN without its version or alias (``…:function:<name>``), as the list
    answers it."""
    return ":".join(function_arn.split(":")[:7])


async def _event_sources(sc: SliceContext, items: list[Item]) -> Mapping[str, Item]:
    """EventSourceArns: the queues, tables' streams and Kinesis streams each function reads,
    from one listing of the region's event source mappings (ListEventSourceMappings without a
    function lists them all); mappings of any version or alias count for the function."""
    found: dict[str, list[str]] = {}
    async for page in sc.pages("lambda", "list_event_source_mappings"):
        for mapping in page.get("EventSourceMappings", []):
            source, function = mapping.get("EventSourceArn"), mapping.get("FunctionArn")
            if isinstance(source, str) and isinstance(function, str):
                found.setdefault(unqualified(function), []).append(source)
    return {
        str(i["FunctionArn"]): {
            "EventSourceArns": sorted(set(found.get(str(i["FunctionArn"]), [])))
        }
        for i in items
    }


def _function_name(identifier: str) -> str:
    """A function's name from its name or ARN (``…:function:<name>[:<qualifier>]``)."""
    return identifier.split(":function:", 1)[-1].split(":")[0]


async def _function(sc: SliceContext, identifier: str) -> Item:
    read = read_listed(
        "lambda",
        "list_functions",
        "Functions",
        lambda entry, name: entry.get("FunctionName") == name,
        PaginationConfig={"PageSize": 50},
    )
    return await read(sc, _function_name(identifier))


_API_VERSIONS = {
    "CreateFunction": "20150331",
    "UpdateFunctionConfiguration": "20150331v2",
    "UpdateFunctionCode": "20150331v2",
    "PutFunctionConcurrency": "20171031",
    "DeleteFunctionConcurrency": "20171031",
    "TagResource": "20170331v2",
    "UntagResource": "20170331v2",
    "DeleteFunction": "20150331",
}
"""CloudTrail names Lambda's calls with the API version they were made with appended
(``CreateFunction20150331``, ``UpdateFunctionConfiguration20150331v2``, as recorded in
tests/data/cloudtrail_samples.json); the plain names are kept for events that carry them."""


def _names(*operations: str) -> tuple[str, ...]:
    return (*operations, *(f"{name}{_API_VERSIONS[name]}" for name in operations))


LIVE_EVENTS = LiveEvents(
    source="lambda.amazonaws.com",
    upserts=_names(
        "CreateFunction",
        "UpdateFunctionConfiguration",
        "UpdateFunctionCode",
        "PutFunctionConcurrency",
        "DeleteFunctionConcurrency",
        "TagResource",
        "UntagResource",
    ),
    deletes=_names("DeleteFunction"),
    ids=(
        "responseElements.functionArn",
        "requestParameters.functionName",
        "requestParameters.resource",
    ),
    read=_function,
    not_found=(),
    gone=lambda i, sc: {
        "FunctionArn": sc.arn("lambda", f"function:{_function_name(i)}"),
        "Arn": sc.arn("lambda", f"function:{_function_name(i)}"),
    },
    id_pattern=r"^(?!arn:)|:function:",
    native=ARN_TAG_CHANGE,
)
"""Read from the list, as the resync does (the function's configuration; GetFunction is another
action and shape)."""

ORDER = 70

TYPES = [
    ResourceType(
        kind="AWS::Lambda::Function",
        secrets=("Environment.Variables.*",),
        service="lambda",
        operation="list_functions",
        params={"PaginationConfig": {"PageSize": 50}},
        items="Functions",
        id="FunctionArn",
        arn="{FunctionArn}",
        tags=tagged("FunctionArn", native={}),
        enrichments={
            "GetFunctionConcurrency": Enrichment(
                per_item(
                    "lambda",
                    "get_function_concurrency",
                    key="FunctionArn",
                    param="FunctionName",
                    answer="ReservedConcurrentExecutions || `null`",
                    prop="ReservedConcurrentExecutions",
                ),
                ("get_function_concurrency",),
                "ReservedConcurrentExecutions: the function's reserved concurrency",
            ),
            "ListEventSourceMappings": Enrichment(
                _event_sources,
                ("list_event_source_mappings",),
                "EventSourceArns: the SQS queues, DynamoDB table streams and Kinesis streams "
                "each function reads (one paginated listing of the region per page of functions)",
            ),
        },
        live_events=LIVE_EVENTS,
        shape=_kms_key_arn,
        action_aliases=always("ListFunctionsAction", "ListTagsAction"),
    ),
]
