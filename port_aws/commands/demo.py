"""``python -m port_aws demo``: the main job on an embedded default, nothing leaves the machine.

A local AWS emulator is seeded with an organization (a management account and six members in
nested OUs, one suspended) and resources of many kinds in three regions; the real integration
then runs against it — OIDC web identity into the management role, Organizations discovery
with an OU id and a scope, member roles, regions, every kind of the shipped default mapping,
Ocean's JQ mapping — with Port replaced by an in-process capture.
"""

import argparse
import asyncio
import importlib.util
import json
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the demo's modules are imported once moto is known to be installed
    from port_ocean.integration_testing import IntegrationTestHarness

    from emulation.organization import ClientFactory

NEEDS_DEV_INSTALL = (
    "error: the demo needs the development install (the AWS emulator, moto, is a development "
    "dependency): run make demo from a clone of the repository"
)

ROLE_NAME = "port-integration"
OUS = ("workloads", "sandbox")
"""OUs the demo syncs (recursively); the management account sits in the root, outside them."""
SYNCED = ["prod-a", "prod-eu", "dev-a", "sandbox-a"]
"""The ACTIVE accounts of those OUs but dev-b, which the scope leaves out."""
LIVE_QUEUE = "demo-live-orders"
LIVE_WAIT_SECONDS = 30.0
"""Longest wait for the live event's entity (it usually takes a few seconds)."""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "demo", help="run the integration on a seeded local AWS emulator"
    )
    parser.add_argument(
        "--output", type=Path, default=Path("demo-output/entities.json"), help="entities file"
    )
    parser.add_argument(
        "--jsonl", action="store_true", help="write JSON Lines instead of a JSON array"
    )
    parser.add_argument("--verbose", action="store_true", help="show Ocean's own logs too")
    parser.add_argument(
        "--all-fields",
        action="store_true",
        help="list every mapping field found null or failing (the summary shows five of each)",
    )
    parser.add_argument(
        "--small",
        action="store_true",
        help="seed the per-account resources in two of the accounts only (quick check)",
    )
    parser.set_defaults(func=run)


def _process_started() -> float:
    """When this process started, on the monotonic clock (Linux); else now.

    The demo's total then includes the interpreter's start and imports, as a user's stopwatch
    does, instead of only the part after them.
    """
    try:
        fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        ticks = int(fields[19])  # field 22 of proc(5): start time in clock ticks after boot
        since_boot = time.clock_gettime(time.CLOCK_BOOTTIME) - ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return time.monotonic()
    return time.monotonic() - since_boot


def run(args: argparse.Namespace) -> int:
    if importlib.util.find_spec("moto") is None:  # a runtime install (an image) has no emulator
        print(NEEDS_DEV_INSTALL, file=sys.stderr)
        return 2
    started = _process_started()
    try:
        return _run(args, started)
    finally:  # after the emulator has stopped: the whole command, on one clock
        print(f"Done in {time.monotonic() - started:.0f}s.")


