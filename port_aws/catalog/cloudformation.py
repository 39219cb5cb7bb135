"""CloudFormation: stacks (DescribeStacks pages carry outputs, parameters and tags)."""

from port_aws.catalog.model import Item, LiveEvents, ResourceType


def _deleted(stack: Item) -> bool:
    """By stack id (an ARN) even a deleted stack is described, as ``DELETE_COMPLETE``: the
    resync's list never shows it, so it is gone. By name, a deleted stack is a
    ``ValidationError``, which is not taken for "not found" (the code says no more)."""
    return stack.get("StackStatus") == "DELETE_COMPLETE"


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
    filter="StackName",
    gone_if=_deleted,
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
        live_events=LIVE_EVENTS,
    ),
]
