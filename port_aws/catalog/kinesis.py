"""Kinesis Data Streams: streams from ListStreams' summaries, tags per stream; details optional.

Only stream metadata is read; no records.
"""

from port_aws.catalog.model import Enrichment, Item, LiveEvents, ResourceType, SliceContext
from port_aws.catalog.parts import each_item, last_part, read_listed, tagged


async def _summary(sc: SliceContext, item: Item) -> Item:
    answer = await sc.call("kinesis", "describe_stream_summary", StreamARN=item["Arn"])
    return dict(answer.get("StreamDescriptionSummary", {}))


async def _stream_named(sc: SliceContext, identifier: str) -> Item:
    read = read_listed(
        "kinesis",
        "list_streams",
        "StreamSummaries",
        lambda entry, name: entry.get("StreamName") == name,
    )
    return await read(sc, last_part(identifier))


LIVE_EVENTS = LiveEvents(
    source="kinesis.amazonaws.com",
    upserts=(
        "CreateStream",
        "IncreaseStreamRetentionPeriod",
        "DecreaseStreamRetentionPeriod",
        "UpdateShardCount",
        "UpdateStreamMode",
        "StartStreamEncryption",
        "StopStreamEncryption",
        "AddTagsToStream",
        "RemoveTagsFromStream",
    ),
    deletes=("DeleteStream",),
    ids=("requestParameters.streamARN", "requestParameters.streamName"),
    read=_stream_named,
    not_found=(),
    gone=lambda i, sc: {"Arn": sc.arn("kinesis", f"stream/{last_part(i)}")},
)
"""Read from the list (its summaries are the item); ``DescribeStreamSummary`` answers other
fields, and is an optional enrichment."""

ORDER = 320

TYPES = [
    ResourceType(
        kind="AWS::Kinesis::Stream",
        service="kinesis",
        operation="list_streams",
        items="StreamSummaries",
        id="Arn",
        arn="{StreamARN}",
        tags=tagged("Arn"),
        enrichments={
            "DescribeStreamSummary": Enrichment(
                each_item("Arn", _summary),
                ("describe_stream_summary",),
                "retention, encryption, open shard and consumer counts (one call per stream)",
            ),
        },
        live_events=LIVE_EVENTS,
    ),
]