def _run(args: argparse.Namespace, started: float) -> int:
    from emulation.demo_resources import REGIONS, cloudcontrol_seed, generic_mapping, seed_resources
    from emulation.emulator import Emulator
    from emulation.organization import create_organization, emulator_clients
    from port_aws.ocean.offline import DEFAULT_MAPPING, load_mapping, render_summary, run_pipeline

    print("Starting a local AWS emulator on loopback…", flush=True)
    emulator = Emulator.start()
    saved = dict(os.environ)
    try:
        os.environ["AWS_ENDPOINT_URL"] = emulator.url
        os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
        clients = emulator_clients(emulator.url)
        print("Seeding the demo organization through AWS APIs…", flush=True)
        org = create_organization(clients, emulator.url)  # the same ids on every run
        emulator.list_regions(list(REGIONS), page_size=2)
        synced = ["prod-a", "dev-a"] if args.small else SYNCED
        created = seed_resources(clients, org, synced, emulator.answers)
        emulator.cloudcontrol(cloudcontrol_seed())
        excluded = org.accounts["dev-b"]
        ou_ids = ",".join(org.ous[path] for path in OUS)
        print(
            f"  {len(org.accounts)} accounts ({len(org.active)} active, 1 suspended) in "
            f"{len(org.ous)} OUs, {created} resources in {len(REGIONS)} regions "
            f"({time.monotonic() - started:.0f}s)",
            flush=True,
        )
        with tempfile.TemporaryDirectory() as folder:
            token = Path(folder) / "oidc-token"
            token.write_text("demo.oidc.token")
            os.environ["AWS_WEB_IDENTITY_TOKEN_FILE"] = str(token)
            key = secrets.token_urlsafe(24)
            config = {
                "account_role_arn": f"arn:aws:iam::{org.management}:role/{ROLE_NAME}",
                "ou_id": ou_ids,
                "account_scope": "DIFFERENCE",
                "account_ids": excluded,
                "progress_interval_seconds": 5,
                "live_events_api_key": key,
            }
            print(
                f"Resyncing: web identity into {config['account_role_arn']}, ouId {ou_ids} "
                f"({' and '.join(OUS)}), accountScope DIFFERENCE (all but dev-b {excluded})…",
                flush=True,
            )
            mapping = load_mapping(DEFAULT_MAPPING)
            mapping["resources"].append(generic_mapping())  # read through Cloud Control
            account, region = org.accounts[synced[0]], REGIONS[1]

            live: list[bool] = []

            async def live_event(harness: "IntegrationTestHarness") -> None:
                live.append(
                    await show_live_event(harness, clients, account, region, key, synced[0])
                )

            result = asyncio.run(
                run_pipeline(config, mapping, args.output, args.jsonl, args.verbose, live_event)
            )
        print()
        print(render_summary(result, mapping, args.all_fields))
        print()
        print(f"{result.entities} entities written to {args.output.resolve()}")
        return 1 if result.failed or live != [True] else 0
    finally:
        os.environ.clear()
        os.environ.update(saved)
        emulator.stop()


async def show_live_event(
    harness: "IntegrationTestHarness",
    clients: "ClientFactory",
    account: str,
    region: str,
    key: str,
    account_name: str,
) -> bool:
    """One live event end to end: a queue created after the resync, its CloudTrail event posted
    to Ocean's webhook route with the API key (as EventBridge's API destination does), read
    again by the webhook processor and upserted; the entity is printed."""
    import httpx
    from port_ocean.context.ocean import ocean

    from port_aws.live.events import API_KEY_HEADER, WEBHOOK_PATH, cloudtrail_payload

    started = time.monotonic()
    app = ocean.app
    await app.webhook_manager.start_processing_event_messages()
    app.fast_api_app.include_router(app.integration_router, prefix="/integration")
    upserted: list[dict[str, Any]] = []
    harness.port_mock.upserted_entities = upserted  # live upserts only, apart from the resync's
    url = clients("sqs", region, account).create_queue(QueueName=LIVE_QUEUE)["QueueUrl"]
    event = cloudtrail_payload(
        account,
        region,
        "sqs.amazonaws.com",
        "CreateQueue",
        {"queueName": LIVE_QUEUE},
        {"queueUrl": url},
    )
    print()
    print(
        f"Live event: created SQS queue {LIVE_QUEUE} in {account_name} ({account}), {region}; "
        f"posting its CloudTrail event to /integration{WEBHOOK_PATH}…",
        flush=True,
    )
    transport = httpx.ASGITransport(app=app.fast_api_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://integration") as client:
        answer = await client.post(
            f"/integration{WEBHOOK_PATH}", json=event, headers={API_KEY_HEADER: key}
        )
    print(f"  answered {answer.status_code}", flush=True)
    while not upserted and time.monotonic() - started < LIVE_WAIT_SECONDS:
        await asyncio.sleep(0.1)
    if not upserted:
        print(f"  no entity upserted within {LIVE_WAIT_SECONDS:.0f}s", flush=True)
        return False
    print(f"  upserted in {time.monotonic() - started:.1f}s:", flush=True)
    print(
        "  " + json.dumps(upserted[0], indent=2, sort_keys=True, default=str).replace("\n", "\n  ")
    )
    return True
