"""Lambda: functions (the list answer is the configuration; tags per function: Lambda has no
batch tag read). Code is never downloaded."""

from port_aws.catalog.calls import always, per_item, tagged
from port_aws.catalog.model import Enrichment, Item, ResourceType, SliceContext


def _kms_key_arn(item: Item, _: SliceContext) -> Item:
    """``KmsKeyArn`` beside the API's ``KMSKeyArn``: Port's aws-v3 items carry the API's name,
    but its published mapping reads ``KmsKeyArn``; both work here."""
    if "KMSKeyArn" in item:
        item["KmsKeyArn"] = item["KMSKeyArn"]
    return item


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
                ("lambda:GetFunctionConcurrency",),
                "ReservedConcurrentExecutions: the function's reserved concurrency",
            ),
        },
        permissions=("lambda:ListFunctions",),
        shape=_kms_key_arn,
        action_aliases=always("ListFunctionsAction", "ListTagsAction"),
    ),
]
