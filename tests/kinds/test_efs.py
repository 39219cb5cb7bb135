"""EFS: file systems with the tags of the list answer."""

from tests.rig import DEFAULT_ACCOUNT, STATIC, Emulator, by_blueprint, mapping_for, resync


async def test_file_systems(aws: Emulator) -> None:
    aws.list_regions(["us-east-1"])
    created = aws.client("efs").create_file_system(
        CreationToken="shared", Tags=[{"Key": "Name", "Value": "shared"}]
    )

    result = await resync(STATIC, mapping_for("AWS::EFS::FileSystem"))

    assert result.errors == []
    [(arn, found)] = by_blueprint(result, "efsFileSystem").items()
    assert arn == created["FileSystemArn"]
    assert found["title"] == "shared"
    assert found["properties"]["lifeCycleState"] == "available"
    assert found["properties"]["tags"] == [{"Key": "Name", "Value": "shared"}]
    assert found["relations"] == {"account": DEFAULT_ACCOUNT, "kmsKey": None}
