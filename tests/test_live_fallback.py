"""Live events whose declared identifier paths find nothing: the resources the event names by
ARN (EventBridge's ``resources``, CloudTrail's ``resources[].ARN``, ARN values among its
request and response) are read again when they are of the kind and of the event's account and
region; anything else is dropped with its reason. Through Ocean's webhook route against the
emulator."""

from typing import Any

import pytest

from port_aws.catalog import RESOURCE_TYPES
from port_aws.live.events import fallback_ids, parse_event
from port_aws.resync.state import forget_run
from tests.rig import DEFAULT_ACCOUNT, STATIC, Emulator, mapping_for, resync
from tests.test_live_events import REGION, cloudtrail, webhook_app
from tests.test_live_safety import KEY, TWO_ACCOUNTS, B, _existing, _post_all

SUBNET = "AWS::EC2::Subnet"
DONE = "Finished Processing Successfully"


def _subnet(aws: Emulator, region: str = REGION, account: str = DEFAULT_ACCOUNT) -> str:
    ec2 = aws.client("ec2", region, account=account)
    vpc = ec2.create_vpc(CidrBlock="10.52.0.0/16")["Vpc"]["VpcId"]
    subnet: str = ec2.create_subnet(VpcId=vpc, CidrBlock="10.52.1.0/24")["Subnet"]["SubnetId"]
    return subnet


def _arn(subnet: str, region: str = REGION, account: str = DEFAULT_ACCOUNT) -> str:
    return f"arn:aws:ec2:{region}:{account}:subnet/{subnet}"


def _unnamed(name: str, arn: str, where: str, account: str = DEFAULT_ACCOUNT) -> dict[str, Any]:
    """An EC2 event none of the subnet kind's declared paths finds an identifier in, naming
    the subnet by ARN ``where``: the envelope's ``resources``, CloudTrail's
    ``resources[].ARN`` or a request parameter."""
    request: dict[str, Any] = {"mapPublicIpOnLaunch": {"value": True}}
    if where == "request":
        request["subnetArn"] = arn
    event = cloudtrail(name, request, {"requestId": "r-1", "_return": True}, account=account)
    event["source"] = "aws.ec2"
    event["detail"]["eventSource"] = "ec2.amazonaws.com"
    if where == "envelope":
        event["resources"] = [arn]
    elif where == "detail":
        event["detail"]["resources"] = [
            {"accountId": account, "type": "AWS::EC2::Subnet", "ARN": arn}
        ]
    return event


def test_the_fallback_takes_only_arns_of_the_kind_its_account_and_region() -> None:
    subnet = RESOURCE_TYPES[SUBNET]
    vpc_arn = f"arn:aws:ec2:{REGION}:{DEFAULT_ACCOUNT}:vpc/vpc-0a1b2c3d"
    event = parse_event(_unnamed("ModifySubnetAttribute", vpc_arn, "envelope"))
    assert fallback_ids(subnet, event, "aws", REGION) == ([], [])
    mine, theirs = _arn("subnet-0a1b2c3d"), _arn("subnet-0f0e0d0c", account=B)
    payload = _unnamed("ModifySubnetAttribute", mine, "envelope")
    payload["resources"].append(theirs)
    ids, elsewhere = fallback_ids(subnet, parse_event(payload), "aws", REGION)
    assert ids == ["subnet-0a1b2c3d"]
    assert elsewhere == [f"{theirs} is in account {B}, not the event's {DEFAULT_ACCOUNT}"]
    # an ECS service's ARN never gives an ECS cluster (whose plain names any word matches)
    ecs = cloudtrail("UpdateCluster", {}, None, source="ecs.amazonaws.com")
    ecs["resources"] = [f"arn:aws:ecs:{REGION}:{DEFAULT_ACCOUNT}:service/web/api"]
    cluster = RESOURCE_TYPES["AWS::ECS::Cluster"]
    assert fallback_ids(cluster, parse_event(ecs), "aws", REGION) == ([], [])


