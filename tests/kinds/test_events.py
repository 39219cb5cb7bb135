"""EventBridge: rules of every event bus, with tags."""

import json

from tests.rig import DEFAULT_ACCOUNT, STATIC, Emulator, by_blueprint, mapping_for, resync


async def test_rules_of_every_bus(aws: Emulator) -> None:
    aws.list_regions(["us-east-1"])
    events = aws.client("events")
    events.put_rule(
        Name="nightly", ScheduleExpression="rate(1 day)", Tags=[{"Key": "team", "Value": "ops"}]
    )
    events.create_event_bus(Name="orders")
    events.put_rule(
        Name="paid", EventBusName="orders", EventPattern=json.dumps({"source": ["shop"]})
    )

    result = await resync(STATIC, mapping_for("AWS::Events::Rule"))

    assert result.errors == []
    rules = by_blueprint(result, "eventsRule")
    arn = f"arn:aws:events:us-east-1:{DEFAULT_ACCOUNT}:rule"
    assert set(rules) == {f"{arn}/nightly", f"{arn}/orders/paid"}
    assert rules[f"{arn}/nightly"]["properties"]["tags"] == [{"Key": "team", "Value": "ops"}]
    assert rules[f"{arn}/orders/paid"]["properties"]["eventBusName"] == "orders"
    assert all(rule["relations"] == {"account": DEFAULT_ACCOUNT} for rule in rules.values())
