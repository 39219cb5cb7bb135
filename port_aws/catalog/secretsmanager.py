"""Secrets Manager: secrets' metadata and tags from ListSecrets. Secret values are never read."""

from port_aws.catalog.model import ResourceType

TYPES = [
    ResourceType(
        kind="AWS::SecretsManager::Secret",
        service="secretsmanager",
        operation="list_secrets",
        params={"PaginationConfig": {"PageSize": 100}},
        items="SecretList",
        id="Arn",
        arn="{ARN}",
        permissions=("secretsmanager:ListSecrets",),
    ),
]