@pytest.mark.parametrize("where", ["envelope", "detail", "request"])
async def test_an_event_without_a_declared_identifier_reads_what_it_names(
    aws: Emulator, logs: list[str], where: str
) -> None:
    subnet = _subnet(aws)
    harness, app = await webhook_app(KEY, mapping_for(SUBNET))
    try:
        await _post_all(
            app, [_unnamed("ModifySubnetAttribute", _arn(subnet), where)], logs, marker=DONE
        )
        upserted = harness.port_mock.upserted_entities
        assert [e["identifier"] for e in upserted] == [_arn(subnet)]
        assert harness.port_mock.deleted_entities == []
    finally:
        await harness.shutdown()
        forget_run()


async def test_nothing_usable_is_dropped_with_its_reason(aws: Emulator, logs: list[str]) -> None:
    _subnet(aws)
    harness, app = await webhook_app(KEY, mapping_for(SUBNET))
    vpc_arn = f"arn:aws:ec2:{REGION}:{DEFAULT_ACCOUNT}:vpc/vpc-0a1b2c3d"
    try:
        await _post_all(app, [_unnamed("ModifySubnetAttribute", vpc_arn, "envelope")], logs)
        assert any(
            "no identifier at responseElements.subnet.subnetId" in line
            and "nor an ARN of the kind among the event's resources" in line
            for line in logs
        )
        assert harness.port_mock.upserted_entities == []
        assert harness.port_mock.deleted_entities == []
    finally:
        await harness.shutdown()
        forget_run()


@pytest.mark.parametrize("elsewhere", ["account", "region"])
async def test_a_resource_of_another_account_or_region_is_neither_read_nor_deleted(
    aws: Emulator, logs: list[str], elsewhere: str
) -> None:
    """Two phases: the other account's (region's) subnet is in the catalog after a clean
    resync; an event of account A in us-east-1 naming it by ARN only reads nothing and
    deletes nothing (read in A's us-east-1, EC2 would answer that it does not exist)."""
    aws.list_regions([REGION, "eu-west-1"])
    account, region = (B, REGION) if elsewhere == "account" else (DEFAULT_ACCOUNT, "eu-west-1")
    subnet = _subnet(aws, region, account)
    arn = _arn(subnet, region, account)
    clean = await resync(TWO_ACCOUNTS, mapping_for(SUBNET))
    assert clean.errors == []
    assert arn in {e["identifier"] for e in clean.upserted_entities}

    harness, app = await webhook_app(
        KEY,
        mapping_for(SUBNET),
        TWO_ACCOUNTS,
        port_search_entities_response=_existing(clean.upserted_entities),
    )
    try:
        for name in ("ModifySubnetAttribute", "DeleteSubnet"):
            await _post_all(app, [_unnamed(name, arn, "envelope")], logs)
        owner = account if elsewhere == "account" else region
        assert any(f"{arn} is in {elsewhere} {owner}, not the event's" in line for line in logs)
        assert harness.port_mock.upserted_entities == []
        assert harness.port_mock.deleted_entities == []
    finally:
        await harness.shutdown()
        forget_run()


async def test_a_fallback_event_for_a_resource_that_exists_deletes_nothing(
    aws: Emulator, logs: list[str]
) -> None:
    """Two phases: a clean resync, then a DeleteSubnet event naming the subnet only in its
    ``resources`` while the subnet still exists: read again and kept, 0 deletions. Once EC2
    answers that it does not exist, the same event deletes it (the kind's not-found code)."""
    aws.list_regions([REGION])
    subnet = _subnet(aws)
    arn = _arn(subnet)
    clean = await resync(STATIC, mapping_for(SUBNET))
    assert clean.errors == []
    assert arn in {e["identifier"] for e in clean.upserted_entities}

    harness, app = await webhook_app(
        KEY,
        mapping_for(SUBNET),
        port_search_entities_response=_existing(clean.upserted_entities),
    )
    event = _unnamed("DeleteSubnet", arn, "envelope")
    try:
        await _post_all(app, [event], logs, marker=DONE)
        assert [e["identifier"] for e in harness.port_mock.upserted_entities] == [arn]
        assert harness.port_mock.deleted_entities == []

        aws.client("ec2", REGION).delete_subnet(SubnetId=subnet)
        await _post_all(app, [event], logs, marker=DONE)
        assert [e["identifier"] for e in harness.port_mock.deleted_entities] == [arn]
    finally:
        await harness.shutdown()
        forget_run()
