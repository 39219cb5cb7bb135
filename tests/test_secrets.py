"""No secret leaves AWS: values of environment variables and the like are scrubbed in the item.

A sentinel value is seeded through AWS APIs in every secret-bearing field the catalog declares
(`secrets` on a kind), and through the Cloud Control stand-in in the fields the name rule of
generic kinds covers; a resync whose mapping copies the whole `.Properties` of each item into an
entity must not show it anywhere Port could see it — upserted entities, the raw examples Ocean
sends per kind, any other request to Port — nor in the logs or errors. Names stay, so mappings
can still show which variables exist.
"""

import asyncio
import json
from typing import Any

import pytest
import yaml
from port_ocean.integration_testing import IntegrationTestHarness, InterceptTransport

from emulation.seeds import pipeline_definition
from port_aws.catalog import RESOURCE_TYPES
from port_aws.commands.blueprint import blueprint_and_mapping, left_out
from port_aws.resync import state as resync_state
from port_aws.resync.items import GENERIC, REDACTED, redact_paths, scrub_by_names
from tests.kinds.seed import lambda_zip, service_role
from tests.rig import DEFAULT_ACCOUNT, ROOT, STATIC, Emulator, mapping_for

SENTINEL = "s3ntinel-Pa55w0rd-do-not-leak"
PASSWORD_IN_URL = "hunter2"
LEAKS = (SENTINEL, PASSWORD_IN_URL)
DECLARED = (
    "AWS::Lambda::Function",
    "AWS::ECS::TaskDefinition",
    "AWS::CodeBuild::Project",
    "AWS::CodeBuild::BuildRun",
    "AWS::CloudFormation::Stack",
    "AWS::CodePipeline::Pipeline",
    "AWS::CodePipeline::Stage",
    "AWS::CodePipeline::Action",
    "AWS::CodePipeline::PipelineExecution",
    "AWS::CodePipeline::ActionExecution",
)
GENERIC_KINDS = (
    "AWS::Glue::Job",
    "AWS::Glue::Connection",
    "AWS::Events::Connection",
    "AWS::Pipes::Pipe",
    "AWS::MWAA::Environment",
)
KINDS = DECLARED + GENERIC_KINDS
JDBC = f"jdbc:mysql://admin:{PASSWORD_IN_URL}@db.internal:3306/sales"
BUILDSPEC = f"""version: 0.2
env:
  variables:
    DEPLOY_TOKEN: {SENTINEL}
  parameter-store:
    DB_PASSWORD: /app/db-password
  secrets-manager:
    API_KEY: prod/api:key
phases:
  build:
    commands:
      - make
"""
PLAINTEXT_AND_SSM = json.dumps(
    [
        {"name": "SIGNING_KEY", "value": SENTINEL, "type": "PLAINTEXT"},
        {"name": "FROM_SSM", "value": "/app/signing-key", "type": "PARAMETER_STORE"},
    ]
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
        source={"type": "S3", "location": "bucket/src.zip", "buildspec": BUILDSPEC},
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
                            "source": {"type": "S3", "buildspec": BUILDSPEC},
                            "secondarySources": [
                                {"type": "S3", "sourceIdentifier": "b", "buildspec": BUILDSPEC}
                            ],
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
            },
            _action_executions(),
        ]
    )
    _seed_stack(aws)
    _seed_pipeline(aws, role)
    aws.cloudcontrol({"types": GENERIC_SEED})


def _seed_stack(aws: Emulator) -> None:
    """A stack with a plain parameter, an SSM-typed one (moto answers the parameter's value as
    its ``ParameterValue``) and an output."""
    aws.client("ssm").put_parameter(Name="/app/db-password", Value=SENTINEL, Type="String")
    template = {
        "Parameters": {
            "Token": {"Type": "String"},
            "DbPassword": {"Type": "AWS::SSM::Parameter::Value<String>"},
        },
        "Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
        "Outputs": {"ConnectionString": {"Value": {"Fn::Sub": f"{JDBC}?t=${{Token}}"}}},
    }
    aws.client("cloudformation").create_stack(
        StackName="app",
        TemplateBody=json.dumps(template),
        Parameters=[
            {"ParameterKey": "Token", "ParameterValue": SENTINEL},
            {"ParameterKey": "DbPassword", "ParameterValue": "/app/db-password"},
        ],
    )


