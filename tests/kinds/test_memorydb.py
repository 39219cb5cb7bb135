"""MemoryDB users, seeded through the MemoryDB API and resynced (tags read per user)."""

from tests.rig import DEFAULT_ACCOUNT, STATIC, Emulator, by_blueprint, mapping_for, resync


async def test_users_with_tags(aws: Emulator) -> None:
    aws.list_regions(["us-east-1"])
    memorydb = aws.client("memorydb", "us-east-1")
    arn = memorydb.create_user(
        UserName="reporting",
        AccessString="on ~* &* +@read",
        AuthenticationMode={"Type": "password", "Passwords": ["not-a-real-secret-123"]},
        Tags=[{"Key": "team", "Value": "bi"}],
    )["User"]["ARN"]

    result = await resync(STATIC, mapping_for("AWS::MemoryDB::User"))

    assert result.errors == []
    users = by_blueprint(result, "memorydbUser")
    assert arn == f"arn:aws:memorydb:us-east-1:{DEFAULT_ACCOUNT}:user/reporting"
    user = users[arn]
    assert user["title"] == "reporting"
    assert user["properties"]["accessString"] == "on ~* &* +@read"
    assert user["properties"]["authenticationType"] == "password"
    assert user["properties"]["tags"] == [{"Key": "team", "Value": "bi"}]
    assert user["relations"]["account"] == DEFAULT_ACCOUNT
