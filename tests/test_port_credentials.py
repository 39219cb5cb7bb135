"""``make run`` checks Port's credentials before ``ocean sail``: one line naming what is missing."""

import subprocess
import sys
from pathlib import Path

import pytest

from port_aws.config.port_credentials import REQUIRED, missing
from tests.rig import ROOT

ID, SECRET = REQUIRED


@pytest.mark.parametrize(
    ("environ", "env_file", "absent"),
    [
        ({}, "", [ID, SECRET]),
        ({ID: "abc"}, "", [SECRET]),
        ({ID: "abc", SECRET: "  "}, "", [SECRET]),
        ({}, f"{ID}=abc\n{SECRET}=xyz\n", []),
        ({ID.lower(): "abc"}, f"{SECRET.lower()}=xyz\n", []),
        ({}, f"{ID}=abc\n{SECRET}=\n", [SECRET]),
    ],
)
def test_missing_reads_environment_and_env_file(
    tmp_path: Path, environ: dict[str, str], env_file: str, absent: list[str]
) -> None:
    path = tmp_path / ".env"
    if env_file:
        path.write_text(env_file)
    assert missing(environ, path) == absent


def test_the_check_is_one_line_and_exit_2(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "port_aws.config.port_credentials"],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert ID in lines[0] and SECRET in lines[0]


def test_make_run_checks_before_sailing() -> None:
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert recipe.index("-m port_aws.config.port_credentials") < recipe.index("/bin/ocean sail")
