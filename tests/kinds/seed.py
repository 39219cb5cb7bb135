"""Seeding helpers shared by the kind tests (through AWS APIs only)."""

import io
import json
import time
import zipfile
from typing import Any

from tests.rig import DEFAULT_ACCOUNT, Emulator


def lambda_zip() -> bytes:
    """A deployment package for ``lambda.create_function`` (the emulator never runs it)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return 1\n")
    return buffer.getvalue()


TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "codepipeline.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}


def service_role(aws: Emulator, name: str = "ci") -> str:
    """The role ``name``, created on first use (several seeds share ``ci``)."""
    iam = aws.client("iam")
    try:
        role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST))
    except iam.exceptions.EntityAlreadyExistsException:
        role = iam.get_role(RoleName=name)
    return str(role["Role"]["Arn"])


def codebuild_project_with_builds(aws: Emulator) -> list[str]:
    """Project ``app`` with two builds; returns the build ids."""
    aws.list_regions(["us-east-1"])
    codebuild = aws.client("codebuild")
    codebuild.create_project(
        name="app",
        description="builds the app",
        concurrentBuildLimit=2,
        source={"type": "S3", "location": "bucket/src.zip"},
        artifacts={"type": "NO_ARTIFACTS"},
        environment={
            "type": "LINUX_CONTAINER",
            "image": "aws/codebuild/standard:7.0",
            "computeType": "BUILD_GENERAL1_SMALL",
        },
        serviceRole=service_role(aws),
        tags=[{"key": "team", "value": "ci"}],
    )
    return [codebuild.start_build(projectName="app")["build"]["id"] for _ in range(2)]


def codedeploy_web(aws: Emulator) -> tuple[str, list[dict[str, Any]]]:
    """Application ``web``, group ``prod``, one deployment and its target; returns the
    deployment id and the canned answers for the calls moto lacks (post them with
    ``aws.answers``)."""
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
            description="release 1",
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
    answers: list[dict[str, Any]] = [
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
                        "autoScalingGroups": [{"name": "web-asg"}],
                        "loadBalancerInfo": {"targetGroupInfoList": [{"name": "web"}]},
                        "outdatedInstancesStrategy": "UPDATE",
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
    return deployment, answers


def _action_execution(execution: str, action_id: str, started: float) -> dict[str, object]:
    return {
        "pipelineExecutionId": execution,
        "actionExecutionId": action_id,
        "pipelineVersion": 1,
        "stageName": "Source",
        "actionName": "Fetch",
        "startTime": started,
        "lastUpdateTime": started + 30,
        "status": "Succeeded",
        "input": {
            "actionTypeId": {
                "category": "Source",
                "owner": "AWS",
                "provider": "S3",
                "version": "1",
            },
            "configuration": {"S3Bucket": "sources", "S3ObjectKey": "app.zip"},
            "region": "us-east-1",
            "inputArtifacts": [],
        },
        "output": {
            "outputArtifacts": [{"name": "src"}],
            "executionResult": {"externalExecutionId": "v1", "externalExecutionSummary": "ok"},
            "outputVariables": {},
        },
    }


def codepipeline_deliver(aws: Emulator) -> tuple[str, list[dict[str, Any]]]:
    """Pipeline ``deliver`` (stages Source and Build), one execution; returns its id and the
    canned ListActionExecutions answer (a recent and a 40-day-old record)."""
    aws.list_regions(["us-east-1"])
    codepipeline = aws.client("codepipeline")
    source = {"category": "Source", "owner": "AWS", "provider": "S3", "version": "1"}
    build = {"category": "Build", "owner": "AWS", "provider": "CodeBuild", "version": "1"}
    codepipeline.create_pipeline(
        pipeline={
            "name": "deliver",
            "roleArn": service_role(aws),
            "pipelineType": "V2",
            "executionMode": "QUEUED",
            "artifactStore": {"type": "S3", "location": "artifacts"},
            "stages": [
                {
                    "name": "Source",
                    "actions": [
                        {
                            "name": "Fetch",
                            "actionTypeId": source,
                            "configuration": {"S3Bucket": "sources", "S3ObjectKey": "app.zip"},
                            "outputArtifacts": [{"name": "src"}],
                        }
                    ],
                },
                {
                    "name": "Build",
                    "actions": [
                        {
                            "name": "Compile",
                            "actionTypeId": build,
                            "configuration": {"ProjectName": "app"},
                            "inputArtifacts": [{"name": "src"}],
                            "roleArn": service_role(aws, "compile"),
                        }
                    ],
                },
            ],
        },
        tags=[{"key": "team", "value": "delivery"}],
    )
    execution = str(codepipeline.start_pipeline_execution(name="deliver")["pipelineExecutionId"])
    now = time.time()
    answers: list[dict[str, Any]] = [
        {
            "service": "codepipeline",
            "action": "ListActionExecutions",
            "body": {
                "actionExecutionDetails": [
                    _action_execution(execution, "recent-1", now - 60),
                    _action_execution("older", "old-1", now - 40 * 86400),
                ]
            },
        }
    ]
    return execution, answers


def auto_enable_io_answer(volume: str = "vol-0") -> dict[str, Any]:
    """moto lacks EC2 DescribeVolumeAttribute: a canned answer in EC2's own XML."""
    return {
        "service": "ec2",
        "action": "DescribeVolumeAttribute",
        "content_type": "text/xml",
        "body": '<DescribeVolumeAttributeResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
        f"<requestId>seed</requestId><volumeId>{volume}</volumeId>"
        "<autoEnableIO><value>true</value></autoEnableIO></DescribeVolumeAttributeResponse>",
    }
