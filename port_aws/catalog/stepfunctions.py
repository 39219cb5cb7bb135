"""Step Functions: state machines, tags per machine; the full description is optional."""

from typing import Any

from port_aws.catalog.calls import tagged, without_metadata
from port_aws.catalog.model import Enrichment, Item, ResourceType, SliceContext


async def _describe(sc: SliceContext, items: list[Item]) -> dict[str, Item]:
    async def one(item: Item) -> dict[str, Any]:
        answer = await sc.call(
            "stepfunctions", "describe_state_machine", stateMachineArn=item["Arn"]
        )
        return {k[:1].upper() + k[1:]: v for k, v in without_metadata(answer).items()}

    found = await sc.each(items, one)
    return {str(i["Arn"]): f for i, f in zip(items, found, strict=True) if f is not None}


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
                _describe,
                ("states:DescribeStateMachine",),
                "Definition, RoleArn, LoggingConfiguration, Status (one call per item)",
            ),
        },
        permissions=("states:ListStateMachines",),
    ),
]
