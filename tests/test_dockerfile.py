"""The image's recipe, read without a Docker daemon: it installs the runtime from the lock (no dev
group), runs as the non-root user 1001 with /tmp/ocean writable and starts ``ocean sail``, as
Ocean's own integration images do; hadolint finds nothing."""

import json
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Stage:
    name: str
    base: str
    args: dict[str, str] = field(default_factory=dict)
    lines: list[tuple[str, str]] = field(default_factory=list)  # (INSTRUCTION, arguments)

    def resolve(self, text: str) -> str:
        """``${NAME}`` / ``$NAME`` replaced by the stage's ARG defaults."""
        return re.sub(r"\$\{?(\w+)\}?", lambda m: self.args.get(m.group(1), m.group(0)), text)

    def all(self, instruction: str) -> list[str]:
        return [self.resolve(a) for i, a in self.lines if i == instruction]


def stages() -> list[Stage]:
    """The Dockerfile's stages, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n\s*", " ", (ROOT / "Dockerfile").read_text())
    global_args: dict[str, str] = {}
    out: list[Stage] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        instruction, _, arguments = line.partition(" ")
        instruction = instruction.upper()
        if instruction == "ARG":
            name, _, default = arguments.partition("=")
            (out[-1].args if out else global_args)[name] = default.strip('"')
        elif instruction == "FROM":
            base, _, name = arguments.partition(" AS ")
            resolved = re.sub(r"\$\{?(\w+)\}?", lambda m: global_args[m.group(1)], base)
            out.append(Stage(name.strip(), resolved.strip()))
        else:
            out[-1].lines.append((instruction, arguments))
    return out


def dockerignore_admits(path: str) -> bool:
    """Whether the build context holds ``path`` under .dockerignore's rules (the last matching
    rule wins; a rule on a folder covers what it holds)."""

    def regex(pattern: str) -> str:
        out = ""
        for token in re.split(r"(\*\*/|\*|\?)", pattern):
            out += {"**/": "(?:.*/)?", "*": "[^/]*", "?": "[^/]"}.get(token, re.escape(token))
        return out

    parts = path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    admitted = True
    for rule in (ROOT / ".dockerignore").read_text().splitlines():
        rule = rule.strip()
        if not rule or rule.startswith("#"):
            continue
        negated = rule.startswith("!")
        pattern = regex(rule.lstrip("!"))
        if any(re.fullmatch(pattern, prefix) for prefix in prefixes):
            admitted = negated
    return admitted


def test_every_stage_is_slim_python_3_12() -> None:
    for stage in stages():
        assert re.fullmatch(r"python:3\.12-slim(-\w+)?", stage.base), stage.base


def test_the_runtime_is_installed_from_the_lock_without_dev() -> None:
    builder = next(s for s in stages() if any("poetry install" in a for a in s.all("RUN")))
    copied = " ".join(builder.all("COPY")).split()
    assert "poetry.lock" in copied and "pyproject.toml" in copied
    install = next(a for a in builder.all("RUN") if "poetry install" in a)
    assert "--without dev" in install and "--no-root" in install
    for stage in stages():
        for command in stage.all("RUN"):
            assert "--with dev" not in command and "--all-groups" not in command
            assert "poetry lock" not in command and "poetry update" not in command
            assert "-r requirements" not in command  # the lock is the only source
    runner = stages()[-1]
    assert f"--from={builder.name} /app/.venv /app/.venv" in runner.all("COPY")
    assert any("/app/.venv/bin" in env for env in runner.all("ENV"))


def test_the_runner_is_user_1001_with_tmp_ocean_writable_and_sails() -> None:
    runner = stages()[-1]
    users = runner.all("USER")
    assert users and users[-1].split(":")[0] == "1001"
    setup = " ".join(runner.all("RUN"))
    assert "--uid 1001" in setup
    assert "mkdir -p /tmp/ocean" in setup and "chown -R 1001:1001 /tmp/ocean" in setup
    assert [i for i, _ in runner.lines].index("USER") > max(
        n for n, (i, _) in enumerate(runner.lines) if i == "RUN"
    ), "nothing runs as root after the switch to 1001"
    entrypoint = runner.all("ENTRYPOINT")
    assert [json.loads(e) for e in entrypoint] == [["ocean", "sail"]]
    assert not runner.all("CMD")


def test_what_the_image_copies_is_in_the_build_context() -> None:
    sources = [
        source
        for stage in stages()
        for copy in stage.all("COPY")
        if not copy.startswith("--from")
        for source in copy.split()[:-1]
    ]
    assert {"pyproject.toml", "poetry.lock", "main.py", "integration.py", "port_aws", ".port"} <= (
        set(sources)
    )
    for source in sources:
        assert (ROOT / source).exists(), source
        assert dockerignore_admits(source), f".dockerignore leaves out {source}"
    for kept_out in (".venv", ".git", ".env", "tests", "port_aws/__pycache__", "docs"):
        assert not dockerignore_admits(kept_out), f".dockerignore lets {kept_out} in"


def test_hadolint_finds_nothing() -> None:
    hadolint = Path(sys.executable).parent / "hadolint"
    done = subprocess.run(
        [str(hadolint), "--no-color", "--failure-threshold", "style", "Dockerfile"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and done.stdout == "", done.stdout + done.stderr


def test_the_deployment_guide_names_every_setting() -> None:
    """docs/deploy.md gives each setting of .port/spec.yaml its Helm value (sensitive ones under
    ``integration.secrets``) and its variable."""
    guide = (ROOT / "docs" / "deploy.md").read_text()
    spec = yaml.safe_load((ROOT / ".port" / "spec.yaml").read_text())
    for setting in spec["configurations"]:
        name = setting["name"]
        values = "integration.secrets" if setting.get("sensitive") else "integration.config"
        variable = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).upper()
        assert f"| `{name}` | `{values}.{name}` | `OCEAN__INTEGRATION__CONFIG__{variable}` |" in (
            guide
        ), name
