"""Step Functions: state machines with tags; DescribeStateMachine as an optional enrichment."""

import json

from tests.rig import DEFAULT_ACCOUNT, STATIC, Emulator, by_blueprint, mapping_for, resync


async def test_state_machines(aws: Emulator) -> None:
    aws.list_regions(["us-east-1"])
    role = aws.client("iam").create_role(RoleName="flow", AssumeRolePolicyDocument="{}")
    arn = aws.client("stepfunctions").create_state_machine(
        name="checkout",
        definition=json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}),
        roleArn=role["Role"]["Arn"],
        tags=[{"key": "team", "value": "shop"}],
    )["stateMachineArn"]
    mapping = mapping_for("AWS::StepFunctions::StateMachine")
    mapping["resources"][0]["selector"]["includeActions"] = ["DescribeStateMachine"]
    # what the default mapping leaves to users who turn DescribeStateMachine on
    mapping["resources"][0]["port"]["entity"]["mappings"]["properties"]["roleArn"] = (
        ".Properties.RoleArn"
    )

    result = await resync(STATIC, mapping)

    assert result.errors == []
    [(identifier, machine)] = by_blueprint(result, "stepfunctionsStateMachine").items()
    assert identifier == arn
    assert machine["properties"]["type"] == "STANDARD"
    assert machine["properties"]["roleArn"] == role["Role"]["Arn"]
    assert machine["properties"]["tags"] == [{"Key": "team", "Value": "shop"}]
    assert machine["relations"] == {"account": DEFAULT_ACCOUNT, "role": role["Role"]["Arn"]}
