"""CodeDeploy: applications, deployment groups, deployments and deployment targets.

Everything is described in batches (applications and groups 100 at a time, deployments and
targets 25 at a time). Deployments and targets are history: per deployment group, deployments
created in the last ``historyDays`` (at most ``historyMaxPerParent``), and per such deployment
at most ``historyMaxPerParent`` targets. CodeDeploy gives deployments and targets no ARN; theirs
is built in ARN form under the deployment id.
"""

from collections.abc import AsyncIterator
from datetime import UTC, datetime

from port_aws.catalog.model import (
    ARN_TAG_CHANGE,
    Describe,
    Gone,
    Item,
    LiveEvents,
    ResourceType,
    SliceContext,
)
from port_aws.catalog.parts import (
    always,
    chunks,
    each_listed,
    last_part,
    tagged,
)

APPLICATION_ARN = "application:{}"
GROUP_ARN = "deploymentgroup:{}/{}"


async def _application_names(sc: SliceContext) -> AsyncIterator[list[str]]:
    async for page in sc.pages("codedeploy", "list_applications"):
        names: list[str] = page.get("applications", [])
        if names:
            yield names


async def _group_names(sc: SliceContext, application: str) -> list[str]:
    names: list[str] = []
    async for page in sc.pages("codedeploy", "list_deployment_groups", applicationName=application):
        names += page.get("deploymentGroups", [])
    return names


async def _groups(sc: SliceContext) -> AsyncIterator[list[Item]]:
    async for applications in _application_names(sc):
        listed = await each_listed(
            [{"name": a} for a in applications], lambda a: _group_names(sc, a["name"])
        )
        for application, groups in zip(applications, listed, strict=True):
            for batch in chunks(groups or [], 100):
                found = await _described_groups(sc, application, batch)
                if found:
                    yield found


async def _described_groups(sc: SliceContext, application: str, names: list[str]) -> list[Item]:
    """Deployment groups of one application, with its ARN (at most 100 names)."""
    answer = await sc.call(
        "codedeploy",
        "batch_get_deployment_groups",
        applicationName=application,
        deploymentGroupNames=names,
    )
    found: list[Item] = answer.get("deploymentGroupsInfo", [])
    for group in found:
        group["ApplicationArn"] = sc.arn("codedeploy", APPLICATION_ARN.format(application))
    return found


def _application_and_group(identifier: str) -> tuple[str, str]:
    """From ``<application>/<group>`` or the group's ARN (``…:deploymentgroup:<app>/<group>``)."""
    application, group = identifier.split(":deploymentgroup:", 1)[-1].split("/", 1)
    return application, group


async def _group(sc: SliceContext, identifier: str) -> Item:
    application, group = _application_and_group(identifier)
    found = await _described_groups(sc, application, [group])
    if not found:  # an unknown name is reported in errorMessage, not as an error
        raise Gone(identifier)
    return found[0]


GROUP_EVENTS = LiveEvents(
    source="codedeploy.amazonaws.com",
    upserts=("CreateDeploymentGroup", "UpdateDeploymentGroup", "TagResource", "UntagResource"),
    deletes=("DeleteDeploymentGroup",),
    ids=(
        "join('/', [requestParameters.applicationName, requestParameters.deploymentGroupName])",
        # UpdateDeploymentGroup may rename: the old name is gone, the new one read
        "[join('/', [requestParameters.applicationName, "
        "requestParameters.currentDeploymentGroupName]), join('/', "
        "[requestParameters.applicationName, requestParameters.newDeploymentGroupName "
        "|| requestParameters.currentDeploymentGroupName])]",
        "requestParameters.resourceArn",
    ),
    read=_group,
    not_found=("ApplicationDoesNotExistException", "DeploymentGroupDoesNotExistException"),
    gone=lambda i, sc: {
        "Arn": sc.arn("codedeploy", GROUP_ARN.format(*_application_and_group(i))),
    },
    id_pattern=r"^(?!arn:)[^/]+/[^/]+$|:deploymentgroup:[^/]+/[^/]+$",
    native=ARN_TAG_CHANGE,
)


async def _recent_deployments(sc: SliceContext) -> AsyncIterator[list[str]]:
    """Ids of each group's deployments created in the history window, newest bounded."""
    window = {"start": sc.history_since(), "end": datetime.now(UTC)}
    limit = sc.options.history_max_per_parent

    async def of_group(pair: Item) -> list[str]:
        ids: list[str] = []
        async for page in sc.pages(
            "codedeploy",
            "list_deployments",
            applicationName=pair["application"],
            deploymentGroupName=pair["group"],
            createTimeRange=window,
        ):
            ids += page.get("deployments", [])
            if len(ids) >= limit:
                break
        return ids[:limit]

    async for applications in _application_names(sc):
        listed = await each_listed(
            [{"name": a} for a in applications], lambda a: _group_names(sc, a["name"])
        )
        pairs = [
            {"application": a, "group": g}
            for a, groups in zip(applications, listed, strict=True)
            for g in groups or []
        ]
        found = await each_listed(pairs, of_group)
        ids = [deployment for group in found if group for deployment in group]
        if ids:
            yield ids


