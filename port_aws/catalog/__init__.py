"""Every kind the integration reads, by CloudFormation type name."""

from port_aws.catalog import (
    account,
    autoscaling,
    awslambda,
    dynamodb,
    ec2,
    ecr,
    ecs,
    eks,
    elasticache,
    elbv2,
    iam,
    memorydb,
    msk,
    rds,
    s3,
    sns,
    sqs,
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
)

RESOURCE_TYPES: dict[str, ResourceType] = {rt.kind: rt for module in MODULES for rt in module.TYPES}


ENGINE_ACTIONS = ("account:ListRegions", "ec2:DescribeRegions", "sts:GetCallerIdentity")
"""Calls the engine makes for every kind: region discovery and identity."""


def required_actions() -> list[str]:
    """Every IAM action the catalog needs, sorted: the source of the installation's policy."""
    actions = {action for rt in RESOURCE_TYPES.values() for action in rt.all_permissions}
    return sorted(actions | set(ENGINE_ACTIONS))
