"""Generic kinds: CloudFormation types the catalog does not declare, read through Cloud Control
(a stand-in speaking its wire format, emulation/cloudcontrol_standin.py), with the engine's
bounds and failure semantics: a slice that cannot be read completely never deletes."""

import asyncio
import json
from typing import Any

import pytest

from port_aws.catalog import RESOURCE_TYPES, resource_type
from port_aws.catalog.cloudcontrol import generic
from port_aws.catalog.model import Scope
from port_aws.mapping import AWSPortAppConfig, MappingError, mapping_error
from port_aws.resync.items import REDACTED
from port_aws.resync.items import scrub_by_names as scrub
from tests.rig import DEFAULT_ACCOUNT, STATIC, Emulator, by_blueprint, resync

REGIONS = ["us-east-1", "eu-west-1"]
GLUE = "AWS::Glue::Job"
BATCH = "AWS::Batch::ComputeEnvironment"
IAM = "AWS::IAM::ServiceLinkedRole"

SEED: dict[str, Any] = {
    "page_size": 2,
    "types": {
        GLUE: {
            "resources": [
                {
                    "Identifier": f"job-{n}",
                    "Properties": {
                        "Name": f"job-{n}",
                        "Role": "arn:aws:iam::123456789012:role/glue",
                        "DefaultArguments": {"--db_password": "hunter2", "--day": "mon"},
                    },
                }
                for n in range(3)
            ],
        },
        BATCH: {
            "identifiers_only": True,
            "regions": ["us-east-1"],
            "resources": [
                {
                    "Identifier": f"arn:aws:batch:ce/{n}",
                    "Properties": {"ComputeEnvironmentName": f"ce-{n}", "State": "ENABLED"},
                }
                for n in range(3)
            ],
        },
        IAM: {
            "resources": [
                {
                    "Identifier": "AWSServiceRoleForSupport",
                    "Properties": {"AWSServiceName": "support.amazonaws.com"},
                }
            ],
        },
    },
}


def mapping(*kinds: str) -> dict[str, Any]:
    return {
        "resources": [
            {
                "kind": kind,
                "selector": {"query": "true"},
                "port": {
                    "entity": {
                        "mappings": {
                            "identifier": '.__ExtraContext.Region + "/" + .Properties.Identifier',
                            "title": ".Properties.Identifier",
                            "blueprint": json.dumps(kind.split("::")[-1]),
                            "properties": {"model": ".Properties"},
                        }
                    }
                },
            }
            for kind in kinds
        ]
    }


def entity(identifier: str, blueprint: str) -> dict[str, Any]:
    return {"identifier": identifier, "blueprint": blueprint, "properties": {}, "relations": {}}


@pytest.fixture
def seeded(aws: Emulator) -> Emulator:
    aws.list_regions(REGIONS)
    aws.cloudcontrol(SEED)
    return aws


def test_resolver_declared_wins_generic_for_type_names_none_otherwise() -> None:
    assert resource_type("AWS::EC2::Instance") is RESOURCE_TYPES["AWS::EC2::Instance"]
    assert resource_type(GLUE) is generic(GLUE)
    assert resource_type(IAM) is not None and resource_type(IAM).scope is Scope.GLOBAL  # type: ignore[union-attr]
    assert resource_type("Glue Job") is None


def test_mapping_names_a_kind_that_is_no_type_in_one_line() -> None:
    with pytest.raises(Exception) as caught:
        AWSPortAppConfig.parse_obj(mapping("AWS::Glue"))
    error = mapping_error(caught.value)  # type: ignore[arg-type]
    assert isinstance(error, MappingError)
    assert "'AWS::Glue'" in str(error) and "\n" not in str(error)


