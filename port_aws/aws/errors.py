"""Errors the integration reports to users: each renders as one clear line."""

import aiohttp
from botocore.exceptions import (
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ProxyConnectionError,
)


class ConfigError(ValueError):
    """A setting is missing or malformed. The message names the setting and what is expected."""

    def __init__(self, setting: str, expected: str) -> None:
        self.setting = setting
        super().__init__(f"{setting}: {expected}")


class EndpointUnreachable(ConfigError):
    """An AWS endpoint could not be reached before anything was read: the network, a proxy or
    an endpoint setting (AWS_ENDPOINT_URL, HTTPS_PROXY) is at fault, not the credentials. The
    message is the line :func:`unreachable` gives."""

    def __init__(self, message: str) -> None:
        self.setting = "AWS_ENDPOINT_URL"
        ValueError.__init__(self, message)


class IncompleteResyncError(RuntimeError):
    """Some slices of a kind could not be read; raised after every readable item was yielded.

    Ocean sees the error and skips its delete phase, so entities of unreadable slices stay.
    """


def error_code(error: BaseException) -> str:
    if isinstance(error, ClientError):
        return str(error.response.get("Error", {}).get("Code") or "ClientError")
    return type(error).__name__


def error_message(error: BaseException) -> str:
    if isinstance(error, ClientError):
        return str(error.response.get("Error", {}).get("Message") or error)
    return unreachable(error) or str(error)


UNREACHABLE = (
    EndpointConnectionError,  # connection refused, DNS failure (aiohttp's connector errors)
    ConnectTimeoutError,
    ProxyConnectionError,
    aiohttp.ClientConnectorError,  # the same, where aiohttp's own error is not translated
)
"""Errors of an endpoint that could not be reached: no request got to AWS, so AWS refused
nothing (the credentials were not even presented)."""


def unreachable(error: BaseException, service: str = "AWS") -> str | None:
    """ "cannot reach <service> at <endpoint>: …" when ``error`` says no connection could be
    made (the network, a proxy or an endpoint setting is at fault, not the credentials);
    None for any other error. Every report of an error's message says so
    (:func:`error_message`); callers that know the service name it."""
    if not isinstance(error, UNREACHABLE):
        return None
    if isinstance(error, aiohttp.ClientConnectorError):
        where = f"at {error.host}:{error.port}"
        cause: object = error.os_error
    else:
        kwargs = getattr(error, "kwargs", {})
        proxy = kwargs.get("proxy_url")
        endpoint = str(kwargs.get("endpoint_url") or "").split("?", 1)[0]
        where = f"through the proxy {proxy}" if proxy else f"at {endpoint}"
        cause = kwargs.get("error") or ""
    reason = f" ({' '.join(str(cause).split())})" if str(cause) else ""
    return f"cannot reach {service} {where}: check the network, proxy or AWS_ENDPOINT_URL{reason}"


# -- the codes AWS answers, and what each means to a resync ------------------------------------

