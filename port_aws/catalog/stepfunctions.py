"""Step Functions: state machines, tags per machine; the full description is optional."""

from port_aws.catalog.calls import each_item, tagged, without_metadata
from port_aws.catalog.model import Enrichment, Item, ResourceType, SliceContext
from port_aws.items import pascal_keys


async def _describe(sc: SliceContext, item: Item) -> Item:
    answer = await sc.call("stepfunctions", "describe_state_machine", stateMachineArn=item["Arn"])
    return pascal_keys(without_metadata(answer))


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
                ("states:DescribeStateMachine",),
                "Definition, RoleArn, LoggingConfiguration, Status (one call per item)",
            ),
        },
        permissions=("states:ListStateMachines",),
    ),
]
