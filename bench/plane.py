"""Start and stop the control plane as a child process (Ocean forks: no server thread in ours)."""

import json
import subprocess
import sys
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.control_plane import Options

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class PlaneProcess:
    url: str
    options: Options
    process: subprocess.Popen[str] = field(repr=False)

    @classmethod
    def start(cls, options: Options) -> "PlaneProcess":
        process = subprocess.Popen(
            [sys.executable, "-m", "bench.control_plane", json.dumps(asdict(options))],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.startswith("PORT "):
            process.kill()
            raise RuntimeError(f"control plane did not start: {line!r}")
        return cls(f"http://127.0.0.1:{line.split()[1]}", options, process)

    def stats(self) -> dict[str, Any]:
        with urllib.request.urlopen(self.url + "/_bench/stats", timeout=30) as answer:
            return dict(json.loads(answer.read()))

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
