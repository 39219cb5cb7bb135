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
    queue = aws.client("sqs", "us-east-1").create_queue(QueueName="uploads")["QueueUrl"]
    queue_arn = f"arn:aws:sqs:us-east-1:{DEFAULT_ACCOUNT}:uploads"
    table = aws.client("dynamodb", "us-east-1").create_table(
        TableName="images",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"},
    )["TableDescription"]
    kinesis = aws.client("kinesis", "us-east-1")
    kinesis.create_stream(StreamName="clicks", ShardCount=1)
    stream = kinesis.describe_stream_summary(StreamName="clicks")["StreamDescriptionSummary"]
    awslambda.create_event_source_mapping(EventSourceArn=queue_arn, FunctionName="resize")
    for source in (table["LatestStreamArn"], stream["StreamARN"]):
        awslambda.create_event_source_mapping(
            EventSourceArn=source, FunctionName=arn, StartingPosition="LATEST"
        )

    mapping = mapping_for("AWS::Lambda::Function")
    mapping["resources"][0]["selector"]["includeActions"] = [
        "GetFunctionConcurrency",
        "ListEventSourceMappings",
    ]
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
    # one listing of the region's event source mappings, whatever the number of functions
    assert aws.count("lambda", "GET /2015-03-31/event-source-mappings") == 1
    assert queue.endswith("/uploads")
    assert function["relations"]["eventSourceQueues"] == [queue_arn]
    assert function["relations"]["eventSourceTables"] == [table["TableArn"]]
    assert function["relations"]["eventSourceStreams"] == [stream["StreamARN"]]
    assert function["relations"]["account"] == DEFAULT_ACCOUNT
