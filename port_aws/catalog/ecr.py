"""ECR: repositories (tags per repository: ECR has no batch tag read)."""

from port_aws.catalog.calls import per_item_tags
from port_aws.catalog.model import Enrichment, ResourceType

TYPES = [
    ResourceType(
        kind="AWS::ECR::Repository",
        service="ecr",
        operation="describe_repositories",
        params={"PaginationConfig": {"PageSize": 1000}},
        items="repositories",
        id="RepositoryArn",
        arn="{RepositoryArn}",
        tags=Enrichment(
            per_item_tags(
                "ecr",
                "list_tags_for_resource",
                key="RepositoryArn",
                param="resourceArn",
                answer="tags",
            ),
            ("ecr:ListTagsForResource",),
        ),
        permissions=("ecr:DescribeRepositories",),
    ),
]
