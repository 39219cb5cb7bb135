"""SQS queues and SNS topics, seeded through their APIs and resynced (attributes and tags read
per queue and topic). Messages are never received."""

import json

from tests.rig import DEFAULT_ACCOUNT, STATIC, Emulator, by_blueprint, mapping_for, resync


async def test_queues_and_topics(aws: Emulator) -> None:
    aws.list_regions(["us-east-1"])
    sqs = aws.client("sqs", "us-east-1")
    dlq = sqs.create_queue(QueueName="orders-dlq")["QueueUrl"]
    dlq_arn = f"arn:aws:sqs:us-east-1:{DEFAULT_ACCOUNT}:orders-dlq"
    url = sqs.create_queue(
        QueueName="orders",
        Attributes={
            "VisibilityTimeout": "45",
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 3}),
        },
        tags={"team": "orders"},
    )["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="private")
    sns = aws.client("sns", "us-east-1")
    topic = sns.create_topic(
        Name="alerts",
        Attributes={"DisplayName": "Alerts"},
        Tags=[{"Key": "team", "Value": "sre"}],
    )["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=dlq_arn)
    sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="oncall@example.com")
    sns.subscribe(TopicArn=topic, Protocol="https", Endpoint="https://hooks.example.com/?k=s3cr3t")

    result = await resync(STATIC, mapping_for("AWS::SQS::Queue", "AWS::SNS::Topic"))

    assert result.errors == []
    queues = by_blueprint(result, "sqsQueue")
    queue_arn = f"arn:aws:sqs:us-east-1:{DEFAULT_ACCOUNT}:orders"
    assert set(queues) == {queue_arn, dlq_arn}
    queue = queues[queue_arn]
    assert queue["title"] == "orders"
    assert queue["properties"]["url"] == url
    assert queue["properties"]["visibilityTimeout"] == 45
    assert queue["properties"]["approximateNumberOfMessages"] == 1
    assert queue["properties"]["deadLetterTargetArn"] == dlq_arn
    assert queue["properties"]["tags"] == {"team": "orders"}  # SQS's own map, as aws-v3 kept it
    assert queues[dlq_arn]["properties"]["tags"] == {}
    assert queue["relations"]["account"] == DEFAULT_ACCOUNT
    assert dlq.endswith("/orders-dlq")
    assert aws.count("sqs", "ReceiveMessage") == 0

    topics = by_blueprint(result, "snsTopic")
    assert list(topics) == [topic] == [f"arn:aws:sns:us-east-1:{DEFAULT_ACCOUNT}:alerts"]
    assert topics[topic]["title"] == "alerts"
    assert topics[topic]["properties"]["displayName"] == "Alerts"
    assert topics[topic]["properties"]["subscriptionsConfirmed"] == 0
    assert topics[topic]["properties"]["tags"] == [{"Key": "team", "Value": "sre"}]
    assert topics[topic]["relations"]["subscribedQueues"] == [dlq_arn]
    assert topics[topic]["relations"]["subscribedFunctions"] == []
    # e-mail addresses and URLs of subscriptions never leave the call
    sent = json.dumps(result.upserted_entities, default=str)
    assert "oncall@example.com" not in sent and "s3cr3t" not in sent
