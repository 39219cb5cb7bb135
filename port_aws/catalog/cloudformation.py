"""CloudFormation: stacks (DescribeStacks pages carry outputs, parameters and tags)."""

from port_aws.catalog.model import ResourceType

TYPES = [
    ResourceType(
        kind="AWS::CloudFormation::Stack",
        service="cloudformation",
        operation="describe_stacks",
        items="Stacks",
        id="StackId",
        arn="{StackId}",
        permissions=("cloudformation:DescribeStacks",),
    ),
]
