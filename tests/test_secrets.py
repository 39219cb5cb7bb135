"""No secret leaves AWS: values of environment variables and the like are scrubbed in the item.

A sentinel value is seeded through AWS APIs in every secret-bearing field the catalog declares
(`secrets` on a kind); a resync whose mapping copies the whole `.Properties` of each item into an
entity must not show it anywhere Port could see it — upserted entities, the raw examples Ocean
sends per kind, any other request to Port — nor in the logs. Names stay, so mappings can still
show which variables exist.
"""

import json
from typing import Any

from port_ocean.integration_testing import IntegrationTestHarness, InterceptTransport

from port_aws import resync as resync_state
from port_aws.catalog import RESOURCE_TYPES
from port_aws.items import REDACTED, scrub
from tests.kinds.seed import lambda_zip, service_role
from tests.rig import DEFAULT_ACCOUNT, ROOT, STATIC, Emulator, mapping_for

SENTINEL = "s3ntinel-Pa55w0rd-do-not-leak"
KINDS = (
    "AWS::Lambda::Function",
    "AWS::ECS::TaskDefinition",
    "AWS::CodeBuild::Project",
    "AWS::CodeBuild::BuildRun",
)


def _seed(aws: Emulator) -> None:
    aws.list_regions(["us-east-1"])
    role = service_role(aws, "lambda-exec")
    aws.client("lambda").create_function(
        FunctionName="api",
        Runtime="python3.12",
        Role=role,
        Handler="index.handler",
        Code={"ZipFile": lambda_zip()},
        Environment={"Variables": {"DB_PASSWORD": SENTINEL, "STAGE": SENTINEL}},
    )
    aws.client("ecs").register_task_definition(
        family="web",
        containerDefinitions=[
            {
                "name": "web",
                "image": "nginx:1.27",
                "memory": 256,
                "environment": [{"name": "API_TOKEN", "value": SENTINEL}],
                "secrets": [{"name": "DB", "valueFrom": "arn:aws:ssm:us-east-1:1:parameter/db"}],
            }
        ],
    )
    variables = [
        {"name": "TOKEN", "value": SENTINEL, "type": "PLAINTEXT"},
        {"name": "UNTYPED", "value": SENTINEL},
        {"name": "FROM_SSM", "value": "/app/db-password", "type": "PARAMETER_STORE"},
    ]
    codebuild = aws.client("codebuild")
    codebuild.create_project(
        name="app",
        source={"type": "S3", "location": "bucket/src.zip"},
        artifacts={"type": "NO_ARTIFACTS"},
        environment={
            "type": "LINUX_CONTAINER",
            "image": "aws/codebuild/standard:7.0",
            "computeType": "BUILD_GENERAL1_SMALL",
            "environmentVariables": variables,
        },
        serviceRole=role,
    )
    build = codebuild.start_build(projectName="app")["build"]["id"]
    # moto's builds do not carry the project's variables: answer BatchGetBuilds as AWS does.
    arn = f"arn:aws:codebuild:us-east-1:{DEFAULT_ACCOUNT}:build/{build}"
    aws.answers(
        [
            {
                "service": "codebuild",
                "action": "BatchGetBuilds",
                "body": {
                    "builds": [
                        {
                            "id": build,
                            "arn": arn,
                            "projectName": "app",
                            "buildStatus": "SUCCEEDED",
                            "startTime": 1_900_000_000,
                            "environment": {
                                "type": "LINUX_CONTAINER",
                                "image": "aws/codebuild/standard:7.0",
                                "computeType": "BUILD_GENERAL1_SMALL",
                                "environmentVariables": variables,
                            },
                            "exportedEnvironmentVariables": [
                                {"name": "RELEASE_KEY", "value": SENTINEL}
                            ],
                        }
                    ],
                    "buildsNotFound": [],
                },
            }
        ]
    )


def _mapping_copying_everything() -> dict[str, Any]:
    mapping = mapping_for(*KINDS)
    for resource in mapping["resources"]:
        resource["port"]["entity"]["mappings"]["properties"]["everything"] = ".Properties"
    return mapping


async def test_secret_values_reach_neither_port_nor_the_logs(
    aws: Emulator, logs: list[str]
) -> None:
    _seed(aws)
    harness = IntegrationTestHarness(
        integration_path=str(ROOT),
        port_mapping_config=_mapping_copying_everything(),
        third_party_transport=InterceptTransport(strict=False),
        config_overrides={
            "integration": {
                "identifier": "aws-test",
                "type": "aws-hosted-by-port",
                "config": {"progress_interval_seconds": 60, **STATIC},
            },
            "send_raw_data_examples": True,
        },
    )
    resync_state.forget()
    await harness.start()
    try:
        result = await harness.trigger_resync()
    finally:
        await harness.shutdown()

    assert result.errors == []
    by_kind = {e["blueprint"]: e for e in result.upserted_entities}
    assert len(by_kind) == len(KINDS), sorted(by_kind)
    sent = [
        call.request.content.decode("utf-8", "replace")
        for call in harness.port_mock.transport.calls
    ]
    assert any("/examples" in str(call.request.url) for call in harness.port_mock.transport.calls)
    assert not [text[:200] for text in sent if SENTINEL in text], "a secret value reached Port"
    assert SENTINEL not in json.dumps(result.upserted_entities)
    assert not [line for line in logs if SENTINEL in line], "a secret value reached the logs"

    # The names stay, the values are replaced, references to where a secret is kept stay.
    text = json.dumps(result.upserted_entities)
    for name in ("DB_PASSWORD", "API_TOKEN", "TOKEN", "RELEASE_KEY", "/app/db-password"):
        assert name in text
    assert REDACTED in text


def test_every_declared_secret_path_is_well_formed() -> None:
    """Each path of each kind scrubs a value planted at that path (no silent typo)."""
    for rt in RESOURCE_TYPES.values():
        for path in rt.secrets:
            item = _plant(path.split("."))
            scrub(item, (path,))
            assert SENTINEL not in json.dumps(item), (rt.kind, path)


def _plant(segments: list[str]) -> Any:
    if not segments:
        return SENTINEL
    head, rest = segments[0], segments[1:]
    if head == "*":
        return {"ANY": _plant(rest)}
    name, bracket, condition = head.partition("[")
    if not bracket:
        return {name: _plant(rest)}
    field, _, alternatives = condition.rstrip("]").partition("=")
    element = _plant(rest)
    if field:
        element[field] = alternatives.split("|")[0]
    return {name: [element]}
