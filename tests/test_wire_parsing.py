"""The quick timestamp parser answers what botocore's own parser answers: the same instant,\nthe same offset, the same ISO text in the item."""

import tomllib
from pathlib import Path

import pytest
from botocore.utils import parse_timestamp

from port_aws.credentials import USER_AGENT, client_config, parse_aws_timestamp
from port_aws.settings import load_settings

SAMPLES = [
    "2024-05-01T12:30:00Z",
    "2024-05-01T12:30:00.000Z",
    "2024-05-01T12:30:00.5Z",
    "2024-05-01T12:30:00.123456Z",
    "2024-05-01T12:30:00+00:00",
    "2024-05-01T12:30:00.250-00:00",
    "2024-05-01T12:30:00+0000",
    "2024-02-29T23:59:59.999Z",
    # not the quick form: botocore's parser answers these
    "2024-05-01T12:30:00.1234567Z",
    "2024-05-01T12:30:00+02:00",
    "2024-05-01T12:30:00",
    "2024-05-01",
    "Wed, 01 May 2024 12:30:00 GMT",
    "1714566600",
    "1714566600.25",
    1714566600,
    1714566600.5,
]


@pytest.mark.parametrize("value", SAMPLES, ids=str)
def test_same_instant_zone_and_text_as_botocore(value: object) -> None:
    ours, theirs = parse_aws_timestamp(value), parse_timestamp(value)
    assert ours == theirs
    assert ours.isoformat() == theirs.isoformat()
    assert ours.utcoffset() == theirs.utcoffset()  # items carry ``isoformat()``, compared above


def test_an_unparseable_timestamp_fails_as_in_botocore() -> None:
    with pytest.raises(ValueError):
        parse_aws_timestamp("not a time")


def test_every_call_names_the_integration_and_its_version() -> None:
    config = client_config(load_settings({}))
    assert config.user_agent == USER_AGENT
    project = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text())
    assert USER_AGENT.startswith(f"port-aws-integration/{project['project']['version']} ")
