"""CodeBuild: projects (listed, then described 100 at a time, tags included) and their builds.

Builds are history: per project, the newest ``historyMaxPerParent`` build ids are listed and
described 100 at a time (across projects); builds started before ``historyDays`` are dropped.
"""

from collections.abc import AsyncIterator

from port_aws.catalog.model import Describe, Item, LiveEvents, ResourceType, SliceContext
from port_aws.catalog.parts import always, chunks, each_listed, is_recent, last_part


def _project(item: Item, _: SliceContext) -> Item:
    item["Tags"] = item.get("Tags") or []  # CodeBuild's own [{"key", "value"}], as aws-v3 kept it
    webhook = item.get("Webhook")
    if isinstance(webhook, dict):  # never carry a webhook's shared secret into the catalog
        item["Webhook"] = {k: v for k, v in webhook.items() if k != "secret"}
    return item


async def _recent_build_ids(sc: SliceContext, project: str) -> list[str]:
    limit = sc.options.history_max_per_parent
    ids: list[str] = []
    async for page in sc.pages(
        "codebuild", "list_builds_for_project", projectName=project, sortOrder="DESCENDING"
    ):
        ids += page.get("ids", [])
        if len(ids) >= limit:
            break
    return ids[:limit]


async def _builds(sc: SliceContext) -> AsyncIterator[list[Item]]:
    since = sc.history_since()
    async for page in sc.pages("codebuild", "list_projects"):
        projects: list[str] = page.get("projects", [])
        found = await each_listed(
            [{"name": p} for p in projects], lambda p: _recent_build_ids(sc, p["name"])
        )
        ids = [build_id for listed in found if listed for build_id in listed]
        for batch in chunks(ids, 100):
            answer = await sc.call("codebuild", "batch_get_builds", ids=batch)
            builds = [b for b in answer.get("builds", []) if is_recent(b.get("startTime"), since)]
            for build in builds:
                build["ProjectArn"] = sc.arn("codebuild", f"project/{build.get('projectName')}")
            if builds:
                yield builds


PLAINTEXT_VARIABLES = "Environment.environmentVariables[type=PLAINTEXT|].value"
"""Plain-text environment variables hold their value; PARAMETER_STORE and SECRETS_MANAGER ones
hold only the name of where the value is kept."""

BUILDSPEC_VARIABLES = (
    "Source.buildspec@yaml.env.variables.*",
    "SecondarySources[].buildspec@yaml.env.variables.*",
)
"""The values of an inline buildspec's ``env.variables``; its ``parameter-store`` and
``secrets-manager`` entries name where values are kept and stay (a buildspec file name is no
document and stays as it is)."""


PROJECT_EVENTS = LiveEvents(
    source="codebuild.amazonaws.com",
    upserts=("CreateProject", "UpdateProject", "UpdateProjectVisibility"),
    deletes=("DeleteProject",),
    ids=("responseElements.project.arn", "requestParameters.projectArn", "requestParameters.name"),
    filter_value=last_part,
    not_found=(),
    gone=lambda i, sc: {
        "Name": last_part(i),
        "Arn": sc.arn("codebuild", f"project/{last_part(i)}"),
    },
)
"""``BatchGetProjects`` answers an unknown name in ``projectsNotFound``, not with an error."""

ORDER = 190

TYPES = [
    ResourceType(
        kind="AWS::CodeBuild::Project",
        secrets=(PLAINTEXT_VARIABLES, *BUILDSPEC_VARIABLES),
        service="codebuild",
        operation="list_projects",
        items="projects",
        describe=Describe("batch_get_projects", "names", "projects", batch=100),
        id="Name",
        arn="arn:{partition}:codebuild:{region}:{account}:project/{Name}",
        shape=_project,
        live_events=PROJECT_EVENTS,
        action_aliases=always("GetProjectDetailsAction"),
    ),
    ResourceType(
        kind="AWS::CodeBuild::BuildRun",
        secrets=(
            PLAINTEXT_VARIABLES,
            *BUILDSPEC_VARIABLES,
            "ExportedEnvironmentVariables[].value",
        ),
        service="codebuild",
        id="Id",
        lister=_builds,
        no_live_events="history, read per parent within historyDays: a run changes state many times with no API call of the account, so an event would catch it half-way",
        arn="arn:{partition}:codebuild:{region}:{account}:build/{Id}",
        calls=(
            "list_projects",
            "list_builds_for_project",
            "batch_get_builds",
        ),
        action_aliases=always("GetBuildDetailsAction", "ListBuildsAction"),
    ),
]
