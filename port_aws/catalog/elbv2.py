"""Elastic Load Balancing v2: load balancers and target groups (tags read in batches of 20 ARNs
with DescribeTags, matched back by ARN)."""

from port_aws.catalog.model import (
    ARN_TAG_CHANGE,
    Enrichment,
    Item,
    LiveEvents,
    ResourceType,
    SliceContext,
)
from port_aws.catalog.parts import each_item
from port_aws.resync.items import tag_list

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

    return Enrichment(fetch, ("describe_tags",))


async def _listeners(sc: SliceContext, item: Item) -> Item:
    """A load balancer's listeners: port, protocol, TLS policy and the types of the default
    actions (certificates and rule bodies are left out)."""
    found: list[Item] = []
    async for page in sc.pages(
        "elbv2", "describe_listeners", LoadBalancerArn=item["LoadBalancerArn"]
    ):
        found += [
            {
                "Port": listener.get("Port"),
                "Protocol": listener.get("Protocol"),
                "SslPolicy": listener.get("SslPolicy"),
                "DefaultActions": [
                    {"Type": a.get("Type")} for a in listener.get("DefaultActions", [])
                ],
            }
            for listener in page.get("Listeners", [])
        ]
    return {"Listeners": found}


def _live(what: str, arn_type: str, id_key: str, param: str, code: str) -> LiveEvents:
    """ELB's events for load balancers (``what`` = ``LoadBalancer``) or target groups, by ARN.
    Classic load balancers' events (same source, names only) carry no ARN and are ignored."""
    lower = what[0].lower() + what[1:]
    return LiveEvents(
        source="elasticloadbalancing.amazonaws.com",
        upserts=(
            f"Create{what}",
            f"Modify{what}Attributes",
            *(
                ("SetSecurityGroups", "SetSubnets", "SetIpAddressType")
                if arn_type == "loadbalancer"
                else (f"Modify{what}",)
            ),
            "AddTags",
            "RemoveTags",
        ),
        deletes=(f"Delete{what}",),
        ids=(
            f"responseElements.{lower}s[].{lower}Arn",
            f"requestParameters.{lower}Arn",
            "requestParameters.resourceArns",
        ),
        filter=param,
        not_found=(code,),
        gone=lambda arn, sc: {id_key: arn, "Arn": arn},
        id_pattern=f":{arn_type}/",
        native=ARN_TAG_CHANGE,
    )


ORDER = 160

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
        enrichments={
            "DescribeListeners": Enrichment(
                each_item("LoadBalancerArn", _listeners),
                ("describe_listeners",),
                "Listeners: each listener's port, protocol and default actions (one call per "
                "load balancer)",
            ),
        },
        live_events=_live(
            "LoadBalancer",
            "loadbalancer",
            "LoadBalancerArn",
            "LoadBalancerArns",
            "LoadBalancerNotFound",
        ),
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
        live_events=_live(
            "TargetGroup",
            "targetgroup",
            "TargetGroupArn",
            "TargetGroupArns",
            "TargetGroupNotFound",
        ),
    ),
]
