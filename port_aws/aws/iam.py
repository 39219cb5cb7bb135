"""IAM action names of botocore operations: what the generated policy allows and what a denied
call's report names."""

_IAM_PREFIX = {
    "elbv2": "elasticloadbalancing",
    "sesv2": "ses",
    "efs": "elasticfilesystem",
    "opensearch": "es",
    "stepfunctions": "states",
    "resourcegroupstaggingapi": "tag",
    "cloudcontrol": "cloudformation",
}
"""botocore service name -> IAM service prefix, where they differ."""

_ACTION_ALIASES = {
    "s3:ListBuckets": "s3:ListAllMyBuckets",
    "s3:GetBucketEncryption": "s3:GetEncryptionConfiguration",
    "s3:GetPublicAccessBlock": "s3:GetBucketPublicAccessBlock",
}
"""Operations whose IAM action has another name."""


def iam_action(service: str, operation: str) -> str:
    """The IAM action that allows ``operation`` (API name, e.g. ``ListClusters``) of botocore's
    ``service``."""
    if service in ("apigateway", "apigatewayv2"):
        return "apigateway:GET"  # API Gateway authorizes by HTTP method on resource paths
    action = f"{_IAM_PREFIX.get(service, service)}:{operation}"
    return _ACTION_ALIASES.get(action, action)
