"""A bad configuration stops the integration at start-up with one line naming the setting."""

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from port_ocean.integration_testing import IntegrationTestHarness, InterceptTransport

from port_aws.config.port_credentials import ATTEMPTS, StartError, check_before_sail, check_port
from tests.rig import ROOT, default_mapping


async def test_bad_configuration_stops_start_up_with_one_line(logs: list[str]) -> None:
    harness = IntegrationTestHarness(
        integration_path=str(ROOT),
        port_mapping_config=default_mapping(),
        third_party_transport=InterceptTransport(strict=False),
        config_overrides={
            "integration": {
                "identifier": "aws-test",
                "type": "aws-hosted-by-port",
                "config": {"aws_access_key_id": "AKIAEXAMPLE"},
            }
        },
    )
    await harness.start()
    try:
        assert harness._ocean is not None
        [on_start] = harness._ocean.integration.event_strategy.start
        with pytest.raises(SystemExit) as stopped:
            await on_start()
    finally:
        await harness.shutdown()

    assert stopped.value.code == 2
    errors = [line for line in logs if "Invalid integration configuration" in line]
    assert len(errors) == 1
    assert (
        errors[0]
        .rstrip("\n")
        .endswith(
            "Invalid integration configuration: aws_secret_access_key: static credentials need both "
            "aws_access_key_id and aws_secret_access_key"
        )
    )


# `ocean sail` as a user runs it: a subprocess, Port at a loopback address.


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


BASE = {
    "OCEAN__PORT__CLIENT_ID": "client-id",
    "OCEAN__PORT__CLIENT_SECRET": "client-secret",
    "OCEAN__INTEGRATION__IDENTIFIER": "aws-local",
    "OCEAN__INTEGRATION__CONFIG__AWS_ACCESS_KEY_ID": "AKIAEXAMPLE",
    "OCEAN__INTEGRATION__CONFIG__AWS_SECRET_ACCESS_KEY": "secret",
}


@dataclass
class Sailed:
    status: int
    error_lines: list[str]
    output_lines: list[str]

    @property
    def line(self) -> str:
        assert len(self.error_lines) == 1, self.error_lines
        assert len(self.output_lines) <= 25, self.output_lines  # Ocean's banner, nothing else
        assert "Traceback" not in "\n".join(self.error_lines + self.output_lines)
        return self.error_lines[0]


def sail(
    tmp_path: Path, variables: dict[str, str], base_url: str = "", dotenv: bytes | None = None
) -> Sailed:
    """``ocean sail`` of this integration, run from a folder holding its pyproject.toml (Ocean
    reads the integration's name there) and, when given, a .env file."""
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    if dotenv is not None:
        (tmp_path / ".env").write_bytes(dotenv)
    environ = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "PYTHONPATH": str(ROOT),
        "AWS_EC2_METADATA_DISABLED": "true",
        "OCEAN__PORT__BASE_URL": base_url or f"http://127.0.0.1:{_closed_port()}",
        **variables,
    }
    done = subprocess.run(
        [str(Path(sys.executable).parent / "ocean"), "sail", str(ROOT)],
        cwd=tmp_path,
        env=environ,
        capture_output=True,
        text=True,
        timeout=180,  # a guard only: each run ends in seconds
    )
    return Sailed(
        done.returncode,
        [line for line in done.stderr.splitlines() if line.strip()],
        [line for line in done.stdout.splitlines() if line.strip()],
    )


ROLE = "arn:aws:iam::123456789012:role/port-integration"
BAD_SETTINGS: list[tuple[str, dict[str, str], str]] = [
    (
        "misspelled scope",
        {
            "OCEAN__INTEGRATION__CONFIG__ACCOUNT_ROLE_ARN": ROLE,
            "OCEAN__INTEGRATION__CONFIG__ACCOUNT_SCOPE": "DIFERENCE",
            "OCEAN__INTEGRATION__CONFIG__ACCOUNT_IDS": "123456789013",
        },
        "error: accountScope (OCEAN__INTEGRATION__CONFIG__ACCOUNT_SCOPE): expected one of ALL, "
        "INTERSECTION, DIFFERENCE, got 'DIFERENCE'",
    ),
    (
        "a word for a number",
        {"OCEAN__INTEGRATION__CONFIG__MAX_CONCURRENCY": "abc"},
        "error: maxConcurrency (OCEAN__INTEGRATION__CONFIG__MAX_CONCURRENCY): expected a whole "
        "number from 1 to 1024, got 'abc'",
    ),
    (
        "a number beyond the maximum",
        {"OCEAN__INTEGRATION__CONFIG__MAX_CONCURRENCY": "1e20"},
        "error: maxConcurrency (OCEAN__INTEGRATION__CONFIG__MAX_CONCURRENCY): expected a whole "
        "number from 1 to 1024, got '1e20'",
    ),
    (
        "a short live-events key",
        {"OCEAN__INTEGRATION__CONFIG__LIVE_EVENTS_API_KEY": "abc"},
        "error: liveEventsApiKey (OCEAN__INTEGRATION__CONFIG__LIVE_EVENTS_API_KEY): expected 16 "
        "to 512 printable characters",
    ),
    (
        "no Port credentials",
        {"OCEAN__PORT__CLIENT_ID": "", "OCEAN__PORT__CLIENT_SECRET": ""},
        "error: Port credentials missing: set OCEAN__PORT__CLIENT_ID and "
        "OCEAN__PORT__CLIENT_SECRET",
    ),
    (
        "no AWS credentials",
        {
            "OCEAN__INTEGRATION__CONFIG__AWS_ACCESS_KEY_ID": "",
            "OCEAN__INTEGRATION__CONFIG__AWS_SECRET_ACCESS_KEY": "",
        },
        "error: credentialProviderPriority (OCEAN__INTEGRATION__CONFIG__CREDENTIAL_PROVIDER_"
        "PRIORITY): no credential source applies",
    ),
]


