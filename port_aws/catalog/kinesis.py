"""Kinesis Data Streams: streams from ListStreams' summaries, tags per stream; details optional.

Only stream metadata is read; no records.
"""

from typing import Any

from port_aws.catalog.calls import per_item_tags
from port_aws.catalog.model import Enrichment, Item, ResourceType, SliceContext


async def _summary(sc: SliceContext, items: list[Item]) -> dict[str, Item]:
    async def one(item: Item) -> dict[str, Any]:
        answer = await sc.call("kinesis", "describe_stream_summary", StreamARN=item["Arn"])
        return dict(answer.get("StreamDescriptionSummary", {}))

    found = await sc.each(items, one)
    return {str(i["Arn"]): f for i, f in zip(items, found, strict=True) if f is not None}


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
                _summary,
                ("kinesis:DescribeStreamSummary",),
                "retention, encryption, open shard and consumer counts (one call per stream)",
            ),
        },
        permissions=("kinesis:ListStreams",),
    ),
]
