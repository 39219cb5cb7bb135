"""DynamoDB: tables (listed by name, described one by one: DynamoDB has no batch describe or
batch tag read). Table items are never read."""

from collections.abc import AsyncIterator

from port_aws.catalog.calls import always, describe_each, per_item, per_item_tags
from port_aws.catalog.model import Enrichment, Item, ResourceType, SliceContext


async def _tables(sc: SliceContext) -> AsyncIterator[list[Item]]:
    async def describe(name: str) -> Item:
        return dict((await sc.call("dynamodb", "describe_table", TableName=name))["Table"])

    async for listed in sc.pages("dynamodb", "list_tables", PaginationConfig={"PageSize": 100}):
        page = await describe_each(sc, listed.get("TableNames", []), describe)
        if page:
            yield page


TYPES = [
    ResourceType(
        kind="AWS::DynamoDB::Table",
        service="dynamodb",
        lister=_tables,
        id="TableArn",
        arn="{TableArn}",
        tags=Enrichment(
            per_item_tags("dynamodb", "list_tags_of_resource", key="TableArn", param="ResourceArn"),
            ("dynamodb:ListTagsOfResource",),
        ),
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
                ("dynamodb:DescribeContinuousBackups",),
                "ContinuousBackupsDescription: backups and point-in-time recovery status",
            ),
        },
        permissions=("dynamodb:ListTables", "dynamodb:DescribeTable"),
        action_aliases={
            **always("ListTablesAction", "GetTableDetailsAction", "GetTableTagsAction"),
            "GetTableBackupStatusAction": "DescribeContinuousBackups",
        },
    ),
]
