"""Lambda functions, seeded through the Lambda API and resynced (tags read per function)."""

import json

from tests.kinds.seed import lambda_zip
from tests.rig import DEFAULT_ACCOUNT, STATIC, Emulator, by_blueprint, mapping_for, resync


async def test_functions_with_tags_role_and_concurrency(aws: Emulator) -> None:
    aws.list_regions(["us-east-1"])
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    role = aws.client("iam").create_role(
        RoleName="lambda-exec", AssumeRolePolicyDocument=json.dumps(trust)
    )["Role"]["Arn"]
    awslambda = aws.client("lambda", "us-east-1")
    arn = awslambda.create_function(
        FunctionName="resize",
        Runtime="python3.12",
        Role=role,
        Handler="index.handler",
        Code={"ZipFile": lambda_zip()},
        MemorySize=256,
        Tags={"team": "media"},
    )["FunctionArn"]
    awslambda.put_function_concurrency(FunctionName="resize", ReservedConcurrentExecutions=5)

    mapping = mapping_for("AWS::Lambda::Function")
    mapping["resources"][0]["selector"]["includeActions"] = ["GetFunctionConcurrency"]
    result = await resync(STATIC, mapping)

    assert result.errors == []
    functions = by_blueprint(result, "lambdaFunction")
    assert (
        list(functions) == [arn] == [f"arn:aws:lambda:us-east-1:{DEFAULT_ACCOUNT}:function:resize"]
    )
    function = functions[arn]
    assert function["title"] == "resize"
    assert function["properties"]["runtime"] == "python3.12"
    assert function["properties"]["memorySize"] == 256
    assert function["properties"]["tags"] == {"team": "media"}
    assert function["properties"]["reservedConcurrency"] == 5
    assert function["relations"]["role"] == role
    assert function["relations"]["account"] == DEFAULT_ACCOUNT
