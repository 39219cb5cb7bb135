"""Secrets Manager: secrets' metadata from ListSecrets; the value is never read."""

from tests.rig import DEFAULT_ACCOUNT, STATIC, Emulator, by_blueprint, mapping_for, resync


async def test_secrets_are_listed_without_their_values(aws: Emulator) -> None:
    aws.list_regions(["us-east-1"])
    arn = aws.client("secretsmanager").create_secret(
        Name="db-password", SecretString="hunter2", Tags=[{"Key": "team", "Value": "data"}]
    )["ARN"]

    result = await resync(STATIC, mapping_for("AWS::SecretsManager::Secret"))

    assert result.errors == []
    [(identifier, secret)] = by_blueprint(result, "secretsmanagerSecret").items()
    assert identifier == arn
    assert secret["title"] == "db-password"
    assert secret["properties"]["tags"] == [{"Key": "team", "Value": "data"}]
    assert secret["relations"] == {"account": DEFAULT_ACCOUNT, "kmsKey": None}
    assert "hunter2" not in repr(result.upserted_entities)
    assert aws.count("secretsmanager", "GetSecretValue") == 0
    assert aws.count("secretsmanager", "BatchGetSecretValue") == 0
