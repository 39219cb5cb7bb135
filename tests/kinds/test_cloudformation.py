"""CloudFormation: stacks from DescribeStacks, with their tags."""

import json

from tests.rig import DEFAULT_ACCOUNT, STATIC, Emulator, by_blueprint, mapping_for, resync


async def test_stacks(aws: Emulator) -> None:
    aws.list_regions(["us-east-1"])
    stack_id = aws.client("cloudformation").create_stack(
        StackName="network",
        TemplateBody=json.dumps({"Resources": {"Queue": {"Type": "AWS::SQS::Queue"}}}),
        Tags=[{"Key": "team", "Value": "net"}],
    )["StackId"]

    result = await resync(STATIC, mapping_for("AWS::CloudFormation::Stack"))

    assert result.errors == []
    [(arn, stack)] = by_blueprint(result, "cloudformationStack").items()
    assert arn == stack_id
    assert arn.startswith(f"arn:aws:cloudformation:us-east-1:{DEFAULT_ACCOUNT}:stack/network/")
    assert stack["title"] == "network"
    assert stack["properties"]["stackStatus"] == "CREATE_COMPLETE"
    assert stack["properties"]["tags"] == [{"Key": "team", "Value": "net"}]
    assert stack["relations"] == {
        "account": DEFAULT_ACCOUNT,
        "role": None,
        "notificationTopics": [],
    }
