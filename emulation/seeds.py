"""Resources whose reads need calls the emulator lacks, shared by the demo and the kind tests.

Each seed creates what the emulator can hold through AWS APIs and returns the canned answers
(see ``Emulator.answers``) for the calls it does not implement, in the service's wire format:
CodeDeploy's ``BatchGetDeploymentGroups``, ``ListDeployments`` by group,
``ListDeploymentTargets`` and ``BatchGetDeploymentTargets``; CodePipeline's
``ListActionExecutions``.
"""

import time
from collections.abc import Callable
from typing import Any

Client = Callable[[str], Any]
"""A boto3 client for a service, in the account and region being seeded."""
Answer = dict[str, Any]


def codedeploy_web(
    client: Client, account: str, region: str, role: str, instance: str = "i-0123456789abcdef0"
) -> tuple[str, list[Answer]]:
    """Application ``web``, group ``prod``, one deployment and its target, ``instance``; returns
    the deployment id and the canned answers."""
    codedeploy = client("codedeploy")
    codedeploy.create_application(
        applicationName="web", computePlatform="Server", tags=[{"Key": "team", "Value": "web"}]
    )
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
    last = {
        "deploymentId": deployment,
        "status": "Succeeded",
        "endTime": now,
        "createTime": now - 90,
    }
    target = {
        "deploymentTargetType": "InstanceTarget",
        "instanceTarget": {
            "deploymentId": deployment,
            "targetId": instance,
            "targetArn": f"arn:aws:ec2:{region}:{account}:instance/{instance}",
            "status": "Succeeded",
            "lastUpdatedAt": now,
            "lifecycleEvents": [],
        },
    }
    described_group = {
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
        "lastAttemptedDeployment": last,
        "lastSuccessfulDeployment": last,
    }
    answers: list[Answer] = [
        {
            "service": "codedeploy",
            "action": "BatchGetDeploymentGroups",
            "body": {"deploymentGroupsInfo": [described_group]},
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
            "body": {"targetIds": [instance]},
        },
        {
            "service": "codedeploy",
            "action": "BatchGetDeploymentTargets",
            "body": {"deploymentTargets": [target]},
        },
    ]
    return deployment, answers


def _action_execution(execution: str, action_id: str, started: float, region: str) -> Answer:
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
            "region": region,
            "inputArtifacts": [],
        },
        "output": {
            "outputArtifacts": [{"name": "src"}],
            "executionResult": {
                "externalExecutionId": "v1",
                "externalExecutionSummary": "ok",
                "externalExecutionUrl": "https://console.aws.amazon.com/s3/object/sources",
            },
            "outputVariables": {},
        },
    }


def pipeline_definition(name: str, role: str, action_role: str | None = None) -> dict[str, Any]:
    """A V2 pipeline: stage Source (action Fetch, from S3), stage Build (action Compile, with
    CodeBuild, assuming ``action_role`` when given)."""
    source = {"category": "Source", "owner": "AWS", "provider": "S3", "version": "1"}
    build = {"category": "Build", "owner": "AWS", "provider": "CodeBuild", "version": "1"}
    compile_action: dict[str, Any] = {
        "name": "Compile",
        "actionTypeId": build,
        "configuration": {"ProjectName": "app"},
        "inputArtifacts": [{"name": "src"}],
    }
    if action_role:
        compile_action["roleArn"] = action_role
    return {
        "name": name,
        "roleArn": role,
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
            {"name": "Build", "actions": [compile_action]},
        ],
    }


def codepipeline_deliver(
    client: Client, region: str, role: str, action_role: str
) -> tuple[str, list[Answer]]:
    """Pipeline ``deliver`` (stages Source and Build), one execution; returns its id and the
    canned ListActionExecutions answer (a recent and a 40-day-old record)."""
    codepipeline = client("codepipeline")
    codepipeline.create_pipeline(
        pipeline=pipeline_definition("deliver", role, action_role),
        tags=[{"key": "team", "value": "delivery"}],
    )
    execution = str(codepipeline.start_pipeline_execution(name="deliver")["pipelineExecutionId"])
    now = time.time()
    details = [
        _action_execution(execution, "recent-1", now - 60, region),
        _action_execution("older", "old-1", now - 40 * 86400, region),
    ]
    answers: list[Answer] = [
        {
            "service": "codepipeline",
            "action": "ListActionExecutions",
            "body": {"actionExecutionDetails": details},
        }
    ]
    return execution, answers


def cloudfront_site(
    client: Client,
    reference: str = "seed",
    aliases: tuple[str, ...] = (),
    bucket: str = "site",
    viewer: str = "allow-all",
    certificate: str | None = None,
    tags: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    """A distribution in front of the S3 origin ``bucket``, tagged ``team=edge`` (or ``tags``),
    with the viewer protocol policy ``viewer`` and an optional ACM certificate; returns it."""
    origin = {"Id": "site", "DomainName": f"{bucket}.s3.amazonaws.com"}
    viewer_certificate = (
        {"ViewerCertificate": {"ACMCertificateArn": certificate, "SSLSupportMethod": "sni-only"}}
        if certificate
        else {}
    )
    created = client("cloudfront").create_distribution_with_tags(
        DistributionConfigWithTags={
            "DistributionConfig": {
                "CallerReference": reference,
                "Origins": {
                    "Quantity": 1,
                    "Items": [{**origin, "S3OriginConfig": {"OriginAccessIdentity": ""}}],
                },
                "DefaultCacheBehavior": {
                    "TargetOriginId": "site",
                    "ViewerProtocolPolicy": viewer,
                },
                "Aliases": {"Quantity": len(aliases), "Items": list(aliases)},
                **viewer_certificate,
                "Comment": "",
                "Enabled": True,
            },
            "Tags": {"Items": tags or [{"Key": "team", "Value": "edge"}]},
        }
    )
    return dict(created["Distribution"])


def errors_alarm(
    client: Client,
    name: str,
    tags: list[dict[str, str]] | None = None,
    actions: tuple[str, ...] = (),
) -> None:
    """A metric alarm on Lambda's summed ``Errors`` (one or more in a minute), notifying the
    topics ``actions``."""
    client("cloudwatch").put_metric_alarm(
        AlarmName=name,
        AlarmActions=list(actions),
        MetricName="Errors",
        Namespace="AWS/Lambda",
        Statistic="Sum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=1,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
        Tags=tags or [],
    )
