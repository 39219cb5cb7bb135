"""How every AWS call is made: the quick timestamp parser answers what botocore's own parser
answers (the same instant, the same offset, the same ISO text in the item); one User-Agent;
the shared TLS session and event-alias memo reach every client, STS's included."""

import copy
import random
import tomllib
from pathlib import Path

import pytest
from aiobotocore.config import AioConfig
from aiobotocore.httpxsession import HttpxSession
from botocore import UNSIGNED
from botocore.hooks import EventAliaser, HierarchicalEmitter, _PrefixTrie
from botocore.utils import parse_timestamp

from port_aws.aws.credentials import (
    USER_AGENT,
    _session,
    _SharedTrie,
    client_config,
    new_session,
    parse_aws_timestamp,
    sts_config,
)
from port_aws.aws.tls import SharedTLSSession
from port_aws.config.settings import load_settings

SAMPLES = [
    "2024-05-01T12:30:00Z",
    "2024-05-01T12:30:00.000Z",
    "2024-05-01T12:30:00.5Z",
    "2024-05-01T12:30:00.123456Z",
    "2024-05-01T12:30:00+00:00",
    "2024-05-01T12:30:00.250-00:00",
    "2024-05-01T12:30:00+0000",
    "2024-02-29T23:59:59.999Z",
    # not the quick form: botocore's parser answers these
    "2024-05-01T12:30:00.1234567Z",
    "2024-05-01T12:30:00+02:00",
    "2024-05-01T12:30:00",
    "2024-05-01",
    "Wed, 01 May 2024 12:30:00 GMT",
    "1714566600",
    "1714566600.25",
    1714566600,
    1714566600.5,
]


@pytest.mark.parametrize("value", SAMPLES, ids=str)
def test_same_instant_zone_and_text_as_botocore(value: object) -> None:
    ours, theirs = parse_aws_timestamp(value), parse_timestamp(value)
    assert ours == theirs
    assert ours.isoformat() == theirs.isoformat()
    assert ours.utcoffset() == theirs.utcoffset()  # items carry ``isoformat()``, compared above


def test_an_unparseable_timestamp_fails_as_in_botocore() -> None:
    with pytest.raises(ValueError):
        parse_aws_timestamp("not a time")


def test_every_call_names_the_integration_and_its_version() -> None:
    config = client_config(load_settings({}))
    assert config.user_agent == USER_AGENT
    project = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text())
    assert USER_AGENT.startswith(f"port-aws-integration/{project['project']['version']} ")


def test_a_clients_own_configuration_keeps_the_shared_http_session() -> None:
    """botocore's credential fetchers create STS clients with a configuration of their own; the
    merged configuration still uses the shared TLS session (not one CA bundle load per role)."""
    settings = load_settings({})
    for base in (client_config(settings), sts_config(settings)):
        merged = base.merge(AioConfig(signature_version=UNSIGNED))
        assert merged.http_session_cls is SharedTLSSession
        assert merged.signature_version is UNSIGNED
        assert merged.user_agent == USER_AGENT
        assert base.merge(AioConfig(http_session_cls=HttpxSession)).http_session_cls is HttpxSession


async def test_sts_clients_of_assumed_roles_use_the_shared_tls_session() -> None:
    session = _session(load_settings({}), None, {})
    unsigned = AioConfig(
        signature_version=UNSIGNED
    )  # what AssumeRoleWithWebIdentity's fetcher gives
    async with session.create_client("sts", region_name="us-east-1", config=unsigned) as sts:
        assert isinstance(sts._endpoint.http_session, SharedTLSSession)


ALIASED = [
    "before-call.apigateway.GetRestApis",
    "before-parameter-build.autoscaling.DescribeAutoScalingGroups",
    "needs-retry.api.sagemaker.ListModels",
    "before-call.sqs.GetQueueAttributes",
    "provide-client-params.ec2.DescribeInstances",
]


async def test_every_client_shares_one_alias_memo_with_botocores_answers() -> None:
    settings = load_settings({})
    first, second = _session(settings, None, {}), _session(settings, None, {})
    async with (
        first.create_client("sqs", region_name="us-east-1") as one,
        second.create_client("ec2", region_name="eu-west-1") as two,
    ):
        memo = one.meta.events._alias_name_cache
        assert (
            memo
            is two.meta.events._alias_name_cache
            is first.get_component("event_emitter")._alias_name_cache
        )
        stock = EventAliaser(HierarchicalEmitter())
        for name in ALIASED:
            assert one.meta.events._alias_event_name(name) == stock._alias_event_name(name)
        assert memo["before-call.apigateway.GetRestApis"] == "before-call.api-gateway.GetRestApis"


