"""Every kind the integration reads, by CloudFormation type name."""

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
    "sts:GetCallerIdentity",
    *cloudcontrol.PERMISSIONS,
    *cloudcontrol.REGISTRY_PERMISSIONS,
)
"""Calls the engine makes for every kind (region discovery and identity) and those that read
generic kinds through Cloud Control (the types' own read actions come from the template's
extra-actions parameter)."""


def required_actions() -> list[str]:
    """Every IAM action the catalog needs, sorted: the source of the installation's policy."""
    actions = {action for rt in RESOURCE_TYPES.values() for action in rt.all_permissions}
    return sorted(actions | set(ENGINE_ACTIONS))


_IAM_PREFIX = {
    "elbv2": "elasticloadbalancing",
    "sesv2": "ses",
    "efs": "elasticfilesystem",
    "opensearch": "es",
    "stepfunctions": "states",
    "resourcegroupstaggingapi": "tag",
    "cloudcontrol": "cloudformation",
}
"""botocore service name -> IAM service prefix, where they differ."""

_ACTION_ALIASES = {
    "s3:ListBuckets": "s3:ListAllMyBuckets",
    "s3:GetBucketEncryption": "s3:GetEncryptionConfiguration",
    "s3:GetPublicAccessBlock": "s3:GetBucketPublicAccessBlock",
}
"""Operations whose IAM action has another name."""


def iam_action(service: str, operation: str) -> str:
    """The IAM action that allows ``operation`` of botocore's ``service``."""
    if service in ("apigateway", "apigatewayv2"):
        return "apigateway:GET"  # API Gateway authorizes by HTTP method on resource paths
    action = f"{_IAM_PREFIX.get(service, service)}:{operation}"
    return _ACTION_ALIASES.get(action, action)
