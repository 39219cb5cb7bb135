"""The mapping (port-app-config) as the integration reads it: the selector of AWS kinds, each
resource's options, and one line naming every invalid field."""

import difflib
from typing import Any

from port_ocean.core.handlers.port_app_config.models import (
    PortAppConfig,
    ResourceConfig,
    Selector,
)
from pydantic import ValidationError as PydanticV2Error
from pydantic.v1 import Field, root_validator, validator
from pydantic.v1 import ValidationError as PydanticV1Error

from port_aws.aws.regions import RegionPolicy
from port_aws.catalog import RESOURCE_TYPES, resource_type
from port_aws.catalog.model import KindOptions


class AWSSelector(Selector):
    class Config:
        extra = "forbid"

    @root_validator(pre=True)
    def _known_keys(cls, values: dict[str, Any]) -> dict[str, Any]:
        """A misspelled key (``includeAction``) is an error naming it, never silently ignored."""
        known = {f.alias for f in cls.__fields__.values()} | set(cls.__fields__)
        for key in values:
            if key not in known:
                close = difflib.get_close_matches(str(key), sorted(known), n=1, cutoff=0.7)
                hint = f"did you mean {close[0]!r}?" if close else f"known keys: {sorted(known)}"
                raise ValueError(f"unknown selector key {key!r}; {hint}")
        return values

    region_policy: dict[str, list[str]] = Field(
        alias="regionPolicy",
        default_factory=dict,
        description="Regions to read: {allow: [...], deny: [...]}; deny wins; globs like eu-*.",
    )
    include_actions: list[str] = Field(
        alias="includeActions",
        default_factory=list,
        description="Optional enrichments of this kind (see docs/kinds.md for each kind's list).",
    )
    max_concurrent_accounts: int | None = Field(
        alias="maxConcurrentAccounts",
        default=None,
        ge=1,
        description="Accounts read at once for this kind (default: bounded only by maxConcurrency).",
    )
    history_days: int = Field(
        alias="historyDays", default=30, ge=1, description="History kinds: how many days back."
    )
    history_max_per_parent: int = Field(
        alias="historyMaxPerParent",
        default=100,
        ge=1,
        description="History kinds: at most this many records per parent (project, pipeline, …).",
    )
    full_models: bool = Field(
        alias="fullModels",
        default=True,
        description="Generic kinds (read through Cloud Control): false takes each resource as "
        "ListResources answers it, without GetResource (faster; for many types only the "
        "identifier or a few properties).",
    )

    @validator("region_policy")
    def _region_policy(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        unknown = set(value) - {"allow", "deny"}
        if unknown:
            raise ValueError(f"regionPolicy accepts only 'allow' and 'deny', got {sorted(unknown)}")
        try:
            RegionPolicy.model_validate(value)
        except PydanticV2Error as error:
            raise ValueError(f"regionPolicy: {error.errors()[0]['msg']}") from None
        return value

    def options(self) -> KindOptions:
        return KindOptions(
            region_policy=RegionPolicy.model_validate(self.region_policy),
            include_actions=self.include_actions,
            max_concurrent_accounts=self.max_concurrent_accounts,
            history_days=self.history_days,
            history_max_per_parent=self.history_max_per_parent,
            full_models=self.full_models,
        )


class AWSResourceConfig(ResourceConfig):
    selector: AWSSelector
    kind: str

    @root_validator(skip_on_failure=True)
    def _known_kind_and_actions(cls, values: dict[str, Any]) -> dict[str, Any]:
        kind = values.get("kind", "")
        declared = resource_type(kind)
        if declared is None:
            raise ValueError(
                f"kind {kind!r} is not supported; supported kinds: {', '.join(RESOURCE_TYPES)}, "
                "or any CloudFormation type name such as AWS::Glue::Job (read through Cloud "
                "Control)"
            )
        selector: AWSSelector = values["selector"]
        if "full_models" in selector.__fields_set__ and kind in RESOURCE_TYPES:
            raise ValueError(
                f"{kind}: fullModels applies only to kinds read through Cloud Control (a "
                "CloudFormation type the catalog does not declare); remove it"
            )
        known = {*declared.enrichments, *declared.action_aliases}
        unknown = [a for a in selector.include_actions if a not in known]
        if unknown:
            valid = ", ".join([*declared.enrichments, *declared.action_aliases]) or "none"
            raise ValueError(
                f"{kind}: unknown includeActions {unknown}; valid for this kind: {valid}"
            )
        # aws-v3's names select the same enrichment; names of work always done select nothing.
        chosen = (declared.include_action(a) for a in selector.include_actions)
        selector.include_actions = list(dict.fromkeys(a for a in chosen if a is not None))
        return values


class AWSPortAppConfig(PortAppConfig):
    resources: list[AWSResourceConfig] = Field(default_factory=list)  # type: ignore[assignment]


class MappingError(ValueError):
    """The mapping (port-app-config) is invalid; the message is one line naming each field."""


def _where(location: tuple[Any, ...]) -> str:
    """('resources', 0, 'selector', 'regionPolicy') -> 'resources[0].selector.regionPolicy'."""
    text = ""
    for part in location:
        if part == "__root__":
            continue
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "mapping"


def mapping_error(error: PydanticV1Error) -> MappingError:
    problems = [
        f"{_where(tuple(e['loc']))}: {' '.join(str(e['msg']).split())}" for e in error.errors()
    ]
    return MappingError("invalid mapping: " + "; ".join(problems))