def test_scrub_keeps_names_not_secret_values() -> None:
    cleaned = scrub(
        {
            "Environment": {"Variables": {"DB": "x"}},
            "MasterUserPassword": "p",
            "Enabled": True,
            "EnvironmentName": "prod",
            "PrimaryContainer": {"Image": "img", "Environment": {"API_URL": "u", "N": 2}},
            "EnvironmentVariables": [{"Name": "TOKEN_A", "Value": "v", "Type": "PLAINTEXT"}],
            "SourceConfiguration": {"RuntimeEnvironmentVariables": [{"Name": "K", "Value": "v"}]},
            "Variables": [{"Name": "Stage", "DefaultValue": "prod", "Description": "d"}],
            "OptionSettings": [
                {
                    "Namespace": "aws:elasticbeanstalk:application:environment",
                    "OptionName": "DB",
                    "Value": "v",
                },
                {"Namespace": "aws:autoscaling:asg", "OptionName": "MinSize", "Value": "1"},
            ],
        }
    )
    assert cleaned == {
        "Environment": {"Variables": {"DB": REDACTED}},
        "MasterUserPassword": REDACTED,
        "Enabled": True,
        "EnvironmentName": "prod",
        "PrimaryContainer": {"Image": "img", "Environment": {"API_URL": REDACTED, "N": 2}},
        "EnvironmentVariables": [{"Name": "TOKEN_A", "Value": REDACTED, "Type": "PLAINTEXT"}],
        "SourceConfiguration": {"RuntimeEnvironmentVariables": [{"Name": "K", "Value": REDACTED}]},
        "Variables": [{"Name": "Stage", "DefaultValue": REDACTED, "Description": REDACTED}],
        "OptionSettings": [
            {
                "Namespace": "aws:elasticbeanstalk:application:environment",
                "OptionName": "DB",
                "Value": REDACTED,
            },
            {"Namespace": "aws:autoscaling:asg", "OptionName": "MinSize", "Value": "1"},
        ],
    }


def test_organizations_types_are_read_in_the_management_account_only() -> None:
    assert generic("AWS::Organizations::OrganizationalUnit").scope is Scope.MANAGEMENT_ACCOUNT
    assert generic(GLUE).scope is not Scope.MANAGEMENT_ACCOUNT
    # Global Accelerator's control plane is us-west-2: read per region, not in the home region
    assert generic("AWS::GlobalAccelerator::Accelerator").scope is Scope.REGIONAL


async def test_generic_kinds_sync_every_page_region_and_global_once(seeded: Emulator) -> None:
    result = await resync(STATIC, mapping(GLUE, BATCH, IAM))

    jobs = by_blueprint(result, "Job")
    assert set(jobs) == {f"{r}/job-{n}" for r in REGIONS for n in range(3)}
    model = jobs["eu-west-1/job-0"]["properties"]["model"]
    assert model["Name"] == "job-0"
    assert model["DefaultArguments"]["--db_password"] == REDACTED
    # identifiers only: one GetResource per identifier; only where the type exists fails
    assert set(by_blueprint(result, "ComputeEnvironment")) == {
        f"us-east-1/arn:aws:batch:ce/{n}" for n in range(3)
    }
    # Batch: one GetResource per identifier (3); Glue and IAM list whole models, seen by reading
    # the first page's resources of each slice (2 per region, 1) again: the rest is not read again
    assert seeded.count("cloudcontrolapi", "GetResource") == 3 + 2 * 2 + 1
    assert set(by_blueprint(result, "ServiceLinkedRole")) == {"us-east-1/AWSServiceRoleForSupport"}
    # Batch is not available in eu-west-1: that slice fails, the kind says so
    [error] = result.errors
    assert BATCH in str(error) and "eu-west-1" in str(error) and "not available there" in str(error)


STREAMS = "AWS::KinesisVideo::Stream"
"""Listed as AWS's Cloud Control guide shows ``AWS::Kinesis::Stream`` (a declared kind here): each
resource's identifier and ``Name`` alone."""
DESTINATIONS = "AWS::Logs::Destination"
"""Listed as the guide shows ``AWS::Logs::LogGroup`` (declared here): three of its properties."""


def _stream(n: int) -> dict[str, Any]:
    return {
        "Name": f"stream-{n}",
        "Arn": f"arn:aws:kinesisvideo:us-east-1:123456789012:stream/stream-{n}/1700000000",
        "DataRetentionInHours": 24 * n,
        "MediaType": "video/h264",
        "Tags": [{"Key": "team", "Value": "media"}],
    }


