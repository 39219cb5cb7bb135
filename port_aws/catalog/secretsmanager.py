"""Secrets Manager: secrets' metadata and tags from ListSecrets. Secret values are never read."""

import re

from port_aws.catalog.model import ARN_TAG_CHANGE, Item, LiveEvents, ResourceType, SliceContext
from port_aws.catalog.parts import read_listed

_ARN_SUFFIX = re.compile(r"-[A-Za-z0-9]{6}$")


def _secret_name(identifier: str) -> str:
    """A secret's name from its ARN (``…:secret:db/password-AbCdEf``) or the name itself."""
    if ":secret:" not in identifier:
        return identifier
    return _ARN_SUFFIX.sub("", identifier.split(":secret:", 1)[1])


async def _secret(sc: SliceContext, identifier: str) -> Item:
    """From ListSecrets filtered by name (a prefix match), as the resync reads it; a secret
    scheduled for deletion is not listed, there or here."""
    name = _secret_name(identifier)
    read = read_listed(
        "secretsmanager",
        "list_secrets",
        "SecretList",
        lambda entry, wanted: wanted in (entry.get("ARN"), entry.get("Name")),
        Filters=[{"Key": "name", "Values": [name]}],
    )
    return await read(sc, identifier if identifier.startswith("arn:") else name)


LIVE_EVENTS = LiveEvents(
    source="secretsmanager.amazonaws.com",
    upserts=(
        "CreateSecret",
        "UpdateSecret",
        "RestoreSecret",
        "RotateSecret",
        "PutResourcePolicy",
        "DeleteResourcePolicy",
        "ReplicateSecretToRegions",
        "TagResource",
        "UntagResource",
    ),
    deletes=("DeleteSecret",),
    # CloudTrail writes the answer's ``ARN`` member as ``aRN`` (DeleteSecret's recorded answer);
    # CreateSecret's answer may be null, so its request's name follows.
    ids=("responseElements.aRN", "requestParameters.secretId", "requestParameters.name"),
    read=_secret,
    not_found=(),
    gone=lambda i, sc: {"Arn": i} if i.startswith("arn:") else None,
    native=ARN_TAG_CHANGE,
)

ORDER = 280

TYPES = [
    ResourceType(
        kind="AWS::SecretsManager::Secret",
        service="secretsmanager",
        operation="list_secrets",
        params={"PaginationConfig": {"PageSize": 100}},
        items="SecretList",
        id="Arn",
        arn="{ARN}",
        live_events=LIVE_EVENTS,
    ),
]
