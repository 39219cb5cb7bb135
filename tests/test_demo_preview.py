"""`python -m port_aws demo` and `preview`, run as users run them (a child process each)."""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from port_aws.ocean.offline import DEFAULT_MAPPING
from port_aws.ocean.posture import CatalogPreview
from tests.rig import ROOT, Emulator


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "port_aws", *args],
        cwd=ROOT,
        env=env or dict(os.environ),
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_demo_syncs_the_seeded_organization_and_writes_the_entities(tmp_path: Path) -> None:
    output = tmp_path / "entities.json"

    done = run_cli("demo", "--small", "--output", str(output))

    assert done.returncode == 0, done.stdout + done.stderr
    assert "Entities by kind and account:" in done.stdout
    assert f"entities written to {output}" in done.stdout
    entities = json.loads(output.read_text())
    blueprints = {e["blueprint"] for e in entities}
    assert {"awsAccount", "awsOrganizationsAccount", "s3Bucket", "ecsCluster"} <= blueprints
    assert "glueJob" in blueprints  # a generic kind, read through Cloud Control
    accounts = [e for e in entities if e["blueprint"] == "awsAccount"]
    # the OUs workloads and sandbox hold 5 ACTIVE accounts; the scope leaves dev-b out
    assert len(accounts) == 4
    # their 6 accounts as Organizations sees them, the suspended one included
    members = [e for e in entities if e["blueprint"] == "awsOrganizationsAccount"]
    assert len(members) == 6
    assert [m["properties"]["state"] for m in members].count("SUSPENDED") == 1
    assert done.stdout.rstrip().splitlines()[-1].startswith("Done in ")  # last, after the stop
    # discovery's accounts line once (the live event's discovery says it again), no per-batch
    # lines of Ocean's, and the accounts' names above their ids
    assert done.stderr.count("Accounts: 4 reachable") == 1, done.stderr
    assert "raw results into entities" not in done.stderr
    table = done.stdout.split("Entities by kind and account:\n", 1)[1].splitlines()
    assert table[0].split() == ["dev-a", "prod-a", "prod-eu", "sandbox-a"]
    # one live event end to end: a queue created after the resync, upserted through the webhook
    live = done.stdout.split("Live event: created SQS queue demo-live-orders", 1)[1]
    assert "answered 200" in live and "upserted in" in live
    assert '"identifier": "arn:aws:sqs:eu-west-1:' in live and "demo-live-orders" in live
    assert not any(e["identifier"].endswith(":demo-live-orders") for e in entities)
    # the suspended account and dev-b, left out by scope, relate to no account
    organizations = next(  # its row of the table, which comes first
        ln for ln in done.stdout.splitlines() if ln.startswith("  AWS::Organizations::Account ")
    )
    assert organizations.split()[-2:] == ["2", "6"]
    # every kind of the default mapping has at least one entity
    assert sorted(mapped_blueprints() - blueprints) == []
    assert always_null_properties(entities) == sorted(NULL_IN_THE_EMULATOR)
    assert dangling_relations(entities) == []
    # the graph and the posture, as the summary shows them
    preview = CatalogPreview()
    for entity in entities:
        preview.observe(entity)
    shipped = {
        (blueprint, name)
        for blueprint, relations in preview.targets.items()
        for name in relations
        if name != "account"
    }
    assert sorted(shipped - set(preview.relation_types())) == sorted(RELATIONS_NOT_IN_THE_DEMO)
    assert len(preview.relation_types()) >= 40
    assert "dangling" in done.stdout and ", 0 dangling" in done.stdout
    for card in preview.scorecards:
        for rule, result in card.results.items():
            assert result.passed and result.failed, f"{card.blueprint}.{rule}: {result}"
    assert "Scorecards (evaluated here as Port will" in done.stdout


NULL_IN_THE_EMULATOR = {
    "cloudformationStack.driftStatus": "the emulator has no drift detection",
    "cloudformationStack.lastUpdatedTime": "the emulator does not record stack updates",
    "cloudwatchAlarm.alarmRule": "composite alarms only; the emulator lacks PutCompositeAlarm",
    "codebuildProject.lastModified": "the emulator names the field lastModifiedDate",
    "codedeployApplication.linkedToGitHub": "the emulator omits it",
    "codedeployDeployment.completeTime": "the emulator's deployments never complete",
    "codedeployDeployment.errorCode": "set for failed deployments only",
    "codepipelineExecution.executionMode": "the emulator's execution summaries omit it",
    "codepipelineExecution.statusSummary": "the emulator's execution summaries omit it",
    "eksCluster.vpcId": "the emulator omits the cluster's VPC id",
    "elasticacheCluster.replicationGroupId": "set for members of a replication group only",
    "iamUser.passwordLastUsed": "set by a console sign-in, which the emulator has not",
    "logsLogGroup.logGroupClass": "the emulator does not report a log group's class",
}
"""Columns of the default mapping the demo cannot fill, and why (real AWS fills them)."""

