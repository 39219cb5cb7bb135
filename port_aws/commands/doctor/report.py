"""``doctor``'s checks and their table: each check passed, failed (with a fix) or was not run."""

from dataclasses import dataclass

from botocore.exceptions import BotoCoreError, ClientError

ERRORS = (ClientError, BotoCoreError, OSError, TimeoutError)


NETWORK_FIX = (
    "nothing was refused: check the network, the proxy (HTTPS_PROXY, NO_PROXY) and "
    "AWS_ENDPOINT_URL, then run doctor again"
)


@dataclass
class Check:
    name: str
    ok: bool | None
    """True passed, False failed, None not run (an earlier check failed)."""
    detail: str
    fix: str = ""


def error_operation(error: BaseException) -> str:
    return str(error.operation_name) if isinstance(error, ClientError) else type(error).__name__


def status_of(error: BaseException) -> int | None:
    """HTTP status of an AWS error: a 403 whose body is unreadable is still a denial."""
    if isinstance(error, ClientError):
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        return int(status) if status else None
    return None


def accounts_count(count: int) -> str:
    return f"{count} account" + ("" if count == 1 else "s")


MARKS = {True: "✔", False: "✗", None: "–"}


def render(checks: list[Check]) -> str:
    width = max((len(c.name) for c in checks), default=0)
    lines = []
    for check in checks:
        lines.append(f"{MARKS[check.ok]} {check.name.ljust(width)}  {check.detail}")
        if check.ok is not True and check.fix:
            lines.append(f"  {' ' * width}  fix: {check.fix}")
    return "\n".join(lines)
