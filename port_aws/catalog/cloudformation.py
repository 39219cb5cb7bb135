"""CloudFormation: stacks (DescribeStacks pages carry outputs, parameters and tags)."""

from port_aws.catalog.calls import read_filtered
from port_aws.catalog.model import Gone, Item, LiveEvents, ResourceType, SliceContext


async def _stack(sc: SliceContext, identifier: str) -> Item:
    """By stack id (an ARN) even a deleted stack is described, as ``DELETE_COMPLETE``: the
    resync's list never shows it, so it is gone. By name, a deleted stack is a
    ``ValidationError``, which is not taken for "not found" (the code says no more)."""
    read = read_filtered("cloudformation", "describe_stacks", "Stacks", "StackName", many=False)
    stack = await read(sc, identifier)
    if stack.get("StackStatus") == "DELETE_COMPLETE":
        raise Gone(identifier)
    return stack


SECRETS = ("Outputs[].OutputValue", "Parameters[].ParameterValue", "Parameters[].ResolvedValue")
"""Output values and parameter values (``ResolvedValue`` is an SSM parameter's value); AWS masks
only ``NoEcho`` parameters itself. Their keys and descriptions stay."""

LIVE_EVENTS = LiveEvents(
    source="cloudformation.amazonaws.com",
    upserts=(
        "CreateStack",
        "UpdateStack",
        "UpdateTerminationProtection",
        "ContinueUpdateRollback",
        "CancelUpdateStack",
        "ExecuteChangeSet",
    ),
    deletes=("DeleteStack",),
    ids=("responseElements.stackId", "requestParameters.stackName"),
    read=_stack,
    not_found=(),
    gone=lambda i, sc: {"StackId": i, "Arn": i} if i.startswith("arn:") else None,
)

ORDER = 220

TYPES = [
    ResourceType(
        kind="AWS::CloudFormation::Stack",
        service="cloudformation",
        operation="describe_stacks",
        items="Stacks",
        id="StackId",
        arn="{StackId}",
        secrets=SECRETS,
        permissions=("cloudformation:DescribeStacks",),
        live_events=LIVE_EVENTS,
    ),
]
