"""How many requests per second the control plane answers: many concurrent aiohttp clients."""

import asyncio
import time

import aiohttp

SIGNED = (
    "AWS4-HMAC-SHA256 Credential=AKIA{account}LOAD/20250101/{region}/{service}/aws4_request, "
    "SignedHeaders=host;x-amz-date, Signature=0"
)


async def measure(url: str, account: str, seconds: float = 3.0, clients: int = 64) -> float:
    """Requests per second over ``seconds``: ListQueues pages and DescribeInstances pages."""
    done = 0
    deadline = time.monotonic() + seconds
    calls = [
        (
            "sqs",
            {"X-Amz-Target": "AmazonSQS.ListQueues", "Content-Type": "application/x-amz-json-1.0"},
            b'{"MaxResults": 10}',
        ),
        (
            "ec2",
            {"Content-Type": "application/x-www-form-urlencoded"},
            b"Action=DescribeInstances&Version=2016-11-15&MaxResults=10",
        ),
    ]

    async def client(n: int, session: aiohttp.ClientSession) -> None:
        nonlocal done
        service, headers, body = calls[n % len(calls)]
        region = ("us-east-1", "eu-west-1")[n % 2]
        headers = {
            **headers,
            "Authorization": SIGNED.format(account=account, region=region, service=service),
        }
        while time.monotonic() < deadline:
            async with session.post(url, data=body, headers=headers) as answer:
                await answer.read()
                assert answer.status == 200, answer.status
            done += 1

    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(connector=connector) as session:
        started = time.monotonic()
        await asyncio.gather(*(client(n, session) for n in range(clients)))
        return done / (time.monotonic() - started)