ACCESS_DENIED = frozenset({"AccessDeniedException", "AccessDenied"})
"""The plain denial of a call (the role's policy, an SCP, or Organizations itself)."""
DENIED = ACCESS_DENIED | {
    "UnauthorizedOperation",
    "UnauthorizedAccess",
    "AuthorizationError",
    "AuthorizationErrorException",
    "Forbidden",
}
"""Every service's spelling of "the role may not make this call"."""
NOT_SUBSCRIBED = frozenset(
    {"OptInRequired", "SubscriptionRequiredException", "RegionDisabledException"}
)
"""AWS saying the account does not use the service or region at all: nothing lives there."""
CREDENTIALS_REFUSED = frozenset(
    {"AuthFailure", "InvalidClientTokenId", "UnrecognizedClientException"}
)
"""The region refused the account's credentials: a region that is not enabled answers so, but so
does an enabled one when the credentials are bad. Only the first may count as empty. An expired
session (``ExpiredToken``, ``RequestExpired``) is never a region's answer: it fails the slice."""
EXPIRED = frozenset({"ExpiredToken", "ExpiredTokenException", "RequestExpired"})
"""What AWS answers when a call is signed with credentials it considers expired."""
REGIONS_REFUSED = ACCESS_DENIED | {"UnauthorizedOperation", "OptInRequired"}
"""ec2:DescribeRegions refused to the role (its policy or an SCP) or not subscribed: the only
answers after which every region of the partition is tried, a region refusing the credentials
then being one the account has not enabled. Any other failure (credentials refused in the
partition's home region, which every account has enabled; expired; throttled; unreachable)
leaves the account's regions unknown, and its slices fail."""
NOT_FOUND = frozenset(
    {
        "ResourceNotFoundException",
        "NotFoundException",
        "ClusterNotFoundException",
        "AWS.SimpleQueueService.NonExistentQueue",
        "QueueDoesNotExist",
        "NotFound",
        "NoSuchEntity",
        "PipelineNotFoundException",
        "ApplicationDoesNotExistException",
        "DeploymentGroupDoesNotExistException",
        "DeploymentDoesNotExistException",
    }
)
"""Codes meaning the item was deleted between listing it and a call about it."""
THROTTLED = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "TransactionInProgressException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "LimitExceededException",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
    }
)
"""Answers botocore retries as throttling: counted in a kind's figures."""
RETRIED_BY_LIVE_EVENTS = frozenset(
    {"Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException"}
)
"""Answers after which a live event's read is tried again (the event's resource is still there)."""
NOT_REGISTERED = "AccountNotRegisteredException"
"""Organizations' own "the specified account is not a delegated administrator"."""
NO_ORGANIZATION = "AWSOrganizationsNotInUseException"
"""The only answer that proves the role's account is in no organization."""
NOT_AN_ADMINISTRATOR = "You don't have permissions to access this resource."
"""The message of the AccessDeniedException Organizations itself gives a member account that is
not a delegated administrator (for ListRoots, ListAccounts, …). A denial by the role's IAM
policy or by an SCP is an AccessDeniedException too, but its message names the principal and
the action ("User: arn:… is not authorized to perform: organizations:ListRoots … because no
identity-based policy allows …" / "… with an explicit deny in a service control policy")."""
PARENT_NOT_FOUND = "ParentNotFoundException"
OU_NOT_FOUND = frozenset({"OrganizationalUnitNotFoundException", PARENT_NOT_FOUND})
"""Organizations does not know the OU (or root) id asked about."""
TYPE_NOT_LISTABLE = frozenset(
    {"TypeNotFoundException", "UnsupportedActionException", "InvalidRequestException"}
)
"""Cloud Control's answers when it cannot list this type in this region."""
TYPE_UNKNOWN = frozenset({"TypeNotFoundException", "CFNRegistry"})
"""The CloudFormation registry's answers for a type it does not hold in this region."""
READ_DENIED = frozenset({"UnauthorizedOperation", "Forbidden"})
"""Besides any ``*AccessDenied*`` code: a resource handler's read refused (Cloud Control)."""


def is_not_found(error: BaseException) -> bool:
    return isinstance(error, ClientError) and (
        error.response.get("Error", {}).get("Code") in NOT_FOUND
    )


def read_denied(code: str) -> bool:
    """Whether a Cloud Control read was refused (``*AccessDenied*`` or :data:`READ_DENIED`)."""
    return "AccessDenied" in code or code in READ_DENIED


def classify(problem_code: str, confirmed: bool) -> str:
    """How the resync counts a slice error: "unavailable", "denied" or "failed". ``confirmed``:
    the account's regions are known, so a region refusing the credentials is not one the
    account lacks."""
    if problem_code in NOT_SUBSCRIBED or (problem_code in CREDENTIALS_REFUSED and not confirmed):
        return "unavailable"
    return "denied" if problem_code in DENIED else "failed"


def not_an_administrator(error: BaseException) -> bool:
    """Whether Organizations itself said the caller's account is not a delegated administrator
    (never an IAM or SCP denial, which must fail discovery instead)."""
    code = error_code(error)
    if code == NOT_REGISTERED:
        return True
    return code in ACCESS_DENIED and error_message(error).strip() == NOT_AN_ADMINISTRATOR
