"""Every kind the integration reads, by CloudFormation type name."""

from port_aws.aws.iam import iam_action
from port_aws.catalog import (
    account,
    acm,
    apigateway,
    autoscaling,
    awslambda,
    cloudcontrol,
    cloudformation,
    cloudfront,
    cloudwatch,
    codebuild,
    codedeploy,
    codepipeline,
    dynamodb,
    ec2,
    ecr,
    ecs,
    efs,
    eks,
    elasticache,
    elbv2,
    events,
    iam,
    kinesis,
    kms,
    logs,
    memorydb,
    msk,
    opensearch,
    rds,
    route53,
    s3,
    secretsmanager,
    ses,
    sns,
    sqs,
    stepfunctions,
)
from port_aws.catalog.model import ResourceType

__all__ = ["ENGINE_ACTIONS", "RESOURCE_TYPES", "iam_action", "required_actions"]

MODULES = (
    account,
    s3,
    ec2,
    ecs,
    ecr,
    eks,
    awslambda,
    rds,
    dynamodb,
    elasticache,
    memorydb,
    msk,
    sqs,
    sns,
    iam,
    elbv2,
    autoscaling,
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

RESOURCE_TYPES: dict[str, ResourceType] = {rt.kind: rt for module in MODULES for rt in module.TYPES}


def resource_type(kind: str) -> ResourceType | None:
    """The kind's declaration; else, for any ``AWS::Service::Type``, a generic kind read through
    Cloud Control; None when ``kind`` is neither. A declared kind always wins."""
    declared = RESOURCE_TYPES.get(kind)
    if declared is not None:
        return declared
    return cloudcontrol.generic(kind) if cloudcontrol.is_type_name(kind) else None


ENGINE_ACTIONS = (
    "account:ListRegions",
    "ec2:DescribeRegions",
    "organizations:DescribeOrganization",
    "sts:GetCallerIdentity",
    *cloudcontrol.PERMISSIONS,
    *cloudcontrol.REGISTRY_PERMISSIONS,
)
"""Calls the engine makes for every kind (region discovery, organization and identity) and those
that read generic kinds through Cloud Control (the types' own read actions come from the
template's extra-actions parameter)."""


def required_actions() -> list[str]:
    """Every IAM action the catalog needs, sorted: the source of the installation's policy."""
    actions = {action for rt in RESOURCE_TYPES.values() for action in rt.all_permissions}
    return sorted(actions | set(ENGINE_ACTIONS))
