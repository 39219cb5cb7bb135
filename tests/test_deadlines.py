"""Deadlines on every AWS call path, and state bounded by what is in flight.

Bounded state: a resync over many accounts keeps service bounds (and their pacers) only for
the slices reading at once, not one per account, region and service ever read.
"""

import gc
from typing import Any

import pytest

from port_aws.catalog import model
from port_aws.run import ResyncRun
from tests.rig import STATIC, Emulator, mapping_for, resync

LAMBDA = "AWS::Lambda::Function"
SQS = "AWS::SQS::Queue"


async def test_service_bounds_and_pacers_are_bounded_by_the_slices_in_flight(
    aws: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """40 accounts x 2 regions x 2 services were 160 bounds kept to the end of the resync (and
    as many pacers for Lambda's); with 3 slices at once, at most 3 are held at any time."""
    aws.list_regions(["eu-west-1", "us-east-1"], page_size=10)
    accounts = [f"{100000000000 + n}" for n in range(40)]
    sizes: list[tuple[int, int]] = []
    runs: list[ResyncRun] = []
    limiter = ResyncRun.limiter

    def counted(run: ResyncRun, account_id: str, region: str, service: str) -> Any:
        bound = limiter(run, account_id, region, service)
        sizes.append((len(run._limiters), len(model._pacers)))
        if run not in runs:
            runs.append(run)
        return bound

    monkeypatch.setattr(ResyncRun, "limiter", counted)
    result = await resync(
        {
            **STATIC,
            "account_role_arns": [f"arn:aws:iam::{a}:role/port-integration" for a in accounts],
            "max_concurrency": 3,
        },
        mapping_for(LAMBDA, SQS),
    )

    assert result.errors == []
    assert len(sizes) == len(accounts) * 2 * 2  # every slice asked for its bound
    assert max(limiters for limiters, _ in sizes) <= 3
    assert max(pacers for _, pacers in sizes) <= 3
    gc.collect()
    assert [len(run._limiters) for run in runs] == [0]