async def test_handlers_are_still_refused_without_kwargs_after_the_check_is_kept() -> None:
    session = _session(load_settings({}), None, {})

    def accepts(**kwargs: object) -> None:
        pass

    def refuses(request: object) -> None:
        pass

    async with session.create_client("sqs", region_name="us-east-1") as client:
        assert isinstance(client.meta.events._emitter, type(session._original_handler))
        for _ in range(2):  # the second time from the kept answer
            client.meta.events.register("before-call.sqs", accepts)
            with pytest.raises(ValueError, match="keyword"):
                client.meta.events.register("before-call.sqs", refuses)


def _names(rng: random.Random) -> list[str]:
    parts = ["before-call", "needs-retry", "*", "sqs", "ec2", "GetQueueAttributes", "Describe"]
    return [".".join(rng.choice(parts) for _ in range(rng.randint(1, 4))) for _ in range(40)]


@pytest.mark.parametrize("seed", range(20))
def test_shared_handler_tries_answer_as_botocores_whatever_is_changed_in_copies(seed: int) -> None:
    """Random registrations and removals on tries and on copies of them (copies of copies
    included), in botocore's trie and in the shared one, side by side: every search answers the
    same handlers in the same order, and a change never shows in another copy."""
    rng = random.Random(seed)
    names = _names(rng)
    stock: list[_PrefixTrie] = [_PrefixTrie()]
    shared: list[_PrefixTrie] = [_SharedTrie()]
    added: list[list[tuple[str, str]]] = [[]]
    for step in range(300):
        i = rng.randrange(len(stock))
        action = rng.random()
        if action < 0.15:
            stock.append(copy.copy(stock[i]))
            shared.append(copy.copy(shared[i]))
            added.append(list(added[i]))
        elif action < 0.3 and added[i]:
            key, handler = added[i].pop(rng.randrange(len(added[i])))
            stock[i].remove_item(key, handler)
            shared[i].remove_item(key, handler)
        else:
            key, handler = rng.choice(names), f"h{step}"
            section = rng.randrange(3)
            stock[i].append_item(key, handler, section)
            shared[i].append_item(key, handler, section)
            added[i].append((key, handler))
        for theirs, ours in zip(stock, shared, strict=True):
            for name in rng.sample(names, 5):
                assert list(ours.prefix_search(name)) == list(theirs.prefix_search(name))
    with pytest.raises(ValueError):
        shared[0].remove_item("never.registered", "h")


async def test_clients_handlers_stay_their_own() -> None:
    session = _session(load_settings({}), None, {})
    events = session.get_component("event_emitter")
    async with (
        session.create_client("sqs", region_name="us-east-1") as one,
        session.create_client("sqs", region_name="eu-west-1") as two,
    ):
        assert isinstance(one.meta.events._emitter._handlers, _SharedTrie)

        def only_one(**_: object) -> None:
            pass

        one.meta.events.register("before-call.sqs.ListQueues", only_one)
        assert only_one in one.meta.events._emitter._handlers.prefix_search(
            "before-call.sqs.ListQueues"
        )
        for other in (two.meta.events, events):
            found = other._emitter._handlers.prefix_search("before-call.sqs.ListQueues")
            assert only_one not in found


def test_sessions_start_with_botocores_own_handlers_in_its_order() -> None:
    from aiobotocore.session import AioSession
    from botocore.handlers import BUILTIN_HANDLERS

    stock, ours = AioSession()._original_handler, new_session()._original_handler
    names = {spec[0] for spec in BUILTIN_HANDLERS}
    names |= {name.replace("*", "sqs") for name in names} | {"before-call.s3.PutObject"}
    for name in sorted(names):
        found = list(ours._handlers.prefix_search(name))
        assert found == list(stock._handlers.prefix_search(name)), name
    assert ours._unique_id_handlers.keys() == stock._unique_id_handlers.keys()
    assert ours._handlers._root is not stock._handlers._root


def test_a_handler_registered_on_one_session_stays_its_own() -> None:
    first, second = new_session(), new_session()

    def mine(**_: object) -> None:
        pass

    first.register("before-call.sqs.ListQueues", mine)
    assert mine in first._original_handler._handlers.prefix_search("before-call.sqs.ListQueues")
    assert mine not in second._original_handler._handlers.prefix_search(
        "before-call.sqs.ListQueues"
    )
