"""CodeDeploy: applications, deployment groups, deployments and deployment targets.

moto lacks BatchGetDeploymentGroups, ListDeploymentTargets and BatchGetDeploymentTargets, and
its ListDeployments fails on the createTimeRange filter; the emulator's canned answers stand in
for those four calls with bodies in CodeDeploy's JSON wire format, built from what the test
seeded through CodeDeploy's own API.
"""

from tests.kinds.seed import codedeploy_web
from tests.rig import DEFAULT_ACCOUNT, STATIC, Emulator, by_blueprint, mapping_for, resync

ARN = f"arn:aws:codedeploy:us-east-1:{DEFAULT_ACCOUNT}"
KINDS = (
    "AWS::CodeDeploy::Application",
    "AWS::CodeDeploy::DeploymentGroup",
    "AWS::CodeDeploy::Deployment",
    "AWS::CodeDeploy::DeploymentTarget",
)


async def test_applications_groups_deployments_and_targets(aws: Emulator) -> None:
    deployment, answers = codedeploy_web(aws)
    aws.answers(answers)

    result = await resync(STATIC, mapping_for(*KINDS))

    assert result.errors == []
    application_arn = f"{ARN}:application:web"
    group_arn = f"{ARN}:deploymentgroup:web/prod"
    deployment_arn = f"{ARN}:deployment:{deployment}"

    [(arn, application)] = by_blueprint(result, "codedeployApplication").items()
    assert arn == application_arn
    assert application["properties"]["computePlatform"] == "Server"
    assert application["properties"]["tags"] == [{"Key": "team", "Value": "web"}]
    assert application["relations"] == {"account": DEFAULT_ACCOUNT}

    [(arn, group)] = by_blueprint(result, "codedeployDeploymentGroup").items()
    assert arn == group_arn
    assert group["title"] == "prod"
    assert group["properties"]["deploymentType"] == "IN_PLACE"
    assert group["properties"]["tags"] == [{"Key": "env", "Value": "prod"}]
    assert group["relations"] == {
        "account": DEFAULT_ACCOUNT,
        "application": application_arn,
        "role": f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/ci",
    }

    [(arn, found)] = by_blueprint(result, "codedeployDeployment").items()
    assert arn == deployment_arn
    assert found["properties"]["revisionType"] == "S3"
    assert found["relations"] == {
        "account": DEFAULT_ACCOUNT,
        "deploymentGroup": group_arn,
        "application": application_arn,
    }

    [(arn, target)] = by_blueprint(result, "codedeployDeploymentTarget").items()
    assert arn == f"{deployment_arn}/target/i-0123456789abcdef0"
    assert target["properties"]["deploymentTargetType"] == "InstanceTarget"
    assert target["properties"]["status"] == "Succeeded"
    assert target["relations"] == {
        "account": DEFAULT_ACCOUNT,
        "deployment": deployment_arn,
        "instance": f"arn:aws:ec2:us-east-1:{DEFAULT_ACCOUNT}:instance/i-0123456789abcdef0",
    }

    assert aws.count("codedeploy", "BatchGetApplications") == 1
    assert aws.count("codedeploy", "BatchGetDeployments") == 1
