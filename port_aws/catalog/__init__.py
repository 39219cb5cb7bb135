"""Every kind the integration reads, by CloudFormation type name."""

import importlib
import pkgutil
from types import ModuleType

from port_aws.aws.iam import iam_action
from port_aws.catalog import cloudcontrol
from port_aws.catalog.model import ResourceType

__all__ = ["ENGINE_ACTIONS", "RESOURCE_TYPES", "iam_action", "required_actions"]


def _service_modules() -> list[ModuleType]:
    """Every module of this package that declares kinds (a ``TYPES`` list), in the order of
    their ``ORDER`` (a number): adding a service module adds its kinds, with no list to edit."""
    found = [
        importlib.import_module(f"{__name__}.{info.name}")
        for info in pkgutil.iter_modules(__path__)
    ]
    return sorted((m for m in found if hasattr(m, "TYPES")), key=lambda m: int(m.ORDER))


RESOURCE_TYPES: dict[str, ResourceType] = {
    rt.kind: rt for module in _service_modules() for rt in module.TYPES
}
"""Every declared kind, by CloudFormation type name, in the modules' ``ORDER``."""


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
