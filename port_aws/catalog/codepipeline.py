"""CodePipeline: pipelines, their stages and actions, and their execution history.

A pipeline's structure needs GetPipeline (there is no batch form), so pipelines, stages and
actions each read every pipeline once per region. Executions and action executions are
history: per pipeline, the newest ``historyMaxPerParent`` started in the last ``historyDays``.
Stages and actions carry IAM's ARN forms (``…:<pipeline>/<stage>[/<action>]``); executions,
which AWS gives no ARN, get one in ARN form under the pipeline's
(``…:<pipeline>:execution/<id>``, ``…:<pipeline>:action-execution/<id>``).
"""

from collections.abc import AsyncIterator
from typing import Any

from port_aws.catalog.model import (
    ARN_TAG_CHANGE,
    Enrichment,
    Gone,
    Item,
    LiveEvents,
    ResourceType,
    SliceContext,
)
from port_aws.catalog.parts import (
    always,
    each_item,
    each_listed,
    is_recent,
    last_part,
    tagged,
    without_metadata,
)
from port_aws.resync.items import pascal_keys


def _pipeline_arn(sc: SliceContext, name: str) -> str:
    return sc.arn("codepipeline", name)


async def _declared(sc: SliceContext, listed: list[Item]) -> list[Item]:
    """Pipelines of ListPipelines with their declaration and metadata (GetPipeline); one
    deleted since it was listed is left out."""

    async def get(item: Item) -> dict[str, Any]:
        return without_metadata(await sc.call("codepipeline", "get_pipeline", name=item["name"]))

    found = await each_listed(listed, get)
    out = []
    for summary, answer in zip(listed, found, strict=True):
        if answer is None:
            continue
        metadata = answer.get("metadata", {})
        out.append(
            {
                **summary,
                **answer.get("pipeline", {}),
                "PipelineArn": metadata.get("pipelineArn") or _pipeline_arn(sc, summary["name"]),
                "Created": metadata.get("created", summary.get("created")),
                "Updated": metadata.get("updated", summary.get("updated")),
                **(
                    {"PollingDisabledAt": metadata["pollingDisabledAt"]}
                    if metadata.get("pollingDisabledAt")
                    else {}
                ),
            }
        )
    return out


async def _described(sc: SliceContext) -> AsyncIterator[list[Item]]:
    """Each page of ListPipelines, with every pipeline's declaration and metadata."""
    async for page in sc.pages("codepipeline", "list_pipelines"):
        out = await _declared(sc, page.get("pipelines", []))
        if out:
            yield out


async def _pipelines(sc: SliceContext) -> AsyncIterator[list[Item]]:
    async for page in _described(sc):
        for pipeline in page:
            pipeline["Arn"] = pipeline["PipelineArn"]
        yield page


async def _pipeline(sc: SliceContext, identifier: str) -> Item:
    """One pipeline as the resync reads it: its ListPipelines entry (the summary has fields
    GetPipeline lacks) and its declaration."""
    name = last_part(identifier, ":")
    async for page in sc.pages("codepipeline", "list_pipelines"):
        listed = [p for p in page.get("pipelines", []) if p.get("name") == name]
        if listed:
            for pipeline in await _declared(sc, listed):
                return {**pipeline, "Arn": pipeline["PipelineArn"]}
    raise Gone(identifier)


PIPELINE_EVENTS = LiveEvents(
    source="codepipeline.amazonaws.com",
    upserts=(
        "CreatePipeline",
        "UpdatePipeline",
        "TagResource",
        "UntagResource",
    ),
    deletes=("DeletePipeline",),
    ids=(
        "requestParameters.pipeline.name",
        "requestParameters.pipelineName",
        "requestParameters.name",
        "requestParameters.resourceArn",
    ),
    read=_pipeline,
    not_found=("PipelineNotFoundException",),
    gone=lambda i, sc: {"Arn": _pipeline_arn(sc, last_part(i, ":"))},
    id_pattern=r"^(?!arn:)|:codepipeline:[^:]+:[0-9]+:[^:/]+$",
    native=ARN_TAG_CHANGE,
)


