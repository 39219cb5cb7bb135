"""What Ocean's webhook route answers to a wrong or missing live-events key (README, "Live
events"): the request is queued before the processor authenticates it, so the answer is
``200 {"status": "ok"}``; the event is then refused and nothing changes."""

import asyncio

import httpx

from port_aws.live import API_KEY_HEADER, WEBHOOK_PATH, forget_run
from tests.rig import Emulator
from tests.test_live_events import cloudtrail, webhook_app


async def test_wrong_or_missing_key_is_answered_200_and_changes_nothing(
    aws: Emulator, logs: list[str]
) -> None:
    url = aws.client("sqs", "us-east-1").create_queue(QueueName="unheard")["QueueUrl"]
    harness, app = await webhook_app("the-right-key-0123")
    event = cloudtrail("CreateQueue", {"queueName": "unheard"}, {"queueUrl": url})
    try:
        transport = httpx.ASGITransport(app=app.fast_api_app)
        async with httpx.AsyncClient(transport=transport, base_url="http://ocean") as client:
            for headers in ({API_KEY_HEADER: "a-wrong-key-0123"}, {}):
                answer = await client.post(
                    f"/integration{WEBHOOK_PATH}", json=event, headers=headers
                )
                assert (answer.status_code, answer.json()) == (200, {"status": "ok"})
        refused = (
            "Some webhook events failed processing"  # Ocean's line for "Authentication failed"
        )
        for _ in range(200):
            if sum(refused in line for line in logs) >= 2:
                break
            await asyncio.sleep(0.05)
        assert sum(refused in line for line in logs) == 2
        assert harness.port_mock.upserted_entities == []
        assert harness.port_mock.deleted_entities == []
    finally:
        await harness.shutdown()
        forget_run()
