"""`python -m port_aws demo` and `preview`, run as users run them (a child process each)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

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


def test_preview_writes_what_a_custom_mapping_yields(aws: Emulator, tmp_path: Path) -> None:
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
            }
        ]
    }
    mapping_file = tmp_path / "mapping.yml"
    mapping_file.write_text(yaml.safe_dump(mapping))
    output = tmp_path / "out.jsonl"

    done = run_cli(
        "preview",
        "--mapping",
        str(mapping_file),
        "--output",
        str(output),
        "--jsonl",
        "--env-file",
        str(tmp_path / "none"),
        env=preview_env(aws),
    )

    assert done.returncode == 0, done.stdout + done.stderr
    [entity] = [json.loads(line) for line in output.read_text().splitlines()]
    assert entity["identifier"] == "reports"
    assert entity["title"] == "REPORTS"
    assert entity["blueprint"] == "bucket"
    assert entity["properties"] == {"where": "us-east-1"}


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
