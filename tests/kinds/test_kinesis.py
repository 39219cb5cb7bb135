"""Kinesis: streams from ListStreams' summaries with tags; no records are read."""

from tests.rig import DEFAULT_ACCOUNT, STATIC, Emulator, by_blueprint, mapping_for, resync


async def test_streams(aws: Emulator) -> None:
    aws.list_regions(["us-east-1"])
    kinesis = aws.client("kinesis")
    kinesis.create_stream(StreamName="clicks", ShardCount=1)
    kinesis.add_tags_to_stream(StreamName="clicks", Tags={"team": "web"})

    result = await resync(STATIC, mapping_for("AWS::Kinesis::Stream"))

    assert result.errors == []
    [(arn, stream)] = by_blueprint(result, "kinesisStream").items()
    assert arn == f"arn:aws:kinesis:us-east-1:{DEFAULT_ACCOUNT}:stream/clicks"
    assert stream["properties"]["streamStatus"] == "ACTIVE"
    assert stream["properties"]["tags"] == [{"Key": "team", "Value": "web"}]
    assert stream["relations"] == {"account": DEFAULT_ACCOUNT, "kmsKey": None}
    assert aws.count("kinesis", "GetRecords") == 0
