"""ECR: repositories (tags per repository: ECR has no batch tag read)."""

from botocore.exceptions import ClientError

from port_aws.catalog.calls import always, each_item, per_item_tags, without_metadata
from port_aws.catalog.model import Enrichment, Fetch, Item, ResourceType, SliceContext


def _policy(operation: str, prop: str, missing: str, text: bool) -> Fetch:
    """One policy per repository: its text only (``text``), or the whole answer as aws-v3
    kept it; a repository without one gets None."""

    async def fields(sc: SliceContext, item: Item) -> Item:
        try:
            answer = await sc.call("ecr", operation, repositoryName=item["RepositoryName"])
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == missing:
                return {prop: None}
            raise
        return {prop: answer.get("policyText") if text else without_metadata(answer)}

    return each_item("RepositoryArn", fields)


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
        enrichments={
            "GetLifecyclePolicy": Enrichment(
                _policy(
                    "get_lifecycle_policy",
                    "LifecyclePolicy",
                    "LifecyclePolicyNotFoundException",
                    text=False,
                ),
                ("ecr:GetLifecyclePolicy",),
                "LifecyclePolicy: the image lifecycle policy (lifecyclePolicyText, lastEvaluatedAt)",
            ),
            "GetRepositoryPolicy": Enrichment(
                _policy(
                    "get_repository_policy",
                    "RepositoryPolicyText",
                    "RepositoryPolicyNotFoundException",
                    text=True,
                ),
                ("ecr:GetRepositoryPolicy",),
                "RepositoryPolicyText: the repository's access policy document",
            ),
        },
        action_aliases={
            **always("DescribeRepositoriesAction", "ListTagsForResourceAction"),
            "GetLifecyclePolicyAction": "GetLifecyclePolicy",
            "GetRepositoryPolicyAction": "GetRepositoryPolicy",
        },
    ),
]