def _seed_pipeline(aws: Emulator, role: str) -> None:
    """A V2 pipeline with a variable, a CodeBuild action with environment variables, a
    CloudFormation action with parameter overrides and a Lambda action with user parameters;
    one execution with the variable's value."""
    pipeline = pipeline_definition("deliver", role)
    pipeline["variables"] = [{"name": "DB_PASS", "defaultValue": SENTINEL, "description": "db"}]
    build = pipeline["stages"][1]["actions"][0]
    build["configuration"]["EnvironmentVariables"] = PLAINTEXT_AND_SSM
    deploy = {"category": "Deploy", "owner": "AWS", "version": "1"}
    pipeline["stages"].append(
        {
            "name": "Deploy",
            "actions": [
                {
                    "name": "Stack",
                    "actionTypeId": {**deploy, "provider": "CloudFormation"},
                    "configuration": {
                        "ActionMode": "CREATE_UPDATE",
                        "StackName": "app",
                        "ParameterOverrides": json.dumps({"Token": SENTINEL}),
                    },
                },
                {
                    "name": "Notify",
                    "actionTypeId": {**deploy, "category": "Invoke", "provider": "Lambda"},
                    "configuration": {"FunctionName": "api", "UserParameters": SENTINEL},
                },
            ],
        }
    )
    codepipeline = aws.client("codepipeline")
    codepipeline.create_pipeline(pipeline=pipeline)
    codepipeline.start_pipeline_execution(
        name="deliver", variables=[{"name": "DB_PASS", "value": SENTINEL}]
    )


def _action_executions() -> dict[str, Any]:
    """moto lacks ListActionExecutions: a CodeBuild action's run as CodePipeline answers it,
    its configuration resolved and its output variables."""
    record = {
        "pipelineExecutionId": "run-1",
        "actionExecutionId": "action-run-1",
        "pipelineVersion": 1,
        "stageName": "Build",
        "actionName": "Compile",
        "startTime": 1_900_000_000,
        "lastUpdateTime": 1_900_000_060,
        "status": "Succeeded",
        "input": {
            "actionTypeId": {
                "category": "Build",
                "owner": "AWS",
                "provider": "CodeBuild",
                "version": "1",
            },
            "configuration": {"ProjectName": "app", "EnvironmentVariables": PLAINTEXT_AND_SSM},
            "resolvedConfiguration": {"ProjectName": "app", "DbPassword": SENTINEL},
            "region": "us-east-1",
            "inputArtifacts": [],
        },
        "output": {
            "outputArtifacts": [],
            "executionResult": {"externalExecutionId": "app:1"},
            "outputVariables": {"RELEASE_TOKEN": SENTINEL},
        },
    }
    return {
        "service": "codepipeline",
        "action": "ListActionExecutions",
        "body": {"actionExecutionDetails": [record]},
    }


GENERIC_SEED: dict[str, Any] = {
    "AWS::Glue::Job": {
        "resources": [
            {
                "Identifier": "etl",
                "Properties": {
                    "Name": "etl",
                    "Role": "arn:aws:iam::123456789012:role/glue",
                    "SecurityConfiguration": "kms-at-rest",
                    "DefaultArguments": {
                        "--api_key": SENTINEL,
                        "--db_pass": SENTINEL,
                        "--source": JDBC,
                    },
                    "Tags": {"team": "data"},
                },
            }
        ]
    },
    "AWS::Glue::Connection": {
        "resources": [
            {
                "Identifier": "sales-db",
                "Properties": {
                    "Name": "sales-db",
                    "ConnectionInput": {
                        "ConnectionType": "JDBC",
                        "ConnectionProperties": {"JDBC_CONNECTION_URL": JDBC},
                    },
                },
            }
        ]
    },
    "AWS::Events::Connection": {
        "resources": [
            {
                "Identifier": "partner",
                "Properties": {
                    "Name": "partner",
                    "AuthorizationType": "API_KEY",
                    "SecretArn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:events!c",
                    "AuthParameters": {
                        "ApiKeyAuthParameters": {
                            "ApiKeyName": "x-api-key",
                            "ApiKeyValue": SENTINEL,
                        },
                        "InvocationHttpParameters": {
                            "HeaderParameters": [
                                {
                                    "Key": "Authorization",
                                    "Value": f"Bearer {SENTINEL}",
                                    "IsValueSecret": False,
                                }
                            ]
                        },
                    },
                },
            }
        ]
    },
    "AWS::Pipes::Pipe": {
        "resources": [
            {
                "Identifier": "orders",
                "Properties": {
                    "Name": "orders",
                    "KmsKeyIdentifier": "alias/pipes",
                    "TargetParameters": {
                        "HttpParameters": {
                            "HeaderParameters": {"Authorization": f"Bearer {SENTINEL}"}
                        }
                    },
                },
            }
        ]
    },
    "AWS::MWAA::Environment": {
        "resources": [
            {
                "Identifier": "airflow",
                "Properties": {
                    "Name": "airflow",
                    "KmsKey": "arn:aws:kms:us-east-1:123456789012:key/abc",
                    "AirflowConfigurationOptions": {
                        "core.fernet_key": SENTINEL,
                        "core.default_timezone": "utc",
                    },
                },
            }
        ]
    },
}