RELATIONS_NOT_IN_THE_DEMO = {
    ("eksCluster", "vpc"): "the emulator omits the cluster's VPC id",
    ("rdsDbInstance", "securityGroups"): "the emulator does not report an instance's groups",
    ("elasticacheCluster", "securityGroups"): "the emulator does not report a cluster's groups",
    ("mskCluster", "kmsKey"): "the emulator does not report encryption at rest",
    ("lambdaFunction", "deadLetterQueue"): "the emulator does not report a dead-letter config",
    ("opensearchDomain", "vpc"): "the emulator omits the domain's VPC id",
    ("stepfunctionsStateMachine", "role"): "needs includeActions DescribeStateMachine",
}
"""Relations of the shipped blueprints the demo's organization cannot show, and why."""


def mapped_blueprints() -> set[str]:
    """The blueprint of every kind of the shipped default mapping."""
    mapping = yaml.safe_load(DEFAULT_MAPPING.read_text())
    return {r["port"]["entity"]["mappings"]["blueprint"].strip('"') for r in mapping["resources"]}


def always_null_properties(entities: list[dict[str, Any]]) -> list[str]:
    """``blueprint.property`` the mapping declares but no entity of the blueprint fills."""
    declared: dict[str, set[str]] = {}
    filled: dict[str, set[str]] = {}
    for entity in entities:
        blueprint = entity["blueprint"]
        declared.setdefault(blueprint, set()).update(entity["properties"])
        filled.setdefault(blueprint, set()).update(
            name for name, value in entity["properties"].items() if value not in (None, [], {})
        )
    return sorted(f"{b}.{name}" for b in declared for name in declared[b] - filled[b])


def dangling_relations(entities: list[dict[str, Any]]) -> list[str]:
    """Relations to an identifier no entity of the resync has (null: no relation, allowed)."""
    identifiers = {e["identifier"] for e in entities}
    dangling = []
    for entity in entities:
        for name, target in (entity.get("relations") or {}).items():
            targets = target if isinstance(target, list) else [target]
            dangling += [
                f"{entity['identifier']}.{name} -> {t}"
                for t in targets
                if t is not None and t not in identifiers
            ]
    return dangling


def preview_env(aws: Emulator) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "OCEAN__"))}
    env.update(
        {
            "AWS_ENDPOINT_URL": aws.url,
            "AWS_EC2_METADATA_DISABLED": "true",
            "OCEAN__INTEGRATION__CONFIG__AWS_ACCESS_KEY_ID": "testing",
            "OCEAN__INTEGRATION__CONFIG__AWS_SECRET_ACCESS_KEY": "testing",
        }
    )
    return env


