"""``python -m bench.cloudcontrol``: items/s of a generic kind read through Cloud Control.

Self-contained: the test emulator's Cloud Control stand-in, seeded with one type whose list
answers whole models (a few resources of each slice read again with GetResource to learn so), one
whose list answers a subset of each model (``Name`` alone, as AWS::Kinesis::Stream's does: one
GetResource each) and one whose list answers identifiers only (one GetResource each), each read
by one resync through Ocean's harness, in one account and ``--regions`` regions.

Rate model, per account and region (a token bucket in the stand-in): AWS publishes no
request-rate quota for Cloud Control (AWS General Reference, "Cloud Control API endpoints and
quotas": "This service has no quotas"); the public measurement is about 30 calls/s before
ThrottlingException (github.com/ekristen/aws-nuke issue 508, rate limit of 25/s in pull request
510), so the stand-in throttles beyond ``OBSERVED_RATE_CEILING`` calls/s with as large a burst.
The integration paces its own calls at ``CLOUDCONTROL_RATE`` per account and region. Pages hold
``--page-size`` resources: Cloud Control ignores ``MaxResults`` ("Reserved") and each type's
handler sizes its pages; 25 is what AWS::ApiGateway::ApiKey answers (boto/boto3 issue 4166).
"""

import argparse
import asyncio
import os
import time
from typing import Any

from port_aws.catalog.cloudcontrol import CLOUDCONTROL_RATE, OBSERVED_RATE_CEILING

FULL = "AWS::Glue::Job"
SUBSET = "AWS::KinesisVideo::Stream"
BARE = "AWS::Batch::ComputeEnvironment"
LISTS = {FULL: "whole models", SUBSET: "a subset", BARE: "identifiers"}
"""What each type's list answers."""
PAGE_SIZE = 25


def _seed(regions: list[str], per_region: int, rate: float, page_size: int) -> dict[str, Any]:
    def resources(prefix: str) -> list[dict[str, Any]]:
        return [
            {"Identifier": f"{prefix}-{n}", "Properties": {"Name": f"{prefix}-{n}", "N": n}}
            for n in range(per_region)
        ]

    return {
        "page_size": page_size,
        "rate": {"per_second": rate, "burst": rate},
        "types": {
            FULL: {"resources": resources("job"), "regions": regions},
            SUBSET: {
                "resources": resources("stream")[: max(1, per_region // 4)],
                "list_properties": ["Name"],
                "regions": regions,
            },
            BARE: {
                "resources": resources("ce")[: max(1, per_region // 4)],
                "identifiers_only": True,
                "regions": regions,
            },
        },
    }


def _mapping(kind: str) -> dict[str, Any]:
    return {
        "resources": [
            {
                "kind": kind,
                "selector": {"query": "true"},
                "port": {
                    "entity": {
                        "mappings": {
                            "identifier": '.__ExtraContext.Region + "/" + .Properties.Identifier',
                            "title": ".Properties.Name",
                            "blueprint": '"generic"',
                        }
                    }
                },
            }
        ]
    }


async def _run(regions: list[str], per_region: int, rate: float, page_size: int) -> None:
    from emulation.emulator import Emulator
    from port_aws.resync.state import current_run
    from tests.rig import STATIC, resync

    emulator = Emulator.start()
    os.environ["AWS_ENDPOINT_URL"] = emulator.url
    os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
    try:
        emulator.list_regions(regions, page_size=10)
        for kind in (FULL, SUBSET, BARE):
            emulator.cloudcontrol(_seed(regions, per_region, rate, page_size))  # fresh buckets
            started = time.monotonic()
            result = await resync(STATIC, _mapping(kind))
            wall = time.monotonic() - started
            run = current_run()
            figures = run.kinds[0] if run and run.kinds else None
            items = len(result.upserted_entities)
            calls = figures.calls if figures else 0
            throttled = figures.throttled if figures else 0
            read = figures.duration if figures else wall
            shape = f"(list: {LISTS[kind]})"
            print(
                f"{kind:<31} {shape:<20} {items:>5} items in {read:5.1f}s = {items / read:6.1f} items/s "
                f"({calls} calls, {throttled} throttled, {len(result.errors)} errors; "
                f"{len(regions)} regions, throttled beyond {rate:g} calls/s and paced at "
                f"{CLOUDCONTROL_RATE:g} per account and region, {page_size} per page; "
                f"{wall:.1f}s with the harness)"
            )
    finally:
        emulator.stop()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.cloudcontrol", description=__doc__)
    parser.add_argument("--regions", type=int, default=2)
    parser.add_argument("--per-region", type=int, default=400)
    parser.add_argument(
        "--rate",
        type=float,
        default=OBSERVED_RATE_CEILING,
        help="calls/s per account and region beyond which the stand-in throttles",
    )
    parser.add_argument("--page-size", type=int, default=PAGE_SIZE)
    args = parser.parse_args()
    regions = ["us-east-1", "eu-west-1", "us-west-2", "ap-southeast-2"][: args.regions]
    asyncio.run(_run(regions, args.per_region, args.rate, args.page_size))


if __name__ == "__main__":
    main()