def _generic_mapping(kind: str) -> dict[str, Any]:
    return {
        "kind": kind,
        "selector": {"query": "true"},
        "port": {
            "entity": {
                "mappings": {
                    "identifier": ".Properties.Identifier",
                    "title": ".Properties.Identifier",
                    "blueprint": json.dumps(kind.replace("::", "")),
                    "properties": {},
                }
            }
        },
    }


def _mapping_copying_everything() -> dict[str, Any]:
    mapping = mapping_for(*DECLARED)
    mapping["resources"] += [_generic_mapping(kind) for kind in GENERIC_KINDS]
    for resource in mapping["resources"]:
        resource["port"]["entity"]["mappings"]["properties"]["everything"] = ".Properties"
        if resource["kind"] == "AWS::CodePipeline::PipelineExecution":
            resource["selector"]["includeActions"] = ["GetPipelineExecution"]
    return mapping


def _harness(mapping: dict[str, Any]) -> IntegrationTestHarness:
    return IntegrationTestHarness(
        integration_path=str(ROOT),
        port_mapping_config=mapping,
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


async def test_secret_values_reach_neither_port_nor_the_logs(
    aws: Emulator, logs: list[str]
) -> None:
    _seed(aws)
    harness = _harness(_mapping_copying_everything())
    resync_state.forget()
    await harness.start()
    try:
        result = await harness.trigger_resync()
    finally:
        await harness.shutdown()

    assert result.errors == []
    kinds = {e["blueprint"] for e in result.upserted_entities}
    assert len(kinds) == len(KINDS), sorted(kinds)
    sent = [
        call.request.content.decode("utf-8", "replace")
        for call in harness.port_mock.transport.calls
    ]
    examples = [c for c in harness.port_mock.transport.calls if "/examples" in str(c.request.url)]
    assert {e for c in examples for e in _example_kinds(c.request.content)} >= set(KINDS)
    for leak in LEAKS:
        assert not [text[:200] for text in sent if leak in text], f"{leak} reached Port"
        assert leak not in json.dumps(result.upserted_entities)
        assert not [line for line in logs if leak in line], f"{leak} reached the logs"
        assert leak not in str(result.errors)

    # The names stay, the values are replaced, references to where a secret is kept stay.
    text = json.dumps(result.upserted_entities)
    for name in (
        "DB_PASSWORD",
        "API_TOKEN",
        "TOKEN",
        "RELEASE_KEY",
        "/app/db-password",
        "DEPLOY_TOKEN",
        "prod/api:key",
        "SIGNING_KEY",
        "/app/signing-key",
        "RELEASE_TOKEN",
        "--api_key",
        "core.fernet_key",
        "Authorization",
        "jdbc:mysql://db.internal:3306/sales",
    ):
        assert name in text, name
    assert REDACTED in text
    # identifiers named like secrets stay
    for kept in ("kms-at-rest", "alias/pipes", "key/abc", "secret:events!c", "utc", "data"):
        assert kept in text, kept
    # each seeded field was read and replaced (not merely absent)
    items = {e["blueprint"]: e["properties"]["everything"] for e in result.upserted_entities}
    for blueprint, path in REPLACED:
        assert _value(items[blueprint], path) == REDACTED, (blueprint, path)
    for blueprint, path, inner in IN_DOCUMENTS:
        document = yaml.safe_load(_value(items[blueprint], path))  # JSON is YAML too
        assert _value(document, inner) == REDACTED, (blueprint, path, inner)


REPLACED = [
    ("cloudformationStack", "Outputs.0.OutputValue"),
    ("cloudformationStack", "Parameters.0.ParameterValue"),
    ("cloudformationStack", "Parameters.1.ParameterValue"),
    ("codepipelinePipeline", "Variables.0.defaultValue"),
    ("codepipelinePipeline", "Stages.2.actions.1.configuration.UserParameters"),
    ("codepipelineExecution", "Variables.0.resolvedValue"),
    ("codepipelineActionExecution", "Input.ResolvedConfiguration.DbPassword"),
    ("codepipelineActionExecution", "Output.OutputVariables.RELEASE_TOKEN"),
    ("AWSGlueJob", "DefaultArguments.--api_key"),
    ("AWSGlueJob", "DefaultArguments.--db_pass"),
    ("AWSEventsConnection", "AuthParameters.ApiKeyAuthParameters.ApiKeyValue"),
    ("AWSEventsConnection", "AuthParameters.InvocationHttpParameters.HeaderParameters.0.Value"),
    ("AWSPipesPipe", "TargetParameters.HttpParameters.HeaderParameters.Authorization"),
    ("AWSMWAAEnvironment", "AirflowConfigurationOptions.core.fernet_key"),
]
"""(blueprint, path) of values the resync must show replaced; ``core.fernet_key`` is one key."""

IN_DOCUMENTS = [
    ("codebuildProject", "Source.buildspec", "env.variables.DEPLOY_TOKEN"),
    ("codebuildBuildRun", "Source.buildspec", "env.variables.DEPLOY_TOKEN"),
    ("codebuildBuildRun", "SecondarySources.0.buildspec", "env.variables.DEPLOY_TOKEN"),
    ("codepipelinePipeline", "Stages.1.actions.0.configuration.EnvironmentVariables", "0.value"),
    ("codepipelinePipeline", "Stages.2.actions.0.configuration.ParameterOverrides", "Token"),
    ("codepipelineActionExecution", "Input.Configuration.EnvironmentVariables", "0.value"),
]
"""(blueprint, path of a JSON or YAML document in a string, path in it) of replaced values."""


def _value(item: Any, path: str) -> Any:
    if path in item:
        return item[path]
    head, _, rest = path.partition(".")
    inner = item[int(head)] if isinstance(item, list) else item[head]
    return _value(inner, rest) if rest else inner


def _example_kinds(content: bytes) -> list[str]:
    """The kinds of the raw examples one request to Port carries."""
    body = json.loads(content or b"{}")
    return [str(example.get("Type")) for example in body.get("examples") or [] if example]


def test_every_declared_secret_path_is_well_formed() -> None:
    """Each path of each kind scrubs a value planted at that path (no silent typo)."""
    for rt in RESOURCE_TYPES.values():
        for path in rt.secrets:
            item = _plant(path.split("."))
            redact_paths(item, (path,))
            assert SENTINEL not in json.dumps(item), (rt.kind, path)


def _plant(segments: list[str]) -> Any:
    if not segments:
        return SENTINEL
    head, rest = segments[0], segments[1:]
    if head == GENERIC:
        return {"Password": SENTINEL}
    if head == "*":
        return {"ANY": _plant(rest)}
    name, bracket, condition = head.partition("[")
    name, _, encoding = name.partition("@")
    if not bracket:
        inner = _plant(rest)
    else:
        field, _, alternatives = condition.rstrip("]").partition("=")
        inner = _plant(rest)
        if field:
            inner[field] = alternatives.split("|")[0]
        inner = [inner]
    if encoding:
        inner = json.dumps(inner) if encoding == "json" else yaml.safe_dump(inner)
    return {name: inner}


def test_the_name_rule_keeps_identifiers_named_like_secrets() -> None:
    """Generic kinds: values of value maps, of user keys naming secrets and of CloudFormation
    properties naming secrets go, URL user-info goes; structural names with "key", "auth",
    "private", "pass" or "secret" in them stay."""
    model = {
        "KeyName": "deploy",
        "KmsKeyId": "alias/app",
        "PrimaryKey": "id",
        "SecretArn": "arn:aws:secretsmanager:us-east-1:1:secret:db",
        "AuthenticationMode": {"Type": "iam"},
        "PrivateIpAddress": "10.0.0.1",
        "PassthroughBehavior": "WHEN_NO_MATCH",
        "TokenValidity": 60,
        "Tags": [{"Key": "api_key_owner", "Value": "team-a"}],
        "MasterUserPassword": SENTINEL,
        "AuthToken": SENTINEL,
        "Options": {"core.fernet_key": SENTINEL, "webserver.secret_key": SENTINEL, "tz": "utc"},
        "DefaultArguments": {"--day": SENTINEL, "--enable-metrics": "true"},
        "Environment": [{"Name": "STAGE", "Value": SENTINEL}],
        "Parameters": [{"ParameterKey": "Db", "ParameterValue": SENTINEL}],
        "Endpoint": f"postgres://app:{SENTINEL}@db:5432/app?user=x@y",
        "Site": "https://example.com/users/@me",
        "DBPASS_HINT": SENTINEL,
    }
    clean = scrub_by_names(model)
    assert SENTINEL not in json.dumps(clean)
    for key in ("KeyName", "KmsKeyId", "PrimaryKey", "SecretArn", "AuthenticationMode"):
        assert clean[key] == model[key]
    for key in ("PrivateIpAddress", "PassthroughBehavior", "TokenValidity", "Tags", "Site"):
        assert clean[key] == model[key]
    assert clean["Options"]["tz"] == "utc"
    assert clean["Environment"] == [{"Name": "STAGE", "Value": REDACTED}]
    assert clean["Parameters"] == [{"ParameterKey": "Db", "ParameterValue": REDACTED}]
    assert clean["Endpoint"] == "postgres://db:5432/app?user=x@y"
    assert clean["DefaultArguments"] == {"--day": REDACTED, "--enable-metrics": REDACTED}


def test_documents_in_strings_are_scrubbed_inside_and_kept_otherwise() -> None:
    item: dict[str, Any] = {
        "Source": {"buildspec": BUILDSPEC},
        "SecondarySources": [{"buildspec": "ci/buildspec.yml"}, {"buildspec": "env: [oops"}],
        "Configuration": {"EnvironmentVariables": PLAINTEXT_AND_SSM, "ProjectName": "app"},
    }
    rt = RESOURCE_TYPES["AWS::CodeBuild::Project"]
    redact_paths(item, rt.secrets)
    buildspec = yaml.safe_load(item["Source"]["buildspec"])
    assert buildspec["env"]["variables"] == {"DEPLOY_TOKEN": REDACTED}
    assert buildspec["env"]["parameter-store"] == {"DB_PASSWORD": "/app/db-password"}
    assert buildspec["phases"] == {"build": {"commands": ["make"]}}
    # a file name is kept as it is; a string that is no document is replaced whole
    assert item["SecondarySources"] == [{"buildspec": "ci/buildspec.yml"}, {"buildspec": REDACTED}]

    redact_paths(item, RESOURCE_TYPES["AWS::CodePipeline::Action"].secrets)
    assert json.loads(item["Configuration"]["EnvironmentVariables"]) == [
        {"name": "SIGNING_KEY", "value": REDACTED, "type": "PLAINTEXT"},
        {"name": "FROM_SSM", "value": "/app/signing-key", "type": "PARAMETER_STORE"},
    ]


async def test_resolved_stack_parameters_stay_in_aws(aws: Emulator, logs: list[str]) -> None:
    """AWS answers an SSM-typed parameter with its name in ``ParameterValue`` and the value in
    ``ResolvedValue`` (moto has no ``ResolvedValue``: DescribeStacks as AWS answers it)."""
    aws.list_regions(["us-east-1"])
    stack = f"arn:aws:cloudformation:us-east-1:{DEFAULT_ACCOUNT}:stack/app/1"
    aws.answers(
        [
            {
                "service": "cloudformation",
                "action": "DescribeStacks",
                "content_type": "text/xml",
                "body": (
                    '<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/'
                    '2010-05-15/"><DescribeStacksResult><Stacks><member>'
                    f"<StackId>{stack}</StackId><StackName>app</StackName>"
                    "<CreationTime>2026-01-01T00:00:00Z</CreationTime>"
                    "<StackStatus>CREATE_COMPLETE</StackStatus><Parameters><member>"
                    "<ParameterKey>DbPassword</ParameterKey>"
                    "<ParameterValue>/app/db-password</ParameterValue>"
                    f"<ResolvedValue>{SENTINEL}</ResolvedValue></member></Parameters>"
                    "</member></Stacks></DescribeStacksResult>"
                    "<ResponseMetadata><RequestId>seed</RequestId></ResponseMetadata>"
                    "</DescribeStacksResponse>"
                ),
            }
        ]
    )
    mapping = mapping_for("AWS::CloudFormation::Stack")
    mapping["resources"][0]["port"]["entity"]["mappings"]["properties"]["all"] = ".Properties"
    harness = _harness(mapping)
    resync_state.forget()
    await harness.start()
    try:
        result = await harness.trigger_resync()
    finally:
        await harness.shutdown()

    assert result.errors == []
    [entity] = result.upserted_entities
    assert entity["properties"]["all"]["Parameters"] == [
        {"ParameterKey": "DbPassword", "ParameterValue": REDACTED, "ResolvedValue": REDACTED}
    ]
    sent = [c.request.content for c in harness.port_mock.transport.calls]
    assert not [text for text in sent if SENTINEL.encode() in text]
    assert not [line for line in logs if SENTINEL in line]


MWAA_SCHEMA: dict[str, Any] = {
    "typeName": "AWS::MWAA::Environment",
    "properties": {
        "Name": {"type": "string"},
        "KmsKey": {"type": "string"},
        "KeyName": {"type": "string"},
        "AirflowConfigurationOptions": {"type": "object"},
        "DefaultArguments": {"type": "object"},
        "AuthParameters": {"$ref": "#/definitions/Auth"},
        "LoggingConfiguration": {"$ref": "#/definitions/Logging"},
        "WebserverUrl": {"type": "string"},
        "Tags": {"type": "object", "patternProperties": {".*": {"type": "string"}}},
        "MasterUserPassword": {"type": "string"},
        "SecretArn": {"type": "string"},
    },
    "definitions": {
        "Auth": {"type": "object", "properties": {"ApiKeyValue": {"type": "string"}}},
        "Logging": {"type": "object", "properties": {"Enabled": {"type": "boolean"}}},
    },
    "primaryIdentifier": ["/properties/Name"],
    "handlers": {"list": {"permissions": []}},
}


def test_the_blueprint_command_leaves_maps_that_may_hold_secrets_out() -> None:
    omitted = {"AirflowConfigurationOptions", "DefaultArguments", "AuthParameters"}
    omitted.add("MasterUserPassword")
    assert set(left_out(MWAA_SCHEMA)) == omitted
    blueprint, mapping = blueprint_and_mapping("AWS::MWAA::Environment", MWAA_SCHEMA)
    mapped = mapping["resources"][0]["port"]["entity"]["mappings"]["properties"]
    assert not omitted & set(mapped)
    assert not omitted & set(blueprint["schema"]["properties"])
    kept = {"Name", "KmsKey", "KeyName", "LoggingConfiguration", "WebserverUrl", "Tags"}
    assert kept | {"SecretArn"} <= set(mapped)


async def test_the_blueprint_command_prints_no_mapping_of_such_maps(
    aws: Emulator, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from port_aws.__main__ import main

    kind = "AWS::MWAA::Environment"
    aws.cloudcontrol({"types": {kind: {**GENERIC_SEED[kind], "schema": MWAA_SCHEMA}}})
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(key, value)
    assert await asyncio.to_thread(main, ["blueprint", kind]) == 0
    out = capsys.readouterr().out
    mapping = yaml.safe_load(out.split("# Mapping", 1)[1].split("\n", 1)[1])
    mapped = mapping["resources"][0]["port"]["entity"]["mappings"]["properties"]
    assert "AirflowConfigurationOptions" not in mapped and "DefaultArguments" not in mapped
    assert mapped["KmsKey"] == ".Properties.KmsKey"
    assert "# Left out, as they may hold secrets" in out and "AirflowConfigurationOptions" in out
