"""CodeBuild: projects and their build runs (history, bounded per project)."""

from tests.kinds.seed import codebuild_project_with_builds
from tests.rig import DEFAULT_ACCOUNT, STATIC, Emulator, by_blueprint, mapping_for, resync

ARN = f"arn:aws:codebuild:us-east-1:{DEFAULT_ACCOUNT}"


async def test_projects_and_build_runs(aws: Emulator) -> None:
    builds = codebuild_project_with_builds(aws)

    result = await resync(
        STATIC, mapping_for("AWS::CodeBuild::Project", "AWS::CodeBuild::BuildRun")
    )

    assert result.errors == []
    [(project_arn, project)] = by_blueprint(result, "codebuildProject").items()
    assert project_arn == f"{ARN}:project/app"
    assert project["title"] == "app"
    assert project["properties"]["computeType"] == "BUILD_GENERAL1_SMALL"
    assert project["properties"]["tags"] == [{"key": "team", "value": "ci"}]
    assert project["relations"]["account"] == DEFAULT_ACCOUNT

    runs = by_blueprint(result, "codebuildBuildRun")
    assert set(runs) == {f"{ARN}:build/{build}" for build in builds}
    for run in runs.values():
        assert run["relations"] == {"account": DEFAULT_ACCOUNT, "project": project_arn}
        assert run["properties"]["buildStatus"]
    # one BatchGetProjects for the project, one BatchGetBuilds for both builds
    assert aws.count("codebuild", "BatchGetProjects") == 1
    assert aws.count("codebuild", "BatchGetBuilds") == 1


async def test_build_runs_are_bounded_per_project(aws: Emulator) -> None:
    codebuild_project_with_builds(aws)
    mapping = mapping_for("AWS::CodeBuild::BuildRun")
    mapping["resources"][0]["selector"]["historyMaxPerParent"] = 1

    result = await resync(STATIC, mapping)

    assert result.errors == []
    assert len(by_blueprint(result, "codebuildBuildRun")) == 1
