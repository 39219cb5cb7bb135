"""CodePipeline: pipelines, stages, actions, pipeline executions and action executions.

moto lacks ListActionExecutions; the emulator's canned answer stands in for it with a body in
CodePipeline's JSON wire format (one recent and one out-of-window record, to show the
historyDays bound). Everything else is seeded and read through CodePipeline's own API.
"""

from tests.kinds.seed import codepipeline_deliver
from tests.rig import DEFAULT_ACCOUNT, STATIC, Emulator, by_blueprint, mapping_for, resync

PIPELINE = f"arn:aws:codepipeline:us-east-1:{DEFAULT_ACCOUNT}:deliver"
KINDS = (
    "AWS::CodePipeline::Pipeline",
    "AWS::CodePipeline::Stage",
    "AWS::CodePipeline::Action",
    "AWS::CodePipeline::PipelineExecution",
    "AWS::CodePipeline::ActionExecution",
)


async def test_pipelines_with_structure_and_history(aws: Emulator) -> None:
    execution, answers = codepipeline_deliver(aws)
    aws.answers(answers)

    result = await resync(STATIC, mapping_for(*KINDS))

    assert result.errors == []
    [(arn, pipeline)] = by_blueprint(result, "codepipelinePipeline").items()
    assert arn == PIPELINE
    assert pipeline["title"] == "deliver"
    assert pipeline["properties"]["stageNames"] == ["Source", "Build"]
    assert pipeline["properties"]["tags"] == [{"key": "team", "value": "delivery"}]
    assert pipeline["relations"] == {
        "account": DEFAULT_ACCOUNT,
        "role": f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/ci",
    }
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
    aws.answers(codepipeline_deliver(aws)[1])
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
    aws.answers(codepipeline_deliver(aws)[1])
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
