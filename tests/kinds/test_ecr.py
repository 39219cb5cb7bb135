"""ECR repositories, seeded through the ECR API and resynced (tags through the Resource Groups
Tagging API, 100 repositories a call)."""

import json

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
    assert aws.count("ecr", "ListTagsForResource") == 0
    assert aws.count("tagging", "GetResources") == 1


async def test_aws_v3_options_lifecycle_and_repository_policies(aws: Emulator) -> None:
    """aws-v3's option names select the policy enrichments; a repository without a policy
    gets none; when the calls fail, nothing is deleted."""
    aws.list_regions(["us-east-1"])
    ecr = aws.client("ecr", "us-east-1")
    ecr.create_repository(repositoryName="app/backend")
    ecr.create_repository(repositoryName="app/frontend")
    rule = {
        "rulePriority": 1,
        "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 9},
        "action": {"type": "expire"},
    }
    ecr.put_lifecycle_policy(
        repositoryName="app/backend", lifecyclePolicyText=json.dumps({"rules": [rule]})
    )
    mapping = mapping_for("AWS::ECR::Repository")
    resource = mapping["resources"][0]
    resource["selector"]["includeActions"] = [
        "GetLifecyclePolicyAction",
        "GetRepositoryPolicyAction",
    ]
    resource["port"]["entity"]["mappings"]["properties"].update(
        {
            "lifecycle": ".Properties.LifecyclePolicy.lifecyclePolicyText | fromjson? | .rules",
            "policy": ".Properties.RepositoryPolicyText",
        }
    )

    clean = await resync(STATIC, mapping)

    assert clean.errors == []
    repos = by_blueprint(clean, "ecrRepository")
    backend = f"arn:aws:ecr:us-east-1:{DEFAULT_ACCOUNT}:repository/app/backend"
    assert repos[backend]["properties"]["lifecycle"] == [rule]
    assert repos[backend.replace("backend", "frontend")]["properties"]["lifecycle"] is None
    assert all(repo["properties"]["policy"] is None for repo in repos.values())

    aws.faults(
        [
            {"service": "ecr", "action": action, "status": 400, "code": "AccessDeniedException"}
            for action in ("GetLifecyclePolicy", "GetRepositoryPolicy")
        ]
    )
    existing = [
        {"identifier": arn, "blueprint": "ecrRepository", "properties": {}} for arn in repos
    ]
    faulty = await resync(STATIC, mapping, existing=existing)

    assert aws.count("ecr", "GetLifecyclePolicy") == 4  # the refused calls were made
    assert faulty.deleted_entities == []
