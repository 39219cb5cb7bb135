"""EFS: file systems (DescribeFileSystems pages carry the tags)."""

from port_aws.catalog.model import ResourceType

TYPES = [
    ResourceType(
        kind="AWS::EFS::FileSystem",
        service="efs",
        operation="describe_file_systems",
        items="FileSystems",
        id="FileSystemId",
        arn="{FileSystemArn}",
        permissions=("elasticfilesystem:DescribeFileSystems",),
    ),
]
