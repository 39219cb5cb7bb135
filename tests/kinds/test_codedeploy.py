"""CodeDeploy: applications, deployment groups, deployments and deployment targets.

moto lacks BatchGetDeploymentGroups, ListDeploymentTargets and BatchGetDeploymentTargets, and
its ListDeployments fails on the createTimeRange filter; the emulator's canned answers stand in
for those four calls with bodies in CodeDeploy's JSON wire format, built from what the test
seeded through CodeDeploy's own API.
"""

import time
from typing import Any

from tests.kinds.seed import service_role
from tests.rig import DEFAULT_ACCOUNT, STATIC, Emulator, by_blueprint, mapping_for, resync

ARN = f"arn:aws:codedeploy:us-east-1:{DEFAULT_ACCOUNT}"
KINDS = (
    "AWS::CodeDeploy::Application",
    "AWS::CodeDeploy::DeploymentGroup",
    "AWS::CodeDeploy::Deployment",
    "AWS::CodeDeploy::DeploymentTarget",
)


def seed(aws: Emulator) -> str:
    aws.list_regions(["us-east-1"])
    codedeploy = aws.client("codedeploy")
    codedeploy.create_application(
        applicationName="web", computePlatform="Server", tags=[{"Key": "team", "Value": "web"}]
    )
    role = service_role(aws)
    codedeploy.create_deployment_group(
        applicationName="web",
        deploymentGroupName="prod",
        serviceRoleArn=role,
        tags=[{"Key": "env", "Value": "prod"}],
    )
    deployment = str(
        codedeploy.create_deployment(
            applicationName="web",
            deploymentGroupName="prod",
            revision={
                "revisionType": "S3",
                "s3Location": {"bucket": "releases", "key": "web.zip", "bundleType": "zip"},
            },
        )["deploymentId"]
    )
    group: dict[str, Any] = codedeploy.get_deployment_group(
        applicationName="web", deploymentGroupName="prod"
    )["deploymentGroupInfo"]
    now = time.time()
    aws.answers(
        [
            {
                "service": "codedeploy",
                "action": "BatchGetDeploymentGroups",
                "body": {
                    "deploymentGroupsInfo": [
                        {
                            "applicationName": "web",
                            "deploymentGroupId": group["deploymentGroupId"],
                            "deploymentGroupName": "prod",
                            "deploymentConfigName": group["deploymentConfigName"],
                            "serviceRoleArn": role,
                            "computePlatform": "Server",
                            "deploymentStyle": {
                                "deploymentType": "IN_PLACE",
                                "deploymentOption": "WITHOUT_TRAFFIC_CONTROL",
                            },
                        }
                    ]
                },
            },
            {
                "service": "codedeploy",
                "action": "ListDeployments",
                "match": '"deploymentGroupName": "prod"',
                "body": {"deployments": [deployment]},
            },
            {
                "service": "codedeploy",
                "action": "ListDeploymentTargets",
                "body": {"targetIds": ["i-0123456789abcdef0"]},
            },
            {
                "service": "codedeploy",
                "action": "BatchGetDeploymentTargets",
                "body": {
                    "deploymentTargets": [
                        {
                            "deploymentTargetType": "InstanceTarget",
                            "instanceTarget": {
                                "deploymentId": deployment,
                                "targetId": "i-0123456789abcdef0",
                                "targetArn": f"arn:aws:ec2:us-east-1:{DEFAULT_ACCOUNT}:instance/"
                                "i-0123456789abcdef0",
                                "status": "Succeeded",
                                "lastUpdatedAt": now,
                                "lifecycleEvents": [],
                            },
                        }
                    ]
                },
            },
        ]
    )
    return deployment


async def test_applications_groups_deployments_and_targets(aws: Emulator) -> None:
    deployment = seed(aws)

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
    assert group["relations"] == {"account": DEFAULT_ACCOUNT, "application": application_arn}

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
    assert target["relations"] == {"account": DEFAULT_ACCOUNT, "deployment": deployment_arn}

    assert aws.count("codedeploy", "BatchGetApplications") == 1
    assert aws.count("codedeploy", "BatchGetDeployments") == 1
