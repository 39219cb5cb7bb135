"""ECR: repositories (tags through the Resource Groups Tagging API, 100 repositories a call)."""

from botocore.exceptions import ClientError

from port_aws.catalog.model import (
    ARN_TAG_CHANGE,
    Enrichment,
    Fetch,
    Item,
    LiveEvents,
    ResourceType,
    SliceContext,
)
from port_aws.catalog.parts import (
    always,
    each_item,
    tagged,
    without_metadata,
)


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


def _repository_name(identifier: str) -> str:
    """A repository's name from its ARN (``…:repository/team/app``) or the name itself."""
    return identifier.split(":repository/", 1)[-1]


def _repository_gone(identifier: str, sc: SliceContext) -> Item:
    arn = sc.arn("ecr", f"repository/{_repository_name(identifier)}")
    return {"RepositoryArn": arn, "Arn": arn}


LIVE_EVENTS = LiveEvents(
    source="ecr.amazonaws.com",
    upserts=(
        "CreateRepository",
        "PutImageScanningConfiguration",
        "PutImageTagMutability",
        "SetRepositoryPolicy",
        "DeleteRepositoryPolicy",
        "PutLifecyclePolicy",
        "DeleteLifecyclePolicy",
        "TagResource",
        "UntagResource",
    ),
    deletes=("DeleteRepository",),
    ids=(
        "responseElements.repository.repositoryArn",
        "requestParameters.resourceArn",
        "requestParameters.repositoryName",
    ),
    filter="repositoryNames",
    filter_value=_repository_name,
    not_found=("RepositoryNotFoundException",),
    gone=_repository_gone,
    id_pattern=r"^(?!arn:)|:repository/",
    native=ARN_TAG_CHANGE,
)

ORDER = 50

TYPES = [
    ResourceType(
        kind="AWS::ECR::Repository",
        service="ecr",
        operation="describe_repositories",
        params={"PaginationConfig": {"PageSize": 1000}},
        items="repositories",
        id="RepositoryArn",
        arn="{RepositoryArn}",
        tags=tagged("RepositoryArn"),
        live_events=LIVE_EVENTS,
        enrichments={
            "GetLifecyclePolicy": Enrichment(
                _policy(
                    "get_lifecycle_policy",
                    "LifecyclePolicy",
                    "LifecyclePolicyNotFoundException",
                    text=False,
                ),
                ("get_lifecycle_policy",),
                "LifecyclePolicy: the image lifecycle policy (lifecyclePolicyText, lastEvaluatedAt)",
            ),
            "GetRepositoryPolicy": Enrichment(
                _policy(
                    "get_repository_policy",
                    "RepositoryPolicyText",
                    "RepositoryPolicyNotFoundException",
                    text=True,
                ),
                ("get_repository_policy",),
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
