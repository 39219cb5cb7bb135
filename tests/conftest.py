import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from emulation.emulator import Emulator


@pytest.fixture(scope="session")
def emulator() -> Iterator[Emulator]:
    """One emulator per test session (per xdist worker), on loopback."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = Emulator.start()
    saved = {k: os.environ.get(k) for k in ("AWS_ENDPOINT_URL", "AWS_EC2_METADATA_DISABLED")}
    os.environ["AWS_ENDPOINT_URL"] = server.url
    os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
    for name in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
    ):
        os.environ.pop(name, None)
    try:
        yield server
    finally:
        server.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture
def aws(emulator: Emulator) -> Emulator:
    """The shared emulator, emptied for this test."""
    emulator.reset()
    return emulator


@pytest.fixture
def logs(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every message logged through loguru during the test (kept across Ocean's own
    ``logger.remove()`` when the harness sets up its logging)."""
    from loguru import logger

    lines: list[str] = []
    remove = logger.remove

    def sink(message: object) -> None:
        lines.append(str(message))

    def remove_and_keep(handler_id: int | None = None) -> None:
        remove(handler_id)
        if handler_id is None:
            logger.add(sink, level="DEBUG")

    monkeypatch.setattr(logger, "remove", remove_and_keep)
    logger.add(sink, level="DEBUG")
    yield lines


@pytest.fixture
def token_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An OIDC token file in AWS_WEB_IDENTITY_TOKEN_FILE, as Port's runtime provides."""
    token = tmp_path / "token"
    token.write_text("header.payload.signature")
    monkeypatch.setenv("AWS_WEB_IDENTITY_TOKEN_FILE", str(token))
    yield token