async def _deployments(sc: SliceContext) -> AsyncIterator[list[Item]]:
    async for ids in _recent_deployments(sc):
        for batch in chunks(ids, 25):
            answer = await sc.call("codedeploy", "batch_get_deployments", deploymentIds=batch)
            found = answer.get("deploymentsInfo", [])
            for deployment in found:
                application = deployment.get("applicationName")
                group = deployment.get("deploymentGroupName")
                deployment["ApplicationArn"] = sc.arn(
                    "codedeploy", APPLICATION_ARN.format(application)
                )
                deployment["DeploymentGroupArn"] = sc.arn(
                    "codedeploy", GROUP_ARN.format(application, group)
                )
            if found:
                yield found


async def _target_ids(sc: SliceContext, deployment: str) -> list[str]:
    limit = sc.options.history_max_per_parent
    ids: list[str] = []
    async for page in sc.pages("codedeploy", "list_deployment_targets", deploymentId=deployment):
        ids += page.get("targetIds", [])
        if len(ids) >= limit:
            break
    return ids[:limit]


async def _targets(sc: SliceContext) -> AsyncIterator[list[Item]]:
    async for deployments in _recent_deployments(sc):
        listed = await each_listed(
            [{"id": d} for d in deployments], lambda d: _target_ids(sc, d["id"])
        )
        for deployment, target_ids in zip(deployments, listed, strict=True):
            for batch in chunks(target_ids or [], 25):
                answer = await sc.call(
                    "codedeploy",
                    "batch_get_deployment_targets",
                    deploymentId=deployment,
                    targetIds=batch,
                )
                page = []
                for target in answer.get("deploymentTargets", []):
                    detail = (
                        next((v for k, v in target.items() if k.endswith("Target")), None) or {}
                    )
                    target_id = detail.get("targetId", "")
                    page.append(
                        {
                            "DeploymentId": deployment,
                            "TargetId": target_id,
                            "DeploymentArn": sc.arn("codedeploy", f"deployment:{deployment}"),
                            "Arn": sc.arn(
                                "codedeploy", f"deployment:{deployment}/target/{target_id}"
                            ),
                            **target,
                        }
                    )
                if page:
                    yield page


_TAGS = tagged("Arn")

APPLICATIONS = Describe("batch_get_applications", "applicationNames", "applicationsInfo")


APPLICATION_EVENTS = LiveEvents(
    source="codedeploy.amazonaws.com",
    upserts=("CreateApplication", "UpdateApplication", "TagResource", "UntagResource"),
    deletes=("DeleteApplication",),
    ids=(
        "[requestParameters.applicationName, requestParameters.newApplicationName]",
        "requestParameters.resourceArn",
    ),
    filter_value=lambda i: last_part(i, ":"),  # a name or ARN (``…:application:<name>``)
    not_found=("ApplicationDoesNotExistException",),
    gone=lambda i, sc: {
        "Arn": sc.arn("codedeploy", APPLICATION_ARN.format(last_part(i, ":"))),
    },
    id_pattern=r"^(?!arn:)|:application:",
    native=ARN_TAG_CHANGE,
)
"""A renamed application (``UpdateApplication``): the old name is gone, the new one read."""

ORDER = 200

TYPES = [
    ResourceType(
        kind="AWS::CodeDeploy::Application",
        service="codedeploy",
        operation="list_applications",
        items="applications",
        describe=APPLICATIONS,
        id="Arn",
        arn="arn:{partition}:codedeploy:{region}:{account}:application:{ApplicationName}",
        tags=_TAGS,
        live_events=APPLICATION_EVENTS,
        action_aliases=always(
            "GetCodeDeployApplicationDetailsAction",
            "GetCodeDeployApplicationTagsAction",
        ),
    ),
    ResourceType(
        kind="AWS::CodeDeploy::DeploymentGroup",
        service="codedeploy",
        lister=_groups,
        id="Arn",
        arn=(
            "arn:{partition}:codedeploy:{region}:{account}:deploymentgroup:"
            "{ApplicationName}/{DeploymentGroupName}"
        ),
        tags=_TAGS,
        calls=(
            "list_applications",
            "list_deployment_groups",
            "batch_get_deployment_groups",
        ),
        action_aliases=always("GetDeploymentGroupDetailsAction", "GetDeploymentGroupTags"),
        live_events=GROUP_EVENTS,
    ),
    ResourceType(
        kind="AWS::CodeDeploy::Deployment",
        service="codedeploy",
        lister=_deployments,
        no_live_events="history, read per parent within historyDays: a run changes state many times with no API call of the account, so an event would catch it half-way",
        id="DeploymentId",
        arn="arn:{partition}:codedeploy:{region}:{account}:deployment:{DeploymentId}",
        calls=(
            "list_applications",
            "list_deployment_groups",
            "list_deployments",
            "batch_get_deployments",
        ),
        action_aliases=always("GetDeploymentAction", "ListDeploymentsAction"),
    ),
    ResourceType(
        kind="AWS::CodeDeploy::DeploymentTarget",
        service="codedeploy",
        lister=_targets,
        no_live_events="history, read per parent within historyDays: a run changes state many times with no API call of the account, so an event would catch it half-way",
        id="Arn",
        calls=(
            "list_applications",
            "list_deployment_groups",
            "list_deployments",
            "list_deployment_targets",
            "batch_get_deployment_targets",
        ),
        action_aliases=always("GetDeploymentTargetDetailsAction"),
    ),
]
