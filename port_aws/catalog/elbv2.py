"""Elastic Load Balancing v2: load balancers and target groups (tags read in batches of 20 ARNs
with DescribeTags, matched back by ARN)."""

from port_aws.catalog.model import Enrichment, Item, ResourceType, SliceContext
from port_aws.items import tag_list

TAGS_PER_CALL = 20
"""DescribeTags takes at most 20 resource ARNs per call."""


def _tags(key: str) -> Enrichment:
    async def fetch(sc: SliceContext, items: list[Item]) -> dict[str, Item]:
        arns = [str(item[key]) for item in items]
        found: dict[str, Item] = {}
        for start in range(0, len(arns), TAGS_PER_CALL):
            answer = await sc.call(
                "elbv2", "describe_tags", ResourceArns=arns[start : start + TAGS_PER_CALL]
            )
            for described in answer.get("TagDescriptions", []):
                found[str(described["ResourceArn"])] = {"Tags": tag_list(described.get("Tags"))}
        return found

    return Enrichment(fetch, ("elasticloadbalancing:DescribeTags",))


TYPES = [
    ResourceType(
        kind="AWS::ElasticLoadBalancingV2::LoadBalancer",
        service="elbv2",
        operation="describe_load_balancers",
        params={"PaginationConfig": {"PageSize": 400}},
        items="LoadBalancers",
        id="LoadBalancerArn",
        arn="{LoadBalancerArn}",
        tags=_tags("LoadBalancerArn"),
        permissions=("elasticloadbalancing:DescribeLoadBalancers",),
    ),
    ResourceType(
        kind="AWS::ElasticLoadBalancingV2::TargetGroup",
        service="elbv2",
        operation="describe_target_groups",
        params={"PaginationConfig": {"PageSize": 400}},
        items="TargetGroups",
        id="TargetGroupArn",
        arn="{TargetGroupArn}",
        tags=_tags("TargetGroupArn"),
        permissions=("elasticloadbalancing:DescribeTargetGroups",),
    ),
]
