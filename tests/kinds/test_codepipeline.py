"""CodePipeline: pipelines, stages, actions, pipeline executions and action executions.

moto lacks ListActionExecutions; the emulator's canned answer stands in for it with a body in
CodePipeline's JSON wire format (one recent and one out-of-window record, to show the
historyDays bound). Everything else is seeded and read through CodePipeline's own API.
"""

import time

from tests.kinds.seed import service_role
from tests.rig import DEFAULT_ACCOUNT, STATIC, Emulator, by_blueprint, mapping_for, resync

PIPELINE = f"arn:aws:codepipeline:us-east-1:{DEFAULT_ACCOUNT}:deliver"
KINDS = (
    "AWS::CodePipeline::Pipeline",
    "AWS::CodePipeline::Stage",
    "AWS::CodePipeline::Action",
    "AWS::CodePipeline::PipelineExecution",
    "AWS::CodePipeline::ActionExecution",
)


def _action_execution(execution: str, action_id: str, started: float) -> dict[str, object]:
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
            "region": "us-east-1",
            "inputArtifacts": [],
        },
        "output": {
            "outputArtifacts": [{"name": "src"}],
            "executionResult": {"externalExecutionId": "v1", "externalExecutionSummary": "ok"},
            "outputVariables": {},
        },
    }


def seed(aws: Emulator) -> str:
    aws.list_regions(["us-east-1"])
    codepipeline = aws.client("codepipeline")
    source = {"category": "Source", "owner": "AWS", "provider": "S3", "version": "1"}
    build = {"category": "Build", "owner": "AWS", "provider": "CodeBuild", "version": "1"}
    codepipeline.create_pipeline(
        pipeline={
            "name": "deliver",
            "roleArn": service_role(aws),
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
                {
                    "name": "Build",
                    "actions": [
                        {
                            "name": "Compile",
                            "actionTypeId": build,
                            "configuration": {"ProjectName": "app"},
                            "inputArtifacts": [{"name": "src"}],
                        }
                    ],
                },
            ],
        },
        tags=[{"key": "team", "value": "delivery"}],
    )
    execution = str(codepipeline.start_pipeline_execution(name="deliver")["pipelineExecutionId"])
    now = time.time()
    aws.answers(
        [
            {
                "service": "codepipeline",
                "action": "ListActionExecutions",
                "body": {
                    "actionExecutionDetails": [
                        _action_execution(execution, "recent-1", now - 60),
                        _action_execution("older", "old-1", now - 40 * 86400),
                    ]
                },
            }
        ]
    )
    return execution


async def test_pipelines_with_structure_and_history(aws: Emulator) -> None:
    execution = seed(aws)

    result = await resync(STATIC, mapping_for(*KINDS))

    assert result.errors == []
    [(arn, pipeline)] = by_blueprint(result, "codepipelinePipeline").items()
    assert arn == PIPELINE
    assert pipeline["title"] == "deliver"
    assert pipeline["properties"]["stageNames"] == ["Source", "Build"]
    assert pipeline["properties"]["tags"] == [{"key": "team", "value": "delivery"}]
    assert pipeline["relations"] == {"account": DEFAULT_ACCOUNT}
    linked = {"account": DEFAULT_ACCOUNT, "pipeline": PIPELINE}

    stages = by_blueprint(result, "codepipelineStage")
    assert set(stages) == {f"{PIPELINE}/Source", f"{PIPELINE}/Build"}
    assert stages[f"{PIPELINE}/Build"]["properties"]["order"] == 2
    assert stages[f"{PIPELINE}/Build"]["properties"]["actionNames"] == ["Compile"]
    assert all(stage["relations"] == linked for stage in stages.values())

    actions = by_blueprint(result, "codepipelineAction")
    assert set(actions) == {f"{PIPELINE}/Source/Fetch", f"{PIPELINE}/Build/Compile"}
    compile_action = actions[f"{PIPELINE}/Build/Compile"]["properties"]
    assert compile_action["category"] == "Build"
    assert compile_action["provider"] == "CodeBuild"
    assert compile_action["actionRegion"] == "us-east-1"
    assert all(action["relations"] == linked for action in actions.values())

    execution_arn = f"{PIPELINE}:execution/{execution}"
    [(arn, run)] = by_blueprint(result, "codepipelineExecution").items()
    assert arn == execution_arn
    assert run["properties"]["triggerType"] == "StartPipelineExecution"
    assert run["relations"] == linked

    # the record started 40 days ago is outside the default 30-day window
    [(arn, action_run)] = by_blueprint(result, "codepipelineActionExecution").items()
    assert arn == f"{PIPELINE}:action-execution/recent-1"
    assert action_run["properties"]["provider"] == "S3"
    assert action_run["relations"] == {**linked, "pipelineExecution": execution_arn}


async def test_get_pipeline_execution_is_an_optional_enrichment(aws: Emulator) -> None:
    seed(aws)
    mapping = mapping_for("AWS::CodePipeline::PipelineExecution")
    selector = mapping["resources"][0]["selector"]
    mapping["resources"][0]["port"]["entity"]["mappings"]["properties"]["version"] = (
        ".Properties.PipelineVersion"
    )

    plain = await resync(STATIC, mapping)
    assert aws.count("codepipeline", "GetPipelineExecution") == 0
    selector["includeActions"] = ["GetPipelineExecution"]
    enriched = await resync(STATIC, mapping)

    assert plain.errors == enriched.errors == []
    [run] = by_blueprint(plain, "codepipelineExecution").values()
    assert run["properties"].get("version") is None
    [run] = by_blueprint(enriched, "codepipelineExecution").values()
    assert run["properties"]["version"] == 1
    assert aws.count("codepipeline", "GetPipelineExecution") == 1


async def test_a_failed_per_pipeline_call_keeps_existing_entities(aws: Emulator) -> None:
    seed(aws)
    codepipeline = aws.client("codepipeline")
    declaration = codepipeline.get_pipeline(name="deliver")["pipeline"]
    codepipeline.create_pipeline(pipeline={**declaration, "name": "other"})
    other = PIPELINE.replace(":deliver", ":other")
    existing = [
        {"identifier": f"{pipeline}/{stage}", "blueprint": "codepipelineStage", "properties": {}}
        for pipeline, stage in [
            (PIPELINE, "Source"),
            (PIPELINE, "Build"),
            (other, "Source"),
            (other, "Build"),
            (PIPELINE, "Gone"),
        ]
    ]
    mapping = mapping_for("AWS::CodePipeline::Stage")

    complete = await resync(STATIC, mapping, existing=existing)
    assert complete.errors == []
    assert [e["identifier"] for e in complete.deleted_entities] == [f"{PIPELINE}/Gone"]

    # one of the two GetPipeline calls fails: no stage may be deleted, not even the stale one
    aws.faults(
        [
            {
                "service": "codepipeline",
                "action": "GetPipeline",
                "times": 1,
                "status": 400,
                "code": "ValidationException",
            }
        ]
    )
    failed = await resync(STATIC, mapping, existing=existing)

    assert failed.errors, "a pipeline that could not be read must fail the kind"
    assert failed.deleted_entities == []
