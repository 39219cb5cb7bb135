"""EC2: instances, volumes, VPCs, subnets and security groups (tags come with each list answer)."""

from collections.abc import Mapping

from botocore.exceptions import ClientError

from port_aws.aws.bounds import each_at_once
from port_aws.aws.errors import is_not_found
from port_aws.catalog.model import (
    EC2_STATE_CHANGE,
    Enrichment,
    Item,
    LiveEvents,
    ResourceType,
    SliceContext,
)
from port_aws.catalog.parts import chunks, per_item

STATUS_IDS_PER_CALL = 100
"""DescribeInstanceStatus takes at most 100 instance ids per call."""

_STATUS_FIELDS = ("InstanceStatus", "SystemStatus", "Events")


async def _instance_status(sc: SliceContext, items: list[Item]) -> dict[str, Item]:
    """Status checks and scheduled events of a page of instances, 100 instances per call."""
    found: dict[str, Item] = {}
    for batch in chunks([str(item["InstanceId"]) for item in items], STATUS_IDS_PER_CALL):
        answer = await sc.call(
            "ec2", "describe_instance_status", InstanceIds=batch, IncludeAllInstances=True
        )
        for status in answer.get("InstanceStatuses", []):
            found[str(status["InstanceId"])] = {k: status[k] for k in _STATUS_FIELDS if k in status}
    return found


TAGGED = "requestParameters.resourcesSet.items[].resourceId"
"""Where ``CreateTags`` and ``DeleteTags`` name the resources they tag (of any EC2 kind)."""
TAG_EVENTS = ("CreateTags", "DeleteTags")


def _live(
    kind_prefix: str,
    arn_type: str,
    id_key: str,
    param: str,
    not_found: str,
    upserts: tuple[str, ...],
    deletes: tuple[str, ...],
    ids: tuple[str, ...],
    native: Mapping[str, str] | None = None,
) -> LiveEvents:
    """EC2's events for one kind: its describe call filtered to the id, tag events included
    (an identifier starting ``kind_prefix`` is this kind's)."""
    return LiveEvents(
        source="ec2.amazonaws.com",
        upserts=(*upserts, *TAG_EVENTS),
        deletes=deletes,
        ids=(*ids, TAGGED),
        filter=param,
        not_found=(not_found,),
        gone=lambda i, sc: {id_key: i, "Arn": sc.arn("ec2", f"{arn_type}/{i}")},
        id_pattern=f"^{kind_prefix}-",
        native=native or {},
    )


async def _profile_roles(sc: SliceContext, items: list[Item]) -> dict[str, Item]:
    """InstanceProfileRoleArn: the IAM role of each instance's instance profile, one
    ``GetInstanceProfile`` per distinct profile of the page (IAM is global; instances without
    a profile cost nothing). A profile deleted since the instance was launched has no role."""
    names = {
        str(item["InstanceId"]): str(profile["Arn"]).rsplit("/", 1)[-1]
        for item in items
        if isinstance(profile := item.get("IamInstanceProfile"), dict) and profile.get("Arn")
    }

    async def role(name: str) -> tuple[str, str | None]:
        try:
            answer = await sc.call("iam", "get_instance_profile", InstanceProfileName=name)
        except ClientError as error:
            if is_not_found(error):
                return name, None
            raise
        roles = answer.get("InstanceProfile", {}).get("Roles") or [{}]
        return name, roles[0].get("Arn")

    found = dict(await each_at_once(sorted(set(names.values())), role))
    return {
        str(item["InstanceId"]): {
            "InstanceProfileRoleArn": found.get(names.get(str(item["InstanceId"]), ""))
        }
        for item in items
    }


ORDER = 30

