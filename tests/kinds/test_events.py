"""EventBridge: rules of every event bus, with tags."""

import json

from tests.kinds.seed import lambda_function
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
    role = aws.client("iam").create_role(RoleName="rules", AssumeRolePolicyDocument="{}")
    function = lambda_function(aws, "report", role["Role"]["Arn"])
    aws.client("sqs", "us-east-1").create_queue(QueueName="reports")
    queue = f"arn:aws:sqs:us-east-1:{DEFAULT_ACCOUNT}:reports"
    topic = aws.client("sns", "us-east-1").create_topic(Name="paid")["TopicArn"]
    machine = aws.client("stepfunctions", "us-east-1").create_state_machine(
        name="fulfil",
        definition=json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}),
        roleArn=role["Role"]["Arn"],
    )["stateMachineArn"]
    events.put_targets(
        Rule="nightly",
        Targets=[
            {"Id": "fn", "Arn": f"{function}:live", "Input": json.dumps({"token": "s3cr3t"})},
            {"Id": "queue", "Arn": queue},
        ],
    )
    events.put_targets(
        Rule="paid",
        EventBusName="orders",
        Targets=[{"Id": "topic", "Arn": topic}, {"Id": "machine", "Arn": machine}],
    )

    result = await resync(STATIC, mapping_for("AWS::Events::Rule"))

    assert result.errors == []
    rules = by_blueprint(result, "eventsRule")
    arn = f"arn:aws:events:us-east-1:{DEFAULT_ACCOUNT}:rule"
    assert set(rules) == {f"{arn}/nightly", f"{arn}/orders/paid"}
    assert rules[f"{arn}/nightly"]["properties"]["tags"] == [{"Key": "team", "Value": "ops"}]
    assert rules[f"{arn}/orders/paid"]["properties"]["eventBusName"] == "orders"
    none: dict[str, list[str]] = {
        "targetFunctions": [],
        "targetQueues": [],
        "targetTopics": [],
        "targetStateMachines": [],
    }
    assert rules[f"{arn}/nightly"]["relations"] == {
        "account": DEFAULT_ACCOUNT,
        **none,
        "targetFunctions": [function],  # the alias's function
        "targetQueues": [queue],
    }
    assert rules[f"{arn}/orders/paid"]["relations"] == {
        "account": DEFAULT_ACCOUNT,
        **none,
        "targetTopics": [topic],
        "targetStateMachines": [machine],
    }
    # a target's input never leaves the call
    assert "s3cr3t" not in json.dumps(result.upserted_entities, default=str)