async def _stages(sc: SliceContext) -> AsyncIterator[list[Item]]:
    async for page in _described(sc):
        out = []
        for pipeline in page:
            name = pipeline["name"]
            for order, stage in enumerate(pipeline.get("stages", []), start=1):
                out.append(
                    {
                        **stage,
                        "Order": order,
                        "PipelineName": name,
                        "PipelineArn": pipeline["PipelineArn"],
                        "PipelineVersion": pipeline.get("version"),
                        "Arn": sc.arn("codepipeline", f"{name}/{stage['name']}"),
                    }
                )
        if out:
            yield out


async def _actions(sc: SliceContext) -> AsyncIterator[list[Item]]:
    async for page in _described(sc):
        out = []
        for pipeline in page:
            name = pipeline["name"]
            for stage in pipeline.get("stages", []):
                for action in stage.get("actions", []):
                    item = {**action, "actionTypeId": pascal_keys(action.get("actionTypeId", {}))}
                    item.update(
                        {
                            "Region": action.get("region") or sc.region,
                            "StageName": stage["name"],
                            "PipelineName": name,
                            "PipelineArn": pipeline["PipelineArn"],
                            "PipelineVersion": pipeline.get("version"),
                            "Arn": sc.arn(
                                "codepipeline", f"{name}/{stage['name']}/{action['name']}"
                            ),
                        }
                    )
                    item.pop("region", None)
                    out.append(item)
        if out:
            yield out


async def _history(sc: SliceContext, operation: str, answer_key: str, pipeline: str) -> list[Item]:
    """The newest records of one pipeline within the history bounds (AWS lists newest first)."""
    since, limit = sc.history_since(), sc.options.history_max_per_parent
    found: list[Item] = []
    async for page in sc.pages(
        "codepipeline", operation, pipelineName=pipeline, PaginationConfig={"PageSize": 100}
    ):
        for record in page.get(answer_key, []):
            if not is_recent(record.get("startTime"), since) or len(found) >= limit:
                return found
            found.append(record)
    return found


async def _pipeline_names(sc: SliceContext) -> AsyncIterator[list[str]]:
    async for page in sc.pages("codepipeline", "list_pipelines"):
        names = [p["name"] for p in page.get("pipelines", [])]
        if names:
            yield names


async def _executions(sc: SliceContext) -> AsyncIterator[list[Item]]:
    async for names in _pipeline_names(sc):
        found = await each_listed(
            [{"name": n} for n in names],
            lambda p: _history(
                sc, "list_pipeline_executions", "pipelineExecutionSummaries", p["name"]
            ),
        )
        out = []
        for name, records in zip(names, found, strict=True):
            pipeline_arn = _pipeline_arn(sc, name)
            for record in records or []:
                out.append(
                    {
                        "PipelineName": name,
                        **record,
                        "PipelineArn": pipeline_arn,
                        "Arn": f"{pipeline_arn}:execution/{record['pipelineExecutionId']}",
                    }
                )
        if out:
            yield out


def _pascal_nested(record: Item) -> Item:
    """Input and Output one level deep, as Port's AWS mappings expect (``.Input.Configuration``)."""
    for key in ("input", "output"):
        part = record.get(key)
        if isinstance(part, dict):
            part = pascal_keys(part)
            for inner in ("ActionTypeId", "ExecutionResult"):
                if isinstance(part.get(inner), dict):
                    part[inner] = pascal_keys(part[inner])
            record[key] = part
    return record


async def _action_executions(sc: SliceContext) -> AsyncIterator[list[Item]]:
    async for names in _pipeline_names(sc):
        found = await each_listed(
            [{"name": n} for n in names],
            lambda p: _history(sc, "list_action_executions", "actionExecutionDetails", p["name"]),
        )
        out = []
        for name, records in zip(names, found, strict=True):
            pipeline_arn = _pipeline_arn(sc, name)
            for record in records or []:
                execution = record.get("pipelineExecutionId")
                out.append(
                    {
                        "PipelineName": name,
                        **_pascal_nested(record),
                        "PipelineArn": pipeline_arn,
                        "PipelineExecutionArn": f"{pipeline_arn}:execution/{execution}",
                        "Arn": f"{pipeline_arn}:action-execution/{record['actionExecutionId']}",
                    }
                )
        if out:
            yield out


