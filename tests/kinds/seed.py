"""Seeding helpers shared by the kind tests (through AWS APIs only)."""

import io
import json
import zipfile
from typing import Any

from emulation import seeds as seeds
from tests.rig import DEFAULT_ACCOUNT, Emulator


def lambda_zip() -> bytes:
    """A deployment package for ``lambda.create_function`` (the emulator never runs it)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return 1\n")
    return buffer.getvalue()


def lambda_function(aws: Emulator, name: str, role: str) -> str:
    """A function ``name`` in us-east-1 running as ``role``; returns its ARN."""
    return str(
        aws.client("lambda", "us-east-1").create_function(
            FunctionName=name,
            Runtime="python3.12",
            Role=role,
            Handler="index.handler",
            Code={"ZipFile": lambda_zip()},
        )["FunctionArn"]
    )


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
    return seeds.codedeploy_web(aws.client, DEFAULT_ACCOUNT, "us-east-1", service_role(aws))


def codepipeline_deliver(aws: Emulator) -> tuple[str, list[dict[str, Any]]]:
    """Pipeline ``deliver`` (stages Source and Build), one execution; returns its id and the
    canned ListActionExecutions answer (a recent and a 40-day-old record)."""
    aws.list_regions(["us-east-1"])
    return seeds.codepipeline_deliver(
        aws.client, "us-east-1", service_role(aws), service_role(aws, "compile")
    )


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