def test_preview_writes_what_a_custom_mapping_yields_and_reports_its_errors(
    aws: Emulator, tmp_path: Path
) -> None:
    aws.list_regions(["us-east-1"])
    aws.client("s3").create_bucket(Bucket="reports")
    mapping = {
        "resources": [
            {
                "kind": "AWS::S3::Bucket",
                "selector": {"query": "true"},
                "port": {
                    "entity": {
                        "mappings": {
                            "identifier": ".Properties.BucketName",
                            "title": ".Properties.BucketName | ascii_upcase",
                            "blueprint": '"bucket"',
                            "properties": {"where": ".__ExtraContext.Region"},
                        }
                    }
                },
            },
            {
                "kind": "AWS::S3::Bucket",
                "selector": {"query": "true"},
                "port": {
                    "entity": {
                        "mappings": {
                            "identifier": ".Properties.BucketName",
                            "title": ".Properties.BucketName | tonumber",
                            "blueprint": '"faulty"',
                            "properties": {
                                "broken": ".Properties.BucketName + 1",
                                "absent": ".Properties.NoSuchField",
                            },
                        }
                    }
                },
            },
        ]
    }
    mapping_file = tmp_path / "mapping.yml"
    mapping_file.write_text(yaml.safe_dump(mapping))
    output = tmp_path / "out.jsonl"
    empty = tmp_path / "empty.env"
    empty.write_text("")

    done = run_cli(
        "preview",
        "--mapping",
        str(mapping_file),
        "--output",
        str(output),
        "--jsonl",
        "--env-file",
        str(empty),
        "--strict",
        env=preview_env(aws),
    )

    # the resync was complete, but --strict fails on the mapping's errors
    assert done.returncode == 3, done.stdout + done.stderr
    entity, faulty = sorted(
        (json.loads(line) for line in output.read_text().splitlines()),
        key=lambda e: str(e["blueprint"]),
    )
    assert entity["identifier"] == "reports"
    assert entity["title"] == "REPORTS"
    assert entity["blueprint"] == "bucket"
    assert entity["properties"] == {"where": "us-east-1"}
    # what Ocean makes of the faulty fields is unchanged; they are now reported
    assert faulty["title"] is None
    report = done.stdout.split("Mapping errors:")[1].splitlines()
    assert report[0].startswith(" 0 item errors, 2 failing fields")
    title = next(line for line in report if " title: " in line)
    assert title.startswith("  AWS::S3::Bucket title: '.Properties.BucketName | tonumber': ")
    assert 'string ("reports") cannot be parsed as a number' in title
    broken = next(line for line in report if " properties.broken: " in line)
    assert "cannot be added" in broken
    assert "Fields null for every entity: 1:" in report
    assert (
        "  AWS::S3::Bucket properties.absent: '.Properties.NoSuchField': no value for any item"
        in report
    )


def test_preview_rejects_a_bad_mapping_file_in_one_line(aws: Emulator, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "resources:\n  - kind: AWS::S3::Bucket\n    selector: {query: 'true', includeActions: [ReadObjects]}\n"
        "    port: {entity: {mappings: {identifier: .x, blueprint: '\"b\"'}}}\n"
    )
    broken = tmp_path / "broken.yml"
    broken.write_text("resources: [\n")

    for path, words in (
        (bad, "unknown includeActions ['ReadObjects']"),
        (broken, "not valid YAML"),
    ):
        done = run_cli("preview", "--mapping", str(path), env=preview_env(aws))
        assert done.returncode == 2
        [line] = done.stderr.strip().splitlines()
        assert line.startswith(f"error: {path}: ")
        assert words in line


def test_preview_rejects_bad_configuration_in_one_line(aws: Emulator) -> None:
    env = preview_env(aws)
    env["OCEAN__INTEGRATION__CONFIG__ACCOUNT_ROLE_ARN"] = "arn:aws:iam::12:role/x"

    done = run_cli("preview", env=env)

    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "error: accountRoleArn: expected an IAM role ARN like arn:aws:iam::123456789012:role/port-integration, "
        "got 'arn:aws:iam::12:role/x'"
    ]


def test_the_summary_is_one_table_of_kinds_by_account_with_totals_and_failures_last() -> None:
    from collections import Counter

    from port_aws.ocean.offline import PipelineResult, render_summary

    def resource(kind: str, blueprint: str) -> dict[str, Any]:
        return {"kind": kind, "port": {"entity": {"mappings": {"blueprint": f'"{blueprint}"'}}}}

    mapping = {
        "resources": [
            resource("AWS::S3::Bucket", "s3Bucket"),
            resource("AWS::Organizations::Account", "awsOrganizationsAccount"),
            resource("AWS::SQS::Queue", "sqsQueue"),
        ]
    }
    result = PipelineResult(
        entities=6,
        by_blueprint=Counter(s3Bucket=3, awsOrganizationsAccount=3),
        by_blueprint_account={
            "s3Bucket": Counter({"111111111111": 2, "222222222222": 1}),
            "awsOrganizationsAccount": Counter(
                {"111111111111": 1, "222222222222": 1, "not synced": 1}
            ),
        },
        kinds=[],
        errors=["AWS::SQS::Queue: account 222222222222: AccessDenied"],
    )

    lines = render_summary(result, mapping).splitlines()

    assert [line.split() for line in lines[1:6]] == [
        ["kind", "111111111111", "222222222222", "not", "synced", "total"],
        ["AWS::S3::Bucket", "2", "1", "-", "3"],
        ["AWS::Organizations::Account", "1", "1", "1", "3"],
        ["AWS::SQS::Queue", "-", "-", "-", "0"],
        ["total", "3", "2", "1", "6"],
    ]
    assert lines[-1] == "  AWS::SQS::Queue: account 222222222222: AccessDenied"
