"""Step Functions: state machines, tags per machine; the full description is optional."""

from port_aws.catalog.model import (
    ARN_TAG_CHANGE,
    Enrichment,
    Item,
    LiveEvents,
    ResourceType,
    SliceContext,
)
from port_aws.catalog.parts import each_item, tagged, without_metadata
from port_aws.resync.items import pascal_keys


async def _describe(sc: SliceContext, item: Item) -> Item:
    answer = await sc.call("stepfunctions", "describe_state_machine", stateMachineArn=item["Arn"])
    return pascal_keys(without_metadata(answer))


LISTED = ("stateMachineArn", "name", "type", "creationDate")
"""The fields of a ListStateMachines entry (the resync's item)."""


async def _listed(sc: SliceContext, arn: str) -> Item:
    """One state machine as ListStateMachines lists it, from its description (the same call
    as the DescribeStateMachine enrichment)."""
    answer = await sc.call("stepfunctions", "describe_state_machine", stateMachineArn=arn)
    return {key: answer[key] for key in LISTED if key in answer}


LIVE_EVENTS = LiveEvents(
    source="states.amazonaws.com",
    upserts=("CreateStateMachine", "UpdateStateMachine", "TagResource", "UntagResource"),
    deletes=("DeleteStateMachine",),
    ids=(
        "responseElements.stateMachineArn",
        "requestParameters.stateMachineArn",
        "requestParameters.resourceArn",
    ),
    read=_listed,
    not_found=("StateMachineDoesNotExist",),
    gone=lambda arn, sc: {"Arn": arn},
    id_pattern=r":stateMachine:[^:]+$",
    native=ARN_TAG_CHANGE,
)

ORDER = 270

TYPES = [
    ResourceType(
        kind="AWS::StepFunctions::StateMachine",
        service="stepfunctions",
        operation="list_state_machines",
        items="stateMachines",
        id="Arn",
        arn="{StateMachineArn}",
        tags=tagged("Arn"),
        enrichments={
            "DescribeStateMachine": Enrichment(
                each_item("Arn", _describe),
                ("describe_state_machine",),
                "Definition, RoleArn, LoggingConfiguration, Status (one call per item)",
            ),
        },
        live_events=LIVE_EVENTS,
    ),
]