def _destination(n: int) -> dict[str, Any]:
    return {
        "DestinationName": f"dest-{n}",
        "Arn": f"arn:aws:logs:us-east-1:123456789012:destination:dest-{n}",
        "TargetArn": f"arn:aws:kinesis:us-east-1:123456789012:stream/target-{n}",
        "RoleArn": "arn:aws:iam::123456789012:role/cwl-to-kinesis",
        "DestinationPolicy": '{"Version":"2012-10-17","Statement":[]}',
    }


SUBSET_SEED: dict[str, Any] = {
    "page_size": 2,
    "types": {
        STREAMS: {
            "list_properties": ["Name"],
            "resources": [
                {"Identifier": f"stream-{n}", "Properties": _stream(n)} for n in range(3)
            ],
        },
        DESTINATIONS: {
            "list_properties": ["DestinationName", "Arn", "TargetArn"],
            "resources": [
                {"Identifier": f"dest-{n}", "Properties": _destination(n)} for n in range(5)
            ],
        },
    },
}
FULL = {
    **{f"stream-{n}": _stream(n) for n in range(3)},
    **{f"dest-{n}": _destination(n) for n in range(5)},
}


def _models(result: Any) -> dict[str, dict[str, Any]]:
    return {e["identifier"]: e["properties"]["model"] for e in result.upserted_entities}


async def test_types_whose_list_answers_a_subset_carry_the_model_get_resource_answers(
    seeded: Emulator,
) -> None:
    seeded.cloudcontrol(SUBSET_SEED)
    result = await resync(STATIC, mapping(STREAMS, DESTINATIONS))

    assert result.errors == []
    models = _models(result)
    assert set(models) == {f"{r}/{i}" for r in REGIONS for i in FULL}
    for identifier, model in models.items():  # the list's subset would fail here
        resource = identifier.split("/", 1)[1]
        assert model == {**FULL[resource], "Identifier": resource}, identifier
    # one GetResource per resource: those read to compare with the list are not read twice
    assert seeded.count("cloudcontrolapi", "GetResource") == len(REGIONS) * len(FULL)


async def test_full_models_false_takes_the_list_answer_as_it_is(seeded: Emulator) -> None:
    seeded.cloudcontrol(SUBSET_SEED)
    chosen = mapping(STREAMS, DESTINATIONS)
    for resource in chosen["resources"]:
        resource["selector"]["fullModels"] = False
    result = await resync(STATIC, chosen)

    assert result.errors == []
    models = _models(result)
    assert models["eu-west-1/stream-2"] == {"Name": "stream-2", "Identifier": "stream-2"}
    assert set(models["us-east-1/dest-4"]) == {"DestinationName", "Arn", "TargetArn", "Identifier"}
    assert len(models) == len(REGIONS) * len(FULL)
    assert seeded.count("cloudcontrolapi", "GetResource") == 0


async def test_full_models_on_a_declared_kind_is_one_mapping_line() -> None:
    from tests.test_bad_input import EXISTING, _bucket_mapping, _one_clear_line

    result = await resync(STATIC, _bucket_mapping(fullModels=False), EXISTING)
    line = _one_clear_line(result, "fullModels")
    assert "AWS::S3::Bucket" in line and "Cloud Control" in line


GET_FAULTS = {
    "denied": ("AccessDeniedException", "not authorized: kinesisvideo:DescribeStream"),
    "throttled": ("ThrottlingException", "Rate exceeded"),
}


