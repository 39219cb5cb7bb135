"""Before a command reads anything: do the configured credentials work at all?

A missing credential source, a role that cannot be assumed or keys AWS refuses are a
configuration problem: one line naming the setting, what AWS said and the likely fix, and the
command stops before it writes any output.
"""

from port_aws.aws.accounts import Account, first_credentials
from port_aws.aws.credentials import resolve_source
from port_aws.aws.errors import (
    ACCESS_DENIED,
    ConfigError,
    EndpointUnreachable,
    error_code,
    error_message,
    unreachable,
)
from port_aws.config.settings import Settings

ASSUME_FIXES = {
    "InvalidIdentityToken": "the account has no IAM OIDC provider for the token's issuer, or "
    "the token's audience is not one of its client ids: deploy the stack (CreateOIDCProvider="
    "true), or check OIDCIssuerURL and OIDCAudience against Port's installation page",
    "IDPRejectedClaim": "the OIDC provider rejected the token's claims: check OIDCAudience "
    "(aws-cn may need sts.amazonaws.com.cn) and OIDCSubject against Port's installation page",
    "ExpiredTokenException": "the token in AWS_WEB_IDENTITY_TOKEN_FILE has expired: the "
    "runtime must refresh it",
}


def assume_fix(code: str, settings: Settings, web_identity: bool) -> str:
    if code in ASSUME_FIXES:
        return ASSUME_FIXES[code]
    if code in ACCESS_DENIED:
        if web_identity:
            return (
                "the role's trust policy does not accept this token: it must trust the "
                "provider arn:<partition>:iam::<account>:oidc-provider/<issuer host/path> with "
                "StringEquals on <issuer>:aud and <issuer>:sub; redeploy the stack with the "
                "issuer, audience and subject from Port's installation page"
            )
        if settings.external_id:
            return (
                "the role's trust policy refuses this principal or the externalId: check that "
                "it trusts the caller and that its sts:ExternalId condition equals externalId"
            )
        return (
            "the role does not exist or its trust policy refuses the caller; if it requires "
            "an sts:ExternalId, set externalId"
        )
    return "check that the role exists and trusts the integration, then run doctor again"


async def preflight(settings: Settings) -> None:
    """Raise :class:`ConfigError` when the credentials cannot read anything."""
    source = await resolve_source(settings, {})
    role = settings.account_role_arn or next(iter(settings.account_role_arns), None)
    if role is not None:
        account = Account(role.account_id, None, source.session_for_role(role), str(role))
        failure = await first_credentials(account, settings.limits.call_timeout)
        if failure is not None and failure.unreachable:
            raise EndpointUnreachable(failure.message)
        if failure is not None:
            setting = "accountRoleArn" if settings.account_role_arn else "accountRoleArns"
            fix = assume_fix(failure.code, settings, bool(source.token_file))
            raise ConfigError(
                setting, f"cannot assume {role}: {failure.code}: {failure.message}. Fix: {fix}"
            )
        return
    try:
        async with source.own_session().client("sts") as sts:
            await sts.get_caller_identity()
    except TimeoutError as error:
        raise ConfigError(
            "callTimeoutSeconds",
            f"AWS STS did not answer GetCallerIdentity with the {source.method} credentials: "
            f"{error}. Fix: check the network path to AWS (proxy, endpoint) or raise "
            "callTimeoutSeconds",
        ) from None
    except Exception as error:
        reach = unreachable(error, "sts")
        if reach is not None:
            raise EndpointUnreachable(reach) from None
        raise ConfigError(
            "credentialProviderPriority",
            f"AWS refused the {source.method} credentials: {error_code(error)}: "
            f"{error_message(error)}. Fix: check the keys or the profile",
        ) from None
