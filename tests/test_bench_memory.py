"""The benchmark's memory figures (bench/memory.py): what it sizes and whom it charges."""

import sys
from typing import Any

from port_ocean.clients.port.mixins.entities import EntityClientMixin
from port_ocean.core.models import Entity

from bench.memory import Dropped, deep_size, owner_of, retained_size


def _retained(count: int) -> list[Entity]:
    """Entities as Ocean keeps them until its delete phase (``_reduce_entity``)."""
    return [
        EntityClientMixin._reduce_entity(
            Entity(
                identifier=f"arn:aws:sqs:us-east-1:{i:012d}:queue-{i}",
                blueprint="awsSqsQueue",
                icon=None,
                title=f"queue-{i}",
                properties={"region": "us-east-1", "tags": [{"Key": "k", "Value": str(i)}]},
                relations={"account": f"{i % 7:012d}"},
            )
        )
        for i in range(count)
    ]


def test_deep_size_counts_each_object_once() -> None:
    shared = "x" * 1000
    size, objects = deep_size([shared, shared])
    assert objects == 2
    assert size == sys.getsizeof([shared, shared]) + sys.getsizeof(shared)


def test_sampled_size_of_retained_entities_matches_the_full_walk() -> None:
    results: list[tuple[list[Any], list[Exception]]] = [
        (_retained(3_000), []),
        (_retained(1_000), []),
    ]
    full, full_objects = retained_size(results, None)
    sampled, sampled_objects = retained_size(results, 200)
    assert abs(sampled - full) / full < 0.03
    assert abs(sampled_objects - full_objects) / full_objects < 0.03
    # what Ocean keeps is a reduced entity: no title, no properties
    assert full / 4_000 < 1_500


def test_owner_is_the_innermost_known_frame() -> None:
    site = "/x/.venv/lib/python3.12/site-packages"
    engine = "/w/port_aws/resync/engine.py"
    assert owner_of([f"{site}/port_ocean/core/x.py", engine, f"{site}/botocore/p.py"]) == (
        "integration"
    )
    assert owner_of([engine, f"{site}/port_ocean/core/x.py", "/usr/lib/json/d.py"]) == "Ocean"
    assert owner_of([f"{site}/port_ocean/core/x.py", "/w/port_aws/ocean/processor.py"]) == "Ocean"
    assert owner_of(["/usr/lib/python3.12/asyncio/events.py"]) == "other"


def test_dropped_log_keeps_nothing() -> None:
    log = Dropped()
    log.append(object())
    assert log.dropped == 1 and not log
