"""Scale out: N installations with shard k/N split an organization's accounts exactly."""

import random

import pytest

from port_aws.aws.errors import ConfigError
from port_aws.config.settings import in_shard, load_settings
from tests.rig import STATIC


@pytest.mark.parametrize("n", [1, 2, 3, 8, 50])
def test_shards_partition_the_accounts(n: int) -> None:
    generator = random.Random(n)
    accounts = {f"{generator.randrange(10**12):012d}" for _ in range(5_000)}
    owners = {a: [k for k in range(1, n + 1) if in_shard(a, (k, n))] for a in accounts}
    assert all(len(shards) == 1 for shards in owners.values())  # no overlap, no gap
    sizes = [sum(1 for s in owners.values() if s == [k]) for k in range(1, n + 1)]
    assert min(sizes) > 0.7 * len(accounts) / n  # and roughly even


@pytest.mark.parametrize("value", ["0/4", "5/4", "2", "a/b", "1/0", "2/-3"])
def test_a_bad_shard_is_one_line(value: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings({**STATIC, "shard": value}, {})
    assert raised.value.setting == "shard"
