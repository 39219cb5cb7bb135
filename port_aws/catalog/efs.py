"""EFS: file systems (DescribeFileSystems pages carry the tags)."""

from port_aws.catalog.model import LiveEvents, ResourceType

LIVE_EVENTS = LiveEvents(
    source="elasticfilesystem.amazonaws.com",
    upserts=(
        "CreateFileSystem",
        "UpdateFileSystem",
        "UpdateFileSystemProtection",
        "PutLifecycleConfiguration",
        "TagResource",
        "UntagResource",
        "CreateTags",
        "DeleteTags",
    ),
    deletes=("DeleteFileSystem",),
    ids=(
        "responseElements.fileSystemId",
        "requestParameters.fileSystemId",
        "requestParameters.resourceId",
    ),
    filter="FileSystemId",
    not_found=("FileSystemNotFound",),
    gone=lambda i, sc: {
        "FileSystemId": i,
        "Arn": sc.arn("elasticfilesystem", f"file-system/{i}"),
    },
    id_pattern="^fs-",
)

ORDER = 300

TYPES = [
    ResourceType(
        kind="AWS::EFS::FileSystem",
        service="efs",
        operation="describe_file_systems",
        items="FileSystems",
        id="FileSystemId",
        arn="{FileSystemArn}",
        live_events=LIVE_EVENTS,
    ),
]
