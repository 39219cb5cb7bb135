"""How discovery reads AWS's answers: which mean "single account" or "every region of the
partition", which fail discovery, and which say an endpoint could not be reached.

Errors come from real calls against the emulator (its fault layer answers in each service's
wire format) or from a loopback port nothing listens on; Organizations' answers are built as
botocore parses them, with the messages AWS gives (cited where used).
"""

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aioboto3
import pytest
from aiobotocore.config import AioConfig
from botocore.exceptions import ClientError

from port_aws.__main__ import main
from port_aws.aws.errors import not_an_administrator, unreachable
from port_aws.aws.regions import RegionsUnknown, enabled_regions, partition_regions
from tests.rig import STATIC, Emulator


def _organizations_error(code: str, message: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, "ListRoots")


PRINCIPAL = "arn:aws:sts::111122223333:assumed-role/port-integration/port-aws-integration"


@pytest.mark.parametrize(
    ("code", "message", "expected"),
    [
        # What Organizations answers a member account that is no delegated administrator, as
        # reported for ListRoots and ListAccounts (e.g. awslabs/aws-innovation-sandbox#6,
        # aws-samples/aws-iam-access-key-auto-rotation#10).
        ("AccessDeniedException", "You don't have permissions to access this resource.", True),
        # Organizations' own "not a delegated administrator" exception (botocore's model).
        ("AccountNotRegisteredException", "The specified account is not a delegated ...", True),
        # The role's IAM policy, or an SCP, denying the call: AWS names principal and action.
        (
            "AccessDeniedException",
            f"User: {PRINCIPAL} is not authorized to perform: organizations:ListRoots on "
            "resource: * because no identity-based policy allows the organizations:ListRoots "
            "action",
            False,
        ),
        (
            "AccessDeniedException",
            f"User: {PRINCIPAL} is not authorized to perform: organizations:ListAccounts on "
            "resource: * with an explicit deny in a service control policy",
            False,
        ),
        ("AccessDeniedException", "", False),
        ("TooManyRequestsException", "You don't have permissions to access this resource.", False),
    ],
    ids=["not delegated", "not registered", "IAM policy", "SCP", "no message", "throttled"],
)
def test_only_organizations_own_answer_means_not_a_delegated_administrator(
    code: str, message: str, expected: bool
) -> None:
    assert not_an_administrator(_organizations_error(code, message)) is expected


@pytest.fixture(autouse=True)
def one_attempt(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each call made once (botocore's AWS_MAX_ATTEMPTS): retries would only repeat the answer."""
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")


def _session() -> aioboto3.Session:
    return aioboto3.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
    )


def _describe_regions_answers(aws: Emulator, code: str, status: int = 400) -> None:
    aws.list_regions(None)  # ListRegions unavailable (404): DescribeRegions is asked
    aws.faults([{"service": "ec2", "action": "DescribeRegions", "status": status, "code": code}])


@pytest.mark.parametrize("code", ["UnauthorizedOperation", "AccessDenied", "OptInRequired"])
async def test_a_refused_describe_regions_falls_back_to_every_region_of_the_partition(
    aws: Emulator, code: str
) -> None:
    _describe_regions_answers(aws, code, 403)

    regions = await enabled_regions(_session(), "aws", 10)

    assert regions.names == partition_regions("aws")
    assert regions.confirmed is False


@pytest.mark.parametrize(
    "code",
    [
        "ExpiredToken",
        "ExpiredTokenException",
        "RequestExpired",
        "InvalidClientTokenId",
        "AuthFailure",
        "UnrecognizedClientException",
        "RequestLimitExceeded",
        "InternalError",
    ],
)
async def test_any_other_describe_regions_failure_leaves_the_regions_unknown(
    aws: Emulator, code: str
) -> None:
    """The home region (us-east-1) is enabled in every account: a credential error there is
    bad credentials, never "no region enabled"; a throttled or failed call tells nothing."""
    _describe_regions_answers(aws, code, 503 if code == "InternalError" else 400)

    with pytest.raises(RegionsUnknown) as raised:
        await enabled_regions(_session(), "aws", 10)

    assert f"ec2:DescribeRegions in us-east-1: {code}" in str(raised.value)
    assert "its entities are kept" in str(raised.value)
    assert not raised.value.unreachable


@pytest.fixture
def closed_port() -> Iterator[str]:
    """A loopback port bound but never listening: every connection to it is refused."""
    with socket.socket() as bound:
        bound.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{bound.getsockname()[1]}"


async def _call_sts(endpoint: str | None = None, **config: Any) -> BaseException:
    options = AioConfig(retries={"total_max_attempts": 1}, connect_timeout=5, **config)
    async with _session().client("sts", endpoint_url=endpoint, config=options) as sts:
        try:
            await sts.get_caller_identity()
        except Exception as error:
            return error
    raise AssertionError("the call succeeded")


async def test_a_refused_connection_is_cannot_reach_the_endpoint(
    aws: Emulator, closed_port: str
) -> None:
    error = await _call_sts(closed_port)

    assert unreachable(error, "sts") == (
        f"cannot reach sts at {closed_port}/: check the network, proxy or AWS_ENDPOINT_URL "
        f"(Cannot connect to host {closed_port.removeprefix('http://')} ssl:default "
        f"[Connect call failed ('127.0.0.1', {closed_port.rsplit(':', 1)[1]})])"
    )


async def test_a_proxy_that_cannot_be_reached_is_named(aws: Emulator, closed_port: str) -> None:
    error = await _call_sts(aws.url, proxies={"http": closed_port})

    text = unreachable(error, "sts")
    assert text is not None
    assert text.startswith(f"cannot reach sts through the proxy {closed_port}")
    assert "check the network, proxy or AWS_ENDPOINT_URL" in text


async def test_an_answer_is_not_unreachable(aws: Emulator) -> None:
    aws.faults([{"service": "sts", "status": 403, "code": "InvalidClientTokenId"}])

    error = await _call_sts()

    assert unreachable(error, "sts") is None


async def test_an_unreachable_region_discovery_fails_with_cannot_reach(
    aws: Emulator, closed_port: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_ACCOUNT", closed_port)
    monkeypatch.setenv("AWS_ENDPOINT_URL_EC2", closed_port)

    with pytest.raises(RegionsUnknown) as raised:
        await enabled_regions(_session(), "aws", 10)

    assert raised.value.unreachable
    assert f"cannot reach ec2 at {closed_port}/" in str(raised.value)


def test_doctor_reports_regions_refusing_the_credentials(
    aws: Emulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    _describe_regions_answers(aws, "ExpiredTokenException")
    for key, value in {**STATIC, "max_attempts": "2"}.items():
        monkeypatch.setenv(f"OCEAN__INTEGRATION__CONFIG__{key.upper()}", value)

    status = main(["doctor", "--kind", "AWS::ECS::Cluster"])

    out = capsys.readouterr().out
    assert status == 1
    [line] = [line for line in out.splitlines() if line.startswith("✗")]
    assert line.startswith("✗ regions")
    assert "ec2:DescribeRegions in us-east-1: ExpiredTokenException" in line


async def test_a_describe_regions_without_an_answer_in_time_leaves_the_regions_unknown(
    aws: Emulator,
) -> None:
    aws.list_regions(None)
    aws.faults([{"service": "ec2", "action": "DescribeRegions", "delay": 3}])

    with pytest.raises(RegionsUnknown) as raised:
        await enabled_regions(_session(), "aws", 1)

    assert "ec2:DescribeRegions in us-east-1: TimeoutError: no answer in time" in str(raised.value)