async def _execution_details(sc: SliceContext, item: Item) -> Item:
    answer = await sc.call(
        "codepipeline",
        "get_pipeline_execution",
        pipelineName=item["PipelineName"],
        pipelineExecutionId=item["PipelineExecutionId"],
    )
    return pascal_keys(answer.get("pipelineExecution", {}))


ACTION_SECRETS = (
    "EnvironmentVariables@json[type=PLAINTEXT|].value",
    "ParameterOverrides@json.*",
    "UserParameters",
)
"""Paths in an action's ``configuration`` (AWS masks only the settings its action type declares
secret): a CodeBuild action's plain-text environment variables (a JSON string; parameter and
secret names stay), a CloudFormation action's parameter values (a JSON string), a Lambda
action's free-text ``UserParameters``."""


def _in_configuration(prefix: str) -> tuple[str, ...]:
    return tuple(f"{prefix}.{path}" for path in ACTION_SECRETS)


ORDER = 210

TYPES = [
    ResourceType(
        kind="AWS::CodePipeline::Pipeline",
        service="codepipeline",
        id="Arn",
        lister=_pipelines,
        secrets=(
            *_in_configuration("Stages[].actions[].configuration"),
            "Variables[].defaultValue",
        ),
        tags=tagged("Arn", lower=True),
        calls=(
            "list_pipelines",
            "get_pipeline",
        ),
        live_events=PIPELINE_EVENTS,
        action_aliases=always(
            "GetPipelineDetailsAction",
            "GetPipelineTagsAction",
            "ListPipelinesAction",
        ),
    ),
    ResourceType(
        kind="AWS::CodePipeline::Stage",
        service="codepipeline",
        id="Arn",
        lister=_stages,
        secrets=_in_configuration("Actions[].configuration"),
        no_live_events="part of a pipeline, read with it: a pipeline event cannot tell which parts were removed",
        calls=(
            "list_pipelines",
            "get_pipeline",
        ),
        action_aliases=always("GetPipelineStagesAction"),
    ),
    ResourceType(
        kind="AWS::CodePipeline::Action",
        service="codepipeline",
        id="Arn",
        lister=_actions,
        secrets=_in_configuration("Configuration"),
        no_live_events="part of a pipeline, read with it: a pipeline event cannot tell which parts were removed",
        calls=(
            "list_pipelines",
            "get_pipeline",
        ),
        action_aliases=always("GetPipelineActionsDetails"),
    ),
    ResourceType(
        kind="AWS::CodePipeline::PipelineExecution",
        service="codepipeline",
        id="Arn",
        lister=_executions,
        secrets=("Variables[].resolvedValue",),
        no_live_events="history, read per parent within historyDays: a run changes state many times with no API call of the account, so an event would catch it half-way",
        enrichments={
            "GetPipelineExecution": Enrichment(
                each_item("Arn", _execution_details),
                ("get_pipeline_execution",),
                "ArtifactRevisions, PipelineVersion, Variables (one call per execution)",
            ),
        },
        calls=(
            "list_pipelines",
            "list_pipeline_executions",
        ),
        action_aliases={
            **always("ListPipelineExecutionsAction"),
            "GetPipelineExecutionDetailsAction": "GetPipelineExecution",
        },
    ),
    ResourceType(
        kind="AWS::CodePipeline::ActionExecution",
        service="codepipeline",
        id="Arn",
        lister=_action_executions,
        secrets=(
            *_in_configuration("Input.Configuration"),
            "Input.ResolvedConfiguration.*",
            "Output.OutputVariables.*",
        ),
        no_live_events="history, read per parent within historyDays: a run changes state many times with no API call of the account, so an event would catch it half-way",
        calls=(
            "list_pipelines",
            "list_action_executions",
        ),
        action_aliases=always("ListActionExecutionsAction"),
    ),
]
