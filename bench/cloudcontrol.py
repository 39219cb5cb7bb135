"""``python -m bench.cloudcontrol``: items/s of a generic kind read through Cloud Control.

Self-contained: the test emulator's Cloud Control stand-in, seeded with one type whose list
answers full models and one whose list answers identifiers only (one GetResource each), under
a token bucket per account and region (``RATE``), read by one resync through Ocean's harness.
Cloud Control's quotas are not published per operation; ``RATE`` is the rate assumed here
(10 calls/s, burst 10, per account and region) and can be changed with ``--rate``.
"""

import argparse
import asyncio
import os
import time
from typing import Any

RATE = 10.0
FULL = "AWS::Glue::Job"
BARE = "AWS::Batch::ComputeEnvironment"


def _seed(regions: list[str], per_region: int, rate: float) -> dict[str, Any]:
    def resources(prefix: str) -> list[dict[str, Any]]:
        return [
            {"Identifier": f"{prefix}-{n}", "Properties": {"Name": f"{prefix}-{n}", "N": n}}
            for n in range(per_region)
        ]

    return {
        "page_size": 100,
        "rate": {"per_second": rate, "burst": rate},
        "types": {
            FULL: {"resources": resources("job"), "regions": regions},
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


async def _run(regions: list[str], per_region: int, rate: float) -> None:
    from port_aws.emulator import Emulator
    from tests.rig import STATIC, resync

    emulator = Emulator.start()
    os.environ["AWS_ENDPOINT_URL"] = emulator.url
    os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
    try:
        emulator.list_regions(regions, page_size=10)
        for kind in (FULL, BARE):
            emulator.cloudcontrol(_seed(regions, per_region, rate))  # fresh buckets per kind
            started = time.monotonic()
            result = await resync(STATIC, _mapping(kind))
            wall = time.monotonic() - started
            items = len(result.upserted_entities)
            calls = emulator.count("cloudcontrolapi", "ListResources") + emulator.count(
                "cloudcontrolapi", "GetResource"
            )
            print(
                f"{kind:<34} {items:>5} items in {wall:5.1f}s = {items / wall:6.1f} items/s "
                f"({calls} Cloud Control calls so far, {len(result.errors)} errors; "
                f"{len(regions)} regions, {rate:g} calls/s per region)"
            )
    finally:
        emulator.stop()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.cloudcontrol", description=__doc__)
    parser.add_argument("--regions", type=int, default=2)
    parser.add_argument("--per-region", type=int, default=400)
    parser.add_argument("--rate", type=float, default=RATE)
    args = parser.parse_args()
    regions = ["us-east-1", "eu-west-1", "us-west-2", "ap-southeast-2"][: args.regions]
    asyncio.run(_run(regions, args.per_region, args.rate))


if __name__ == "__main__":
    main()
