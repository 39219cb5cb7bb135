"""Kinesis Data Streams: streams from ListStreams' summaries, tags per stream; details optional.

Only stream metadata is read; no records.
"""

from port_aws.catalog.calls import each_item, per_item_tags
from port_aws.catalog.model import Enrichment, Item, ResourceType, SliceContext


async def _summary(sc: SliceContext, item: Item) -> Item:
    answer = await sc.call("kinesis", "describe_stream_summary", StreamARN=item["Arn"])
    return dict(answer.get("StreamDescriptionSummary", {}))


TYPES = [
    ResourceType(
        kind="AWS::Kinesis::Stream",
        service="kinesis",
        operation="list_streams",
        items="StreamSummaries",
        id="Arn",
        arn="{StreamARN}",
        tags=Enrichment(
            per_item_tags(
                "kinesis", "list_tags_for_stream", key="Arn", param="StreamARN", answer="Tags"
            ),
            ("kinesis:ListTagsForStream",),
        ),
        enrichments={
            "DescribeStreamSummary": Enrichment(
                each_item("Arn", _summary),
                ("kinesis:DescribeStreamSummary",),
                "retention, encryption, open shard and consumer counts (one call per stream)",
            ),
        },
        permissions=("kinesis:ListStreams",),
    ),
]