@pytest.mark.parametrize("fault", sorted(GET_FAULTS))
async def test_a_failed_get_resource_fails_the_slice_and_upserts_nothing_half_filled(
    seeded: Emulator, fault: str
) -> None:
    seeded.cloudcontrol(SUBSET_SEED)
    clean = await resync(STATIC, mapping(STREAMS))
    assert clean.errors == []
    existing = [entity(e["identifier"], "Stream") for e in clean.upserted_entities]
    assert len(existing) == 2 * 3

    code, message = GET_FAULTS[fault]
    seeded.faults(  # the last stream of eu-west-1 alone, on the second page
        [
            {
                "service": "cloudcontrolapi",
                "action": "GetResource",
                "region": "eu-west-1",
                "body": 'stream-2"',
                "status": 400,
                "code": code,
                "message": message,
            }
        ]
    )
    faulty = await resync({**STATIC, "max_attempts": 2}, mapping(STREAMS), existing=existing)

    assert faulty.deleted_entities == []
    [error] = faulty.errors
    assert f"{DEFAULT_ACCOUNT}/eu-west-1" in str(error) and code in str(error), error
    assert f"{DEFAULT_ACCOUNT}/us-east-1" not in str(error)
    models = _models(faulty)
    assert "eu-west-1/stream-2" not in models  # not upserted with the list's Name alone
    for identifier, model in models.items():
        resource = identifier.split("/", 1)[1]
        assert model == {**FULL[resource], "Identifier": resource}, identifier


def with_regions(kind: str, regions: list[str]) -> dict[str, Any]:
    seed: dict[str, Any] = json.loads(json.dumps(SEED))
    seed["types"][kind]["regions"] = regions
    return seed


