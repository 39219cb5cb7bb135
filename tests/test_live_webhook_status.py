"""What the webhook route answers before Ocean queues a request (README, "Live events"): a
wrong or missing key is answered 401 and a body over 256 KB 413, before Ocean reads, parses or
queues it; a flood of such posts leaves Ocean's queue empty and no event object behind."""

import gc
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
from port_ocean.core.handlers.webhook.webhook_event import WebhookEvent
from port_ocean.integration_testing import IntegrationTestHarness, InterceptTransport

from port_aws.live.events import API_KEY_HEADER, MAX_BODY_BYTES, WEBHOOK_PATH
from port_aws.resync.state import forget_run
from tests.rig import ROOT, STATIC, Emulator, mapping_for
from tests.test_live_events import cloudtrail

KEY = "the-right-key-0123"
ROUTE = f"/integration{WEBHOOK_PATH}"
FLOOD = 2_000


async def _unserved_app() -> tuple[IntegrationTestHarness, Any]:
    """The integration in Ocean's harness with its webhook route mounted and no webhook worker
    started: whatever Ocean queues stays in its queue, to be counted."""
    harness = IntegrationTestHarness(
        integration_path=str(ROOT),
        port_mapping_config=mapping_for("AWS::SQS::Queue"),
        third_party_transport=InterceptTransport(strict=False),
        config_overrides={
            "integration": {
                "identifier": "aws-test",
                "type": "aws-hosted-by-port",
                "config": {**STATIC, "live_events_api_key": KEY},
            },
        },
    )
    forget_run()
    await harness.start()
    app = harness._ocean
    assert app is not None
    app.fast_api_app.include_router(app.integration_router, prefix="/integration")
    return harness, app


async def _queued(app: Any) -> int:
    return int(await app.webhook_manager._event_queues[WEBHOOK_PATH].size())


def _events_alive() -> int:
    gc.collect()
    return sum(type(o) is WebhookEvent for o in gc.get_objects())  # proxies' isinstance raises


async def test_wrong_or_missing_keys_are_refused_before_ocean_queues_them(aws: Emulator) -> None:
    event = cloudtrail("CreateQueue", {"queueName": "unheard"}, {"queueUrl": "https://q"})
    body = json.dumps(event).encode()
    harness, app = await _unserved_app()
    events = _events_alive()  # those of earlier tests' harnesses
    try:
        transport = httpx.ASGITransport(app=app.fast_api_app)
        async with httpx.AsyncClient(transport=transport, base_url="http://ocean") as client:
            for headers in ({API_KEY_HEADER: "a-wrong-key-0123"}, {}, {API_KEY_HEADER: ""}):
                answer = await client.post(ROUTE, content=body, headers=headers)
                assert answer.status_code == 401, answer.text
            gc.collect()
            objects = len(gc.get_objects())
            wrong = {API_KEY_HEADER: "a-wrong-key-0123"}
            statuses = {(await client.post(ROUTE, content=body, headers=wrong)).status_code}
            for _ in range(FLOOD - 1):
                await client.post(ROUTE, content=body, headers=wrong)
            assert statuses == {401}
            assert await _queued(app) == 0
            assert _events_alive() == events
            # memory flat: fewer objects kept than one per refused request
            assert len(gc.get_objects()) - objects < FLOOD // 4

            # positive control: the right key is queued
            answer = await client.post(ROUTE, content=body, headers={API_KEY_HEADER: KEY})
            assert answer.json() == {"status": "ok"}
            assert await _queued(app) == 1
    finally:
        await harness.shutdown()
        forget_run()


async def test_a_body_over_the_cap_is_refused_unread(aws: Emulator) -> None:
    """Declared too large (413 before a byte is read), or sent in chunks with no length (413
    once the cap is passed; the rest is never read); one within the cap is queued."""
    padding = {"padding": "x" * MAX_BODY_BYTES}
    big = cloudtrail("CreateQueue", {"queueName": "big", **padding}, {"queueUrl": "https://q"})
    body = json.dumps(big).encode()
    key = {API_KEY_HEADER: KEY}
    chunks_read = 0

    async def chunked() -> AsyncIterator[bytes]:
        nonlocal chunks_read
        for start in range(0, len(body) * 4, 16 * 1024):
            chunks_read += 1
            yield (body * 4)[start : start + 16 * 1024]

    harness, app = await _unserved_app()
    events = _events_alive()  # those of earlier tests' harnesses
    try:
        transport = httpx.ASGITransport(app=app.fast_api_app)
        async with httpx.AsyncClient(transport=transport, base_url="http://ocean") as client:
            answer = await client.post(ROUTE, content=body, headers=key)
            assert answer.status_code == 413, answer.text
            answer = await client.post(ROUTE, content=chunked(), headers=key)
            assert answer.status_code == 413, answer.text
            assert chunks_read * 16 * 1024 <= MAX_BODY_BYTES + 32 * 1024  # the rest unread
            assert await _queued(app) == 0 and _events_alive() == events

            small = cloudtrail("CreateQueue", {"queueName": "small"}, {"queueUrl": "https://q"})
            answer = await client.post(ROUTE, json=small, headers=key)
            assert answer.json() == {"status": "ok"}
            assert await _queued(app) == 1
    finally:
        await harness.shutdown()
        forget_run()
