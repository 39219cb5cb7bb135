"""A simulated AWS control plane on loopback: real wire formats, accounts, throttling and faults.

Run ``python -m bench.control_plane '<json options>'``; it prints ``PORT <n>`` and serves until
killed. Point the integration at it with ``AWS_ENDPOINT_URL=http://127.0.0.1:<n>``.

- Accounts: STS answers AssumeRole / AssumeRoleWithWebIdentity with credentials whose access
  key id carries the role's account (``ASIA`` + 12 digits + a session number); every later call
  is for that account. Static keys ``AKIA`` + 12 digits + 4 characters are that account's.
  The region of a call is its SigV4 credential scope.
- Throttling: a token bucket per (account, region, API family), sized as AWS publishes (EC2
  non-mutating describes: 100, refilled 20/s; unfiltered unpaginated describes: 50, 10/s);
  an empty bucket answers the service's own throttling error.
- Faults (for tests): a share of calls throttled or failing with 5xx, connections reset,
  latency spikes, each account's first credentials expiring after a few calls, AccessDenied in
  one account and in one region, roles that cannot be assumed.

``GET /_bench/stats`` returns counts: calls by family and operation, throttled answers, faults
and every secret the plane issued (the fault suite checks that none reaches the logs).
"""

import asyncio
import hashlib
import json
import random
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from aiohttp import web

from bench.synthetic import HANDLERS, NotFound, Org
from bench.wire import Answer, Call, empty, error, read_call, success

QUOTAS: dict[str, tuple[float, float]] = {
    # family: (bucket size, refill per second), per account and region
    "ec2": (100, 20),  # published: non-mutating Describe*/List*/Get*
    "ec2-unfiltered": (50, 10),  # published: unfiltered, unpaginated Describe*
    "organizations": (5, 5),  # unpublished; low (the management account's region)
    "account": (10, 5),
    "sts": (100, 100),
    "iam": (20, 20),
    "ecs": (50, 20),
    "sqs": (100, 100),
    "sns": (30, 30),  # published ListTopics 30/s
    "lambda": (15, 15),  # published control-plane limit 15/s
    "dynamodb": (100, 100),
    "ecr": (100, 100),
    "logs": (10, 10),  # published DescribeLogGroups 10/s
    "kms": (100, 100),
}
"""Quotas by API family. EC2, SNS ListTopics, Lambda and Logs are AWS's published figures;
the others are conservative stand-ins where AWS publishes none for these calls."""

UNFILTERED = {"DescribeInstances", "DescribeVolumes"}
THROTTLE = {
    "ec2": (503, "RequestLimitExceeded", "Request limit exceeded."),
    "query": (400, "Throttling", "Rate exceeded"),
    "json": (400, "ThrottlingException", "Rate exceeded"),
    "rest-json": (429, "TooManyRequestsException", "Rate exceeded"),
}
JSON_THROTTLE_CODES = {"organizations": "TooManyRequestsException"}


@dataclass
class Faults:
    throttle_rate: float = 0.0
    error_rate: float = 0.0
    reset_rate: float = 0.0
    spike_rate: float = 0.0
    spike_seconds: float = 0.3
    expire_after: int = 0
    """Each account's first credentials expire at this call (0: never)."""
    denied_accounts: list[str] = field(default_factory=list)
    denied_regions: list[str] = field(default_factory=list)
    unassumable_accounts: list[str] = field(default_factory=list)
    spare_operations: list[str] = field(
        default_factory=lambda: ["AssumeRole", "AssumeRoleWithWebIdentity", "GetCallerIdentity"]
    )
    """Operations never given random faults (the integration's own retries are tested on the rest)."""


@dataclass
class Options:
    seed: int = 1
    accounts: int = 3
    regions: list[str] = field(default_factory=lambda: ["us-east-1", "eu-west-1"])
    per_slice: int = 5
    latency: float = 0.0
    """Seconds added to every call."""
    throttling: bool = True
    web_identity_token: str = "bench-token"
    duration_seconds: int = 3600
    faults: Faults = field(default_factory=Faults)

    @classmethod
    def from_json(cls, text: str) -> "Options":
        data = json.loads(text or "{}")
        faults = Faults(**data.pop("faults", {}))
        return cls(**data, faults=faults)


@dataclass
class Credential:
    account: str
    secret: str
    token: str
    calls: int = 0
    expired: bool = False


class Bucket:
    __slots__ = ("capacity", "rate", "stamp", "tokens")

    def __init__(self, capacity: float, rate: float, now: float) -> None:
        self.capacity, self.rate, self.tokens, self.stamp = capacity, rate, capacity, now

    def take(self, now: float) -> bool:
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


