import logging
import os
from collections.abc import Iterator

import pytest

from port_aws.emulator import Emulator


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
def logs() -> Iterator[list[str]]:
    """Every message logged through loguru during the test."""
    from loguru import logger

    lines: list[str] = []
    sink = logger.add(lambda message: lines.append(str(message)), level="DEBUG")
    try:
        yield lines
    finally:
        logger.remove(sink)
