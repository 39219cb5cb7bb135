"""ECR repositories, seeded through the ECR API and resynced (tags read per repository)."""

from tests.rig import DEFAULT_ACCOUNT, STATIC, Emulator, by_blueprint, mapping_for, resync


async def test_repositories_with_tags(aws: Emulator) -> None:
    aws.list_regions(["us-east-1"])
    ecr = aws.client("ecr", "us-east-1")
    ecr.create_repository(
        repositoryName="app/backend",
        imageTagMutability="IMMUTABLE",
        tags=[{"Key": "team", "Value": "backend"}],
    )
    ecr.create_repository(repositoryName="app/frontend")

    result = await resync(STATIC, mapping_for("AWS::ECR::Repository"))

    assert result.errors == []
    repos = by_blueprint(result, "ecrRepository")
    backend_arn = f"arn:aws:ecr:us-east-1:{DEFAULT_ACCOUNT}:repository/app/backend"
    assert set(repos) == {backend_arn, backend_arn.replace("backend", "frontend")}
    backend = repos[backend_arn]
    assert backend["title"] == "app/backend"
    assert backend["properties"]["imageTagMutability"] == "IMMUTABLE"
    assert backend["properties"]["tags"] == [{"Key": "team", "Value": "backend"}]
    assert backend["properties"]["repositoryUri"].endswith("/app/backend")
    assert backend["relations"]["account"] == DEFAULT_ACCOUNT
    assert repos[backend_arn.replace("backend", "frontend")]["properties"]["tags"] == []