TYPES = [
    ResourceType(
        kind="AWS::EC2::Instance",
        service="ec2",
        operation="describe_instances",
        params={"MaxResults": 1000},
        items="Reservations[].Instances[]",
        id="InstanceId",
        arn="arn:{partition}:ec2:{region}:{account}:instance/{InstanceId}",
        live_events=_live(
            "i",
            "instance",
            "InstanceId",
            "InstanceIds",
            "InvalidInstanceID.NotFound",
            upserts=(
                "RunInstances",
                "StartInstances",
                "StopInstances",
                "ModifyInstanceAttribute",
            ),
            deletes=("TerminateInstances",),
            native={EC2_STATE_CHANGE: '"instance-id"'},
            ids=(
                "responseElements.instancesSet.items[].instanceId",
                "requestParameters.instancesSet.items[].instanceId",
                "requestParameters.instanceId",
            ),
        ),
        enrichments={
            "DescribeInstanceStatus": Enrichment(
                _instance_status,
                ("describe_instance_status",),
                "InstanceStatus, SystemStatus and Events: status checks and scheduled events",
            ),
            "GetInstanceProfile": Enrichment(
                _profile_roles,
                ("get_instance_profile",),
                "InstanceProfileRoleArn: the IAM role of the instance's instance profile (one "
                "call per distinct profile of a page of instances)",
                service="iam",
            ),
        },
        action_aliases={
            "DescribeInstancesAction": None,
            "DescribeInstanceStatusAction": "DescribeInstanceStatus",
        },
    ),
    ResourceType(
        kind="AWS::EC2::Volume",
        service="ec2",
        operation="describe_volumes",
        params={"MaxResults": 500},
        items="Volumes",
        id="VolumeId",
        arn="arn:{partition}:ec2:{region}:{account}:volume/{VolumeId}",
        live_events=_live(
            "vol",
            "volume",
            "VolumeId",
            "VolumeIds",
            "InvalidVolume.NotFound",
            upserts=(
                "CreateVolume",
                "ModifyVolume",
                "ModifyVolumeAttribute",
                "AttachVolume",
                "DetachVolume",
            ),
            deletes=("DeleteVolume",),
            ids=(
                "responseElements.volumeId",
                "requestParameters.volumeId",
                "requestParameters.ModifyVolumeRequest.VolumeId",
            ),
        ),
        enrichments={
            "DescribeVolumeAttribute": Enrichment(
                per_item(
                    "ec2",
                    "describe_volume_attribute",
                    key="VolumeId",
                    param="VolumeId",
                    answer="AutoEnableIO.Value",
                    prop="AutoEnableIO",
                    Attribute="autoEnableIO",
                ),
                ("describe_volume_attribute",),
                "AutoEnableIO: whether I/O resumes by itself after a data inconsistency",
            ),
        },
        action_aliases={
            "DescribeVolumesAction": None,
            "DescribeVolumeAttributeAction": "DescribeVolumeAttribute",
        },
    ),
    ResourceType(
        kind="AWS::EC2::VPC",
        service="ec2",
        operation="describe_vpcs",
        params={"MaxResults": 1000},
        items="Vpcs",
        id="VpcId",
        arn="arn:{partition}:ec2:{region}:{account}:vpc/{VpcId}",
        live_events=_live(
            "vpc",
            "vpc",
            "VpcId",
            "VpcIds",
            "InvalidVpcID.NotFound",
            upserts=("CreateVpc", "ModifyVpcAttribute"),
            deletes=("DeleteVpc",),
            ids=("responseElements.vpc.vpcId", "requestParameters.vpcId"),
        ),
    ),
    ResourceType(
        kind="AWS::EC2::Subnet",
        service="ec2",
        operation="describe_subnets",
        params={"MaxResults": 1000},
        items="Subnets",
        id="SubnetId",
        arn="arn:{partition}:ec2:{region}:{account}:subnet/{SubnetId}",
        live_events=_live(
            "subnet",
            "subnet",
            "SubnetId",
            "SubnetIds",
            "InvalidSubnetID.NotFound",
            upserts=("CreateSubnet", "ModifySubnetAttribute"),
            deletes=("DeleteSubnet",),
            ids=("responseElements.subnet.subnetId", "requestParameters.subnetId"),
        ),
    ),
    ResourceType(
        kind="AWS::EC2::SecurityGroup",
        service="ec2",
        operation="describe_security_groups",
        params={"MaxResults": 1000},
        items="SecurityGroups",
        id="GroupId",
        arn="arn:{partition}:ec2:{region}:{account}:security-group/{GroupId}",
        live_events=_live(
            "sg",
            "security-group",
            "GroupId",
            "GroupIds",
            "InvalidGroup.NotFound",
            upserts=(
                "CreateSecurityGroup",
                "AuthorizeSecurityGroupIngress",
                "AuthorizeSecurityGroupEgress",
                "RevokeSecurityGroupIngress",
                "RevokeSecurityGroupEgress",
                "UpdateSecurityGroupRuleDescriptionsIngress",
                "UpdateSecurityGroupRuleDescriptionsEgress",
            ),
            deletes=("DeleteSecurityGroup",),
            ids=("responseElements.groupId", "requestParameters.groupId"),
        ),
    ),
]