@pytest.mark.parametrize(
    ("variables", "expected"), [c[1:] for c in BAD_SETTINGS], ids=[c[0] for c in BAD_SETTINGS]
)
def test_a_bad_setting_is_one_line_before_port_is_contacted(
    tmp_path: Path, variables: dict[str, str], expected: str
) -> None:
    """Port is unreachable: the setting is still reported, in one line, with exit status 2."""
    sailed = sail(tmp_path, {**BASE, **variables})
    assert sailed.status == 2
    assert sailed.line.startswith(expected), sailed.line


def test_an_env_file_that_is_not_utf8_stops_make_run_with_one_line(tmp_path: Path) -> None:
    """Ocean reads .env before it loads any of the integration's code, so ``make run`` checks
    it first (``python -m port_aws.config.port_credentials``)."""
    (tmp_path / ".env").write_bytes("OCEAN__PORT__CLIENT_ID=caf\xe9\n".encode("latin-1"))
    done = subprocess.run(
        [sys.executable, "-m", "port_aws.config.port_credentials"],
        cwd=tmp_path,
        env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        ".env: not UTF-8 text (byte 0xe9 at offset 26); save it as UTF-8"
    ]


def test_port_unreachable_ends_with_one_line_naming_the_base_url(tmp_path: Path) -> None:
    """A comma list of roles is accepted, then Port, which is not there, is tried a bounded
    number of times."""
    base_url = f"http://127.0.0.1:{_closed_port()}"
    roles = f"{ROLE},arn:aws:iam::123456789013:role/port-integration"
    sailed = sail(
        tmp_path, {**BASE, "OCEAN__INTEGRATION__CONFIG__ACCOUNT_ROLE_ARNS": roles}, base_url
    )
    assert sailed.status == 1
    assert sailed.line.startswith(f"error: cannot reach Port at {base_url} (ConnectError"), (
        sailed.line
    )
    assert f"{ATTEMPTS} tries): check OCEAN__PORT__BASE_URL" in sailed.line
    assert "https://api.us.port.io" in sailed.line


class _Port(BaseHTTPRequestHandler):
    """Port's token endpoint answering every request with ``status``."""

    status: ClassVar[int] = 401
    requests: ClassVar[list[str]] = []
    url: ClassVar[str] = ""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        type(self).requests.append(self.path)
        body = json.dumps(
            {"accessToken": "t", "expiresIn": 3600, "tokenType": "Bearer"}
            if self.status == 200
            else {"ok": False, "error": "unauthorized"}
        ).encode()
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def port() -> Iterator[type[_Port]]:
    """A stand-in for Port's API on loopback; set ``status`` before use."""

    class Port(_Port):
        requests: ClassVar[list[str]] = []

    handler = Port
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    handler.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield handler
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_port_refusing_the_credentials_is_one_line_without_retries(
    tmp_path: Path, port: type[_Port]
) -> None:
    port.status = 401
    url = port.url
    sailed = sail(tmp_path, BASE, url)
    assert sailed.status == 2
    assert sailed.line.startswith(
        f"error: Port at {url} refused OCEAN__PORT__CLIENT_ID / OCEAN__PORT__CLIENT_SECRET "
        "(HTTP 401)"
    ), sailed.line
    assert port.requests == ["/v1/auth/access_token"]


def test_port_failing_is_tried_a_bounded_number_of_times(port: type[_Port]) -> None:
    port.status = 503
    with pytest.raises(StartError) as raised:
        check_port(port.url, "id", "secret", sleep=lambda _: None)
    assert raised.value.status == 1
    assert "(HTTP 503, 3 tries)" in str(raised.value)
    assert len(port.requests) == ATTEMPTS


def test_port_accepting_the_credentials_lets_ocean_start(port: type[_Port]) -> None:
    port.status = 200
    check_port(port.url, "id", "secret")
    assert port.requests == ["/v1/auth/access_token"]


def test_the_checks_run_only_under_ocean_sail() -> None:
    """Ocean's test harness, preview and demo load integration.py too: nothing is checked
    there (no click command is running)."""
    check_before_sail()
