"""Every kind the integration reads, by CloudFormation type name."""

from port_aws.catalog import account, ec2, ecs, s3
from port_aws.catalog.model import ResourceType

RESOURCE_TYPES: dict[str, ResourceType] = {
    rt.kind: rt for module in (account, s3, ec2, ecs) for rt in module.TYPES
}


ENGINE_ACTIONS = ("account:ListRegions", "ec2:DescribeRegions", "sts:GetCallerIdentity")
"""Calls the engine makes for every kind: region discovery and identity."""


def required_actions() -> list[str]:
    """Every IAM action the catalog needs, sorted: the source of the installation's policy."""
    actions = {action for rt in RESOURCE_TYPES.values() for action in rt.all_permissions}
    return sorted(actions | set(ENGINE_ACTIONS))
