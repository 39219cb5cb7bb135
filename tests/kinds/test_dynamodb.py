"""DynamoDB tables, seeded through the DynamoDB API and resynced. Table items are never read."""

from tests.rig import DEFAULT_ACCOUNT, STATIC, Emulator, by_blueprint, mapping_for, resync


async def test_tables_with_tags_and_backups(aws: Emulator) -> None:
    aws.list_regions(["us-east-1"])
    dynamodb = aws.client("dynamodb", "us-east-1")
    arn = dynamodb.create_table(
        TableName="orders",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        Tags=[{"Key": "team", "Value": "orders"}],
    )["TableDescription"]["TableArn"]
    dynamodb.put_item(TableName="orders", Item={"id": {"S": "secret-order"}})
    dynamodb.update_continuous_backups(
        TableName="orders",
        PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
    )

    mapping = mapping_for("AWS::DynamoDB::Table")
    mapping["resources"][0]["selector"]["includeActions"] = ["DescribeContinuousBackups"]
    result = await resync(STATIC, mapping)

    assert result.errors == []
    tables = by_blueprint(result, "dynamodbTable")
    assert list(tables) == [arn] == [f"arn:aws:dynamodb:us-east-1:{DEFAULT_ACCOUNT}:table/orders"]
    table = tables[arn]
    assert table["title"] == "orders"
    assert table["properties"]["billingMode"] == "PAY_PER_REQUEST"
    assert table["properties"]["tags"] == [{"Key": "team", "Value": "orders"}]
    assert table["properties"]["pointInTimeRecovery"] == "ENABLED"
    assert table["relations"]["account"] == DEFAULT_ACCOUNT
    assert aws.count("dynamodb", "Scan") == aws.count("dynamodb", "GetItem") == 0
    assert aws.count("dynamodb", "Query") == 0
