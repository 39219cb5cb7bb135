"""KMS: keys described one by one, with tags and (optionally) aliases; nothing decrypted."""

from tests.rig import DEFAULT_ACCOUNT, STATIC, Emulator, by_blueprint, mapping_for, resync


async def test_keys_with_tags_and_aliases(aws: Emulator) -> None:
    aws.list_regions(["us-east-1"])
    kms = aws.client("kms")
    key = kms.create_key(Description="app data", Tags=[{"TagKey": "team", "TagValue": "data"}])
    kms.create_alias(AliasName="alias/app", TargetKeyId=key["KeyMetadata"]["KeyId"])
    mapping = mapping_for("AWS::KMS::Key")
    mapping["resources"][0]["selector"]["includeActions"] = ["ListAliases"]

    result = await resync(STATIC, mapping)

    assert result.errors == []
    [(arn, found)] = by_blueprint(result, "kmsKey").items()
    assert arn == key["KeyMetadata"]["Arn"]
    assert found["title"] == "alias/app"
    assert found["properties"]["keyState"] == "Enabled"
    assert found["properties"]["description"] == "app data"
    assert found["properties"]["tags"] == [{"Key": "team", "Value": "data"}]
    assert found["relations"] == {"account": DEFAULT_ACCOUNT}
    assert aws.count("kms", "Decrypt") == 0
