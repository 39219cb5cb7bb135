"""The test rig: the emulator process, seeding through AWS APIs, and resyncs through Ocean."""

import json
import os
import subprocess
import sys
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import yaml
from botocore.config import Config
from port_ocean.integration_testing import (
    IntegrationTestHarness,
    InterceptTransport,
    ResyncResult,
)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ACCOUNT = "123456789012"
NO_RETRY = Config(retries={"total_max_attempts": 1, "mode": "standard"})


@dataclass
class Emulator:
    url: str
    process: subprocess.Popen[str] = field(repr=False)

    @classmethod
    def start(cls) -> "Emulator":
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "emulator.py")],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.startswith("PORT "):
            process.kill()
            raise RuntimeError(f"emulator did not start: {line!r}")
        return cls(f"http://127.0.0.1:{line.split()[1]}", process)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)

    def _post(self, path: str, payload: Any = None) -> Any:
        data = json.dumps(payload).encode() if payload is not None else b""
        request = urllib.request.Request(self.url + path, data=data, method="POST")
        with urllib.request.urlopen(request, timeout=30) as answer:
            body = answer.read()
        return json.loads(body) if body.strip().startswith(b"{") else None

    def reset(self) -> None:
        """Forget all AWS state, injected faults and counts."""
        self._post("/moto-api/reset")
        self._post("/_test/reset")

    def faults(self, rules: list[dict[str, Any]]) -> None:
        self._post("/_test/faults", rules)

    def answers(self, rules: list[dict[str, Any]]) -> None:
        """Canned answers for calls moto lacks: ``{service, action, body[, match, status]}``;
        ``body`` is the JSON the real service sends (see tests/emulator.py)."""
        self._post("/_test/answers", rules)

    def list_regions(
        self, regions: list[str] | None, page_size: int = 2, disabled: tuple[str, ...] = ()
    ) -> None:
        """Serve account:ListRegions (moto lacks it) with these regions, paginated."""
        if regions is None:
            self._post("/_test/regions", None)
            return
        rows = [{"RegionName": r, "RegionOptStatus": "ENABLED_BY_DEFAULT"} for r in regions]
        rows += [{"RegionName": r, "RegionOptStatus": "DISABLED"} for r in disabled]
        self._post("/_test/regions", {"regions": rows, "page_size": page_size})

    def requests(self) -> dict[str, int]:
        with urllib.request.urlopen(self.url + "/_test/requests", timeout=30) as answer:
            return dict(json.loads(answer.read()))

    def count(self, service: str, action: str) -> int:
        return sum(
            n for key, n in self.requests().items() if key.startswith(f"{service}:{action}:")
        )

    # -- seeding through AWS APIs ---------------------------------------------------------------
    def client(self, service: str, region: str = "us-east-1", account: str | None = None) -> Any:
        """A boto3 client for seeding, in ``account`` (moto isolates accounts by the
        credentials AssumeRole returns)."""
        credentials: dict[str, str] = {
            "aws_access_key_id": "testing",
            "aws_secret_access_key": "testing",
        }
        if account and account != DEFAULT_ACCOUNT:
            sts = boto3.client("sts", region_name=region, endpoint_url=self.url, **credentials)
            assumed = sts.assume_role(
                RoleArn=f"arn:aws:iam::{account}:role/seed", RoleSessionName="seed"
            )["Credentials"]
            credentials = {
                "aws_access_key_id": assumed["AccessKeyId"],
                "aws_secret_access_key": assumed["SecretAccessKey"],
                "aws_session_token": assumed["SessionToken"],
            }
        return boto3.client(
            service, region_name=region, endpoint_url=self.url, config=NO_RETRY, **credentials
        )


def default_mapping() -> dict[str, Any]:
    return dict(yaml.safe_load((ROOT / ".port" / "resources" / "port-app-config.yml").read_text()))


def mapping_for(*kinds: str) -> dict[str, Any]:
    """The shipped default mapping, restricted to ``kinds``."""
    mapping = default_mapping()
    mapping["resources"] = [r for r in mapping["resources"] if r["kind"] in kinds]
    missing = set(kinds) - {r["kind"] for r in mapping["resources"]}
    assert not missing, f"no default mapping for {missing}"
    return mapping


STATIC = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


async def resync(
    config: dict[str, Any],
    mapping: dict[str, Any] | None = None,
    existing: list[dict[str, Any]] | None = None,
) -> ResyncResult:
    """One full resync of the integration through Ocean's own test harness."""
    harness = IntegrationTestHarness(
        integration_path=str(ROOT),
        port_mapping_config=mapping or default_mapping(),
        third_party_transport=InterceptTransport(strict=False),
        config_overrides={
            "integration": {
                "identifier": "aws-test",
                "type": "aws-hosted-by-port",
                "config": {"progress_interval_seconds": 60, **config},
            },
        },
        port_search_entities_response=existing,
    )
    await harness.start()
    try:
        return await harness.trigger_resync()
    finally:
        await harness.shutdown()


def by_blueprint(result: ResyncResult, blueprint: str) -> dict[str, dict[str, Any]]:
    return {e["identifier"]: e for e in result.upserted_entities if e["blueprint"] == blueprint}


os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
