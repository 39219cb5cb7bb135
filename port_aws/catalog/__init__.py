"""Every kind the integration reads, by CloudFormation type name."""

from port_aws.catalog import (
    account,
    acm,
    apigateway,
    cloudformation,
    cloudfront,
    cloudwatch,
    codebuild,
    codedeploy,
    codepipeline,
    ec2,
    ecs,
    efs,
    events,
    kinesis,
    kms,
    logs,
    opensearch,
    route53,
    s3,
    secretsmanager,
    ses,
    stepfunctions,
)
from port_aws.catalog.model import ResourceType

RESOURCE_TYPES: dict[str, ResourceType] = {
    rt.kind: rt
    for module in (
        account,
        s3,
        ec2,
        ecs,
        ses,
        codebuild,
        codedeploy,
        codepipeline,
        cloudformation,
        acm,
        route53,
        cloudfront,
        apigateway,
        stepfunctions,
        secretsmanager,
        kms,
        efs,
        opensearch,
        kinesis,
        events,
        cloudwatch,
        logs,
    )
    for rt in module.TYPES
}


ENGINE_ACTIONS = ("account:ListRegions", "ec2:DescribeRegions", "sts:GetCallerIdentity")
"""Calls the engine makes for every kind: region discovery and identity."""


def required_actions() -> list[str]:
    """Every IAM action the catalog needs, sorted: the source of the installation's policy."""
    actions = {action for rt in RESOURCE_TYPES.values() for action in rt.all_permissions}
    return sorted(actions | set(ENGINE_ACTIONS))