class Plane:
    def __init__(self, options: Options) -> None:
        self.options = options
        self.org = Org(options.seed, options.accounts, tuple(options.regions), options.per_slice)
        self.random = random.Random(options.seed)
        self.credentials: dict[str, Credential] = {}
        self.sessions_by_account: Counter[str] = Counter()
        self.buckets: dict[tuple[str, str, str], Bucket] = {}
        self.calls: Counter[str] = Counter()
        self.by_family: Counter[str] = Counter()
        self.by_slice_op: Counter[str] = Counter()
        self.throttled: Counter[str] = Counter()
        self.faults: Counter[str] = Counter()
        self.requests = 0
        self.started = time.monotonic()

    # -- credentials -------------------------------------------------------------------------
    def issue(self, account: str) -> Credential:
        self.sessions_by_account[account] += 1
        n = self.sessions_by_account[account]
        key = f"ASIA{account}{n:04X}"
        material = hashlib.sha256(f"{self.options.seed}/{key}".encode()).hexdigest()
        credential = Credential(account, f"s3cr3t{material[:34]}", f"T0KEN{material}{key}")
        self.credentials[key] = credential
        return credential

    def _assume(self, call: Call) -> Answer:
        role = str(call.params.get("RoleArn", ""))
        parts = role.split(":")
        account = parts[4] if len(parts) > 5 else ""
        web = call.operation == "AssumeRoleWithWebIdentity"
        if web and call.params.get("WebIdentityToken") != self.options.web_identity_token:
            return error(call, 400, "InvalidIdentityToken", "Couldn't validate the token")
        if not self.org.knows(account) or account in self.options.faults.unassumable_accounts:
            return error(
                call, 403, "AccessDenied", f"Not authorized to perform sts:{call.operation}"
            )
        issued = self.issue(account)
        key = next(k for k, v in self.credentials.items() if v is issued)
        expires = time.strftime(
            "%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + self.options.duration_seconds)
        )
        name = parts[5].rsplit("/", 1)[-1]
        session = str(call.params.get("RoleSessionName", "session"))
        result: dict[str, Any] = {
            "Credentials": {
                "AccessKeyId": key,
                "SecretAccessKey": issued.secret,
                "SessionToken": issued.token,
                "Expiration": expires,
            },
            "AssumedRoleUser": {
                "Arn": f"arn:aws:sts::{account}:assumed-role/{name}/{session}",
                "AssumedRoleId": f"AROA{account}:{session}",
            },
        }
        if web:
            result["SubjectFromWebIdentityToken"] = "system:serviceaccount:port:integration"
            result["Audience"] = "sts.amazonaws.com"
        return success(call, result)

    def _caller(self, call: Call) -> tuple[str, Answer | None]:
        """The account of a signed call, or the error AWS gives for its credentials."""
        key = call.access_key
        if key.startswith("AKIA") and len(key) == 20 and key[4:16].isdigit():
            return key[4:16], None
        credential = self.credentials.get(key)
        if credential is None:
            code = (
                "InvalidClientTokenId"
                if call.protocol in ("query", "ec2")
                else ("UnrecognizedClientException")
            )
            return "", error(
                call, 403, code, "The security token included in the request is invalid."
            )
        credential.calls += 1
        first = int(key[16:], 16) == 1
        expire_at = self.options.faults.expire_after
        if expire_at and first and credential.calls >= expire_at:
            credential.expired = True
        if credential.expired or call.session_token != credential.token:
            self.faults["expired"] += 1
            code = {"json": "ExpiredTokenException", "rest-json": "ExpiredTokenException"}.get(
                call.protocol, "ExpiredToken"
            )
            if call.protocol == "ec2":
                code = "RequestExpired"
            return "", error(
                call, 400, code, "The security token included in the request is expired"
            )
        return credential.account, None

    # -- quotas and faults -------------------------------------------------------------------
    def family(self, call: Call) -> str:
        if call.service == "ec2" and call.operation in UNFILTERED:
            filtered = any(k.startswith(("Filter", "MaxResults", "NextToken")) for k in call.params)
            if not filtered:
                return "ec2-unfiltered"
        return call.service

    def _throttled(self, call: Call, account: str, family: str) -> bool:
        if not self.options.throttling:
            return False
        capacity, rate = QUOTAS.get(family, (100, 100))
        now = time.monotonic()
        key = (account, call.region, family)
        bucket = self.buckets.get(key)
        if bucket is None:
            bucket = self.buckets[key] = Bucket(capacity, rate, now)
        return not bucket.take(now)

    def throttle_error(self, call: Call) -> Answer:
        status, code, message = THROTTLE[call.protocol if call.protocol in THROTTLE else "json"]
        code = JSON_THROTTLE_CODES.get(call.service, code)
        return error(call, status, code, message)

    def denied(self, call: Call, account: str) -> Answer | None:
        faults = self.options.faults
        if call.service in ("sts", "account") or call.operation == "DescribeRegions":
            return None
        if account in faults.denied_accounts or call.region in faults.denied_regions:
            self.faults["denied"] += 1
            code = {
                "ec2": "UnauthorizedOperation",
                "query": "AccessDenied",
            }.get(call.protocol, "AccessDeniedException")
            status = 400 if call.protocol == "json" else 403
            return error(call, status, code, f"not authorized to perform {call.operation}")
        return None

    # -- one request ---------------------------------------------------------------------------
    async def handle(self, request: web.BaseRequest) -> web.StreamResponse:
        if request.path.startswith("/_bench/"):
            return web.json_response(self.stats())
        body = await request.read()
        call = read_call(request.method, request.path, request.query_string, request.headers, body)
        self.requests += 1
        self.calls[f"{call.service}:{call.operation}"] += 1
        faults = self.options.faults
        delay = self.options.latency
        chosen = call.operation not in faults.spare_operations
        if chosen and faults.spike_rate and self.random.random() < faults.spike_rate:
            self.faults["spike"] += 1
            delay += faults.spike_seconds
        if delay:
            await asyncio.sleep(delay)
        if chosen and faults.reset_rate and self.random.random() < faults.reset_rate:
            self.faults["reset"] += 1
            if request.transport is not None:
                request.transport.abort()
            raise asyncio.CancelledError
        answer = self.answer(call)
        headers = {"Content-Type": answer.content_type, "x-amzn-RequestId": "bench"}
        headers.update(dict(answer.headers))
        return web.Response(status=answer.status, body=answer.body, headers=headers)

    def answer(self, call: Call) -> Answer:
        if call.service == "sts" and call.operation.startswith("AssumeRole"):
            account = str(call.params.get("RoleArn", "::::")).split(":")[4]
            self.by_family["sts"] += 1
            if self._throttled(call, account, "sts"):
                self.throttled["sts"] += 1
                return self.throttle_error(call)
            if call.operation == "AssumeRole":
                _, refused = self._caller(call)
                if refused is not None:
                    return refused
            return self._assume(call)
        account, refused = self._caller(call)
        if refused is not None:
            return refused
        family = self.family(call)
        self.by_family[family] += 1
        self.by_slice_op[f"{account}/{call.region}/{family}/{call.service}:{call.operation}"] += 1
        if self._throttled(call, account, family):
            self.throttled[family] += 1
            return self.throttle_error(call)
        faults = self.options.faults
        if call.operation not in faults.spare_operations:
            draw = self.random.random()
            if draw < faults.throttle_rate:
                self.faults["throttle"] += 1
                return self.throttle_error(call)
            if draw < faults.throttle_rate + faults.error_rate:
                self.faults["5xx"] += 1
                code = "InternalError" if call.protocol in ("ec2", "query") else "InternalFailure"
                return error(call, 500, code, "We encountered an internal error.")
        refused = self.denied(call, account)
        if refused is not None:
            return refused
        if call.service == "sts" and call.operation == "GetCallerIdentity":
            return success(
                call,
                {
                    "Account": account,
                    "Arn": f"arn:aws:sts::{account}:assumed-role/bench/s",
                    "UserId": f"AROA{account}:s",
                },
            )
        if call.service == "organizations" and account != self.org.management:
            return error(call, 400, "AccessDeniedException", "not the management account")
        handler = HANDLERS.get((call.service, call.operation))
        if handler is None:
            return empty(call)
        try:
            return success(call, handler(self.org, call, account))
        except NotFound as missing:
            return error(call, 400, missing.code, str(missing))

    def stats(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "seconds": time.monotonic() - self.started,
            "cpu_seconds": time.process_time(),
            "calls": dict(self.calls),
            "by_family": dict(self.by_family),
            "by_slice_op": dict(self.by_slice_op),
            "throttled": dict(self.throttled),
            "faults": dict(self.faults),
            "quotas": {k: list(v) for k, v in QUOTAS.items()},
            "secrets": [c.secret for c in self.credentials.values()]
            + [c.token for c in self.credentials.values()],
            "options": asdict(self.options),
        }


async def serve(options: Options, port: int = 0) -> None:
    """aiohttp's low-level server: no routing or middleware between a request and the plane."""
    plane = Plane(options)
    server = web.Server(plane.handle, access_log=None)
    loop = asyncio.get_running_loop()
    listener = await loop.create_server(server, "127.0.0.1", port, backlog=1024)
    print(f"PORT {listener.sockets[0].getsockname()[1]}", flush=True)
    await asyncio.Event().wait()


def main() -> None:
    options = Options.from_json(sys.argv[1] if len(sys.argv) > 1 else "{}")
    asyncio.run(serve(options))


if __name__ == "__main__":
    main()
