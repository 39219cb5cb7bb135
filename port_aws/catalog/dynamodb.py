"""DynamoDB: tables (listed by name, described one by one: DynamoDB has no batch describe or
batch tag read). Table items are never read."""

from collections.abc import AsyncIterator

from port_aws.catalog.model import (
    ARN_TAG_CHANGE,
    Enrichment,
    Item,
    LiveEvents,
    ResourceType,
    SliceContext,
)
from port_aws.catalog.parts import always, describe_each, last_part, per_item, tagged


async def _table(sc: SliceContext, identifier: str) -> Item:
    """One table, by name or ARN (``…:table/<name>``)."""
    answer = await sc.call("dynamodb", "describe_table", TableName=last_part(identifier))
    return dict(answer["Table"])


async def _tables(sc: SliceContext) -> AsyncIterator[list[Item]]:
    async def describe(name: str) -> Item:
        return await _table(sc, name)

    async for listed in sc.pages("dynamodb", "list_tables", PaginationConfig={"PageSize": 100}):
        page = await describe_each(sc, listed.get("TableNames", []), describe)
        if page:
            yield page


LIVE_EVENTS = LiveEvents(
    source="dynamodb.amazonaws.com",
    upserts=(
        "CreateTable",
        "UpdateTable",
        "UpdateContinuousBackups",
        "UpdateTimeToLive",
        "TagResource",
        "UntagResource",
    ),
    deletes=("DeleteTable",),
    # UpdateTable's recorded request may carry only the changes; its answer names the table
    ids=(
        "requestParameters.tableName",
        "responseElements.tableDescription.tableName",
        "requestParameters.resourceArn",
    ),
    read=_table,
    not_found=("ResourceNotFoundException",),
    gone=lambda i, sc: {
        "TableArn": sc.arn("dynamodb", f"table/{last_part(i)}"),
        "Arn": sc.arn("dynamodb", f"table/{last_part(i)}"),
    },
    id_pattern=r"^(?!arn:)|:table/[^/]+$",
    native=ARN_TAG_CHANGE,
)

ORDER = 90

TYPES = [
    ResourceType(
        kind="AWS::DynamoDB::Table",
        service="dynamodb",
        lister=_tables,
        id="TableArn",
        arn="{TableArn}",
        tags=tagged("TableArn"),
        enrichments={
            "DescribeContinuousBackups": Enrichment(
                per_item(
                    "dynamodb",
                    "describe_continuous_backups",
                    key="TableArn",
                    param="TableName",
                    source="TableName",
                    answer="ContinuousBackupsDescription",
                    prop="ContinuousBackupsDescription",
                ),
                ("describe_continuous_backups",),
                "ContinuousBackupsDescription: backups and point-in-time recovery status",
            ),
        },
        calls=(
            "list_tables",
            "describe_table",
        ),
        live_events=LIVE_EVENTS,
        action_aliases={
            **always("ListTablesAction", "GetTableDetailsAction", "GetTableTagsAction"),
            "GetTableBackupStatusAction": "DescribeContinuousBackups",
        },
    ),
]