FAULTS = {
    "unavailable": ([], "not available there"),
    "throttled": (
        [
            {
                "service": "cloudcontrolapi",
                "action": "ListResources",
                "region": "eu-west-1",
                "status": 400,
                "code": "ThrottlingException",
                "message": "Rate exceeded",
            }
        ],
        "ThrottlingException",
    ),
    "get-denied": (
        [
            {
                "service": "cloudcontrolapi",
                "action": "GetResource",
                "status": 400,
                "code": "AccessDeniedException",
                "message": "not authorized: batch:DescribeComputeEnvironments",
            }
        ],
        "GetResource",
    ),
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
async def test_a_faulty_slice_deletes_nothing(seeded: Emulator, fault: str) -> None:
    kind = BATCH if fault != "throttled" else GLUE
    blueprint = kind.split("::")[2]
    seeded.cloudcontrol(with_regions(BATCH, REGIONS))  # the clean resync reads every slice
    clean = await resync(STATIC, mapping(kind))
    assert clean.errors == []
    existing = [entity(e["identifier"], blueprint) for e in clean.upserted_entities] + [
        entity("eu-west-1/gone", blueprint)
    ]

    rules, expected = FAULTS[fault]
    if fault == "unavailable":  # Cloud Control no longer has the type in eu-west-1 only
        seeded.cloudcontrol(with_regions(BATCH, ["us-east-1"]))
    seeded.faults(rules)
    faulty = await resync({**STATIC, "max_attempts": 2}, mapping(kind), existing=existing)

    assert faulty.deleted_entities == []
    assert any(expected in str(e) for e in faulty.errors), faulty.errors
    assert DEFAULT_ACCOUNT in " ".join(str(e) for e in faulty.errors)
    if fault == "unavailable":  # only that slice failed: us-east-1 was read and upserted
        [error] = faulty.errors
        assert f"{DEFAULT_ACCOUNT}/eu-west-1" in str(error)
        assert f"{DEFAULT_ACCOUNT}/us-east-1" not in str(error)
        upserted = {e["identifier"] for e in faulty.upserted_entities}
        assert upserted == {f"us-east-1/arn:aws:batch:ce/{n}" for n in range(3)}


async def test_a_type_no_region_can_list_is_one_mapping_error_and_deletes_nothing(
    seeded: Emulator,
) -> None:
    seeded.cloudcontrol(with_regions(BATCH, REGIONS))
    clean = await resync(STATIC, mapping(BATCH))
    existing = [entity(e["identifier"], "ComputeEnvironment") for e in clean.upserted_entities]
    assert len(existing) == 6

    retired = with_regions(BATCH, ["ap-south-1"])  # in no registry the resync reads
    no_list = with_regions(BATCH, REGIONS)  # in the registry, but without a list handler
    no_list["types"][BATCH]["schema"] = {
        "typeName": BATCH,
        "properties": {},
        "handlers": {"read": {"permissions": ["batch:DescribeComputeEnvironments"]}},
    }
    per_parent = with_regions(BATCH, REGIONS)  # its list handler needs a parent's identifier
    per_parent["types"][BATCH]["schema"] = {
        "typeName": BATCH,
        "properties": {},
        "handlers": {
            "list": {
                "permissions": ["batch:DescribeComputeEnvironments"],
                "handlerSchema": {"properties": {"ClusterArn": {}}, "required": ["ClusterArn"]},
            }
        },
    }
    reasons = {
        "retired": "no such type in the CloudFormation registry",
        "no list handler": "the type has no list handler",
        "per parent": "lists per parent resource (it needs ClusterArn)",
    }
    for name, seed in {
        "retired": retired,
        "no list handler": no_list,
        "per parent": per_parent,
    }.items():
        seeded.cloudcontrol(seed)
        faulty = await resync(STATIC, mapping(BATCH), existing=existing)

        assert faulty.deleted_entities == []
        [error] = faulty.errors
        line = str(error)
        assert "invalid mapping: kind 'AWS::Batch::ComputeEnvironment' is no" in line, line
        assert "\n" not in line and "eu-west-1, us-east-1" in line and reasons[name] in line
        assert "not available there" not in line  # one line, not one failure per slice


async def test_calls_are_paced_under_cloud_controls_rate_in_every_account_and_region(
    seeded: Emulator,
) -> None:
    from emulation.cloudcontrol_standin import OBSERVED_RATE_CEILING as STANDIN_CEILING
    from port_aws.catalog.cloudcontrol import CLOUDCONTROL_RATE, OBSERVED_RATE_CEILING
    from port_aws.resync.state import current_run

    assert STANDIN_CEILING == OBSERVED_RATE_CEILING > CLOUDCONTROL_RATE
    resources = [{"Identifier": f"ce-{n}", "Properties": {"N": n}} for n in range(24)]
    seeded.cloudcontrol(
        {
            "page_size": 8,
            # a small burst: calls sent as fast as two in flight allow are throttled at once
            "rate": {"per_second": OBSERVED_RATE_CEILING, "burst": 5},
            "types": {BATCH: {"identifiers_only": True, "resources": resources}},
        }
    )
    result = await resync(STATIC, mapping(BATCH))

    assert result.errors == []
    assert len(result.upserted_entities) == 2 * len(resources)
    run = current_run()
    assert run is not None
    [figures] = run.kinds
    assert figures.calls_by_operation["cloudcontrol:GetResource"] == 2 * len(resources)
    assert figures.throttled == 0


@pytest.mark.parametrize(
    ("actions", "allowed"),
    [
        ("", True),
        ("glue:GetJob,glue:ListJobs", True),
        ("batch:DescribeComputeEnvironments", True),
        ("s3:GetObject", False),
        ("glue:GetJob,secretsmanager:GetSecretValue", False),
        ("ssm:GetParameters", False),
        ("iam:CreateRole", False),
        ("glue:*", False),
        ("kms:Decrypt", False),
        ("sts:GetSessionToken", False),
        ("ecr:GetAuthorizationToken", False),
        ("redshift:GetClusterCredentials", False),
        ("logs:GetLogRecord", False),
        ("iam:GetAccountPasswordPolicy,iam:GetCredentialReport", True),
    ],
)
def test_extra_read_actions_parameter_refuses_write_and_data_plane(
    actions: str, allowed: bool
) -> None:
    import re

    from port_aws.commands.policy import DATA_PLANE_ACTIONS, EXTRA_READ_PATTERN, template_paths

    assert bool(re.match(EXTRA_READ_PATTERN, actions)) is allowed
    assert not any(re.match(EXTRA_READ_PATTERN, a) for a in DATA_PLANE_ACTIONS)
    for path in template_paths():  # the templates refuse exactly what the policy refuses
        text = path.read_text()
        parameters = len(re.findall(r"^\s*ExtraReadActions:", text, re.MULTILINE))
        assert parameters == text.count(f'AllowedPattern: "{EXTRA_READ_PATTERN}"') > 0, path


def test_doctor_names_the_handler_actions_the_role_lacks(
    seeded: Emulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.test_doctor import _doctor

    status, lines = _doctor(monkeypatch, capsys, STATIC, GLUE)
    assert status == 0, lines
    assert any(GLUE in line and "readable in us-east-1" in line for line in lines), lines

    seeded.faults(
        [
            {
                "service": "cloudcontrolapi",
                "action": "ListResources",
                "status": 400,
                "code": "AccessDeniedException",
                "message": "not authorized to perform glue:GetJobs",
            }
        ]
    )
    status, lines = _doctor(monkeypatch, capsys, STATIC, GLUE)
    assert status == 1
    assert any("ExtraReadActions" in line and "glue:ListJobs" in line for line in lines), lines


def test_doctor_checks_generic_kinds_in_every_account_and_names_the_failing_one(
    seeded: Emulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.test_doctor import _doctor

    ok, refused = "111111111111", "222222222222"
    roles = ",".join(f"arn:aws:iam::{a}:role/port-reader" for a in (ok, refused))
    seeded.faults(
        [
            {
                "service": "cloudcontrolapi",
                "action": "ListResources",
                "account": refused,
                "status": 400,
                "code": "AccessDeniedException",
                "message": "not authorized to perform glue:GetJobs",
            }
        ]
    )
    status, lines = _doctor(monkeypatch, capsys, {**STATIC, "account_role_arns": roles}, GLUE)

    assert status == 1, lines
    checked = {key.split(":")[-1] for key in seeded.requests() if "ListResources" in key}
    assert checked == {ok, refused}
    failures = [line for line in lines if line.startswith("✗")]
    assert len(failures) == 1, lines
    assert GLUE in failures[0] and refused in failures[0] and ok not in failures[0]
    assert any("ExtraReadActions" in line for line in lines), lines


GLUE_SCHEMA = {
    "typeName": GLUE,
    "properties": {
        "Name": {"type": "string", "description": "The job's name."},
        "Role": {"type": "string"},
        "MaxRetries": {"type": "number"},
        "DefaultArguments": {"type": "object"},
        "SecurityToken": {"type": "string"},
    },
    "writeOnlyProperties": ["/properties/SecurityToken"],
    "primaryIdentifier": ["/properties/Name"],
    "handlers": {
        "list": {"permissions": ["glue:GetJobs"]},
        "read": {"permissions": ["glue:GetJob"]},
    },
}


async def test_blueprint_command_prints_a_blueprint_and_a_mapping_that_sync(
    seeded: Emulator, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import yaml

    from port_aws.__main__ import main

    seed = json.loads(json.dumps(SEED))
    seed["types"][GLUE]["schema"] = GLUE_SCHEMA
    seeded.cloudcontrol(seed)
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(key, value)
    assert await asyncio.to_thread(main, ["blueprint", GLUE]) == 0
    out = capsys.readouterr().out
    blueprint_text, mapping_text = out.split("# Mapping", 1)
    blueprint = json.loads(blueprint_text.split("\n", 1)[1])
    assert blueprint["identifier"] == "glueJob"
    assert blueprint["schema"]["properties"]["MaxRetries"]["type"] == "number"
    assert "SecurityToken" not in blueprint["schema"]["properties"]  # write-only: never read
    assert "glue:GetJob,glue:GetJobs" in mapping_text

    result = await resync(STATIC, yaml.safe_load(mapping_text.split("\n", 1)[1]))
    jobs = by_blueprint(result, "glueJob")
    assert f"{DEFAULT_ACCOUNT}/eu-west-1/job-2" in jobs
    assert jobs[f"{DEFAULT_ACCOUNT}/eu-west-1/job-2"]["properties"]["Name"] == "job-2"
    # related to its account like every declared kind
    assert blueprint["relations"]["account"]["target"] == "awsAccount"
    assert jobs[f"{DEFAULT_ACCOUNT}/eu-west-1/job-2"]["relations"] == {"account": DEFAULT_ACCOUNT}


async def test_blueprint_command_refuses_an_unknown_type(
    seeded: Emulator, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from port_aws.__main__ import main

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    assert await asyncio.to_thread(main, ["blueprint", "AWS::Nope::Thing"]) == 2
    [line] = capsys.readouterr().out.splitlines()
    assert "AWS::Nope::Thing" in line and "registry" in line
