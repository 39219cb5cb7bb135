"""A synthetic organization and its resources, generated from a seed: same seed, same answers.

Nothing is stored per resource: item ``i`` of a kind in an (account, region) is a pure function
of its coordinates, so an organization of any size costs no memory in the control plane.
Every list call pages the way its API does (page-size parameter, its maximum, token name).
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bench.wire import Call, Entries

Handler = Callable[["Org", Call, str], dict[str, Any]]

ORG_ID = "o-bench12345"
ROOT_ID = "r-bnch"
EPOCH = 1_700_000_000.0
TEAMS = ("platform", "payments", "search", "data", "identity")


class NotFound(Exception):
    """The call names a resource the organization does not have."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class Org:
    """Accounts (the first is the management account), regions and resources per slice."""

    seed: int = 1
    accounts: int = 3
    regions: tuple[str, ...] = ("us-east-1", "eu-west-1")
    per_slice: int = 5
    """Resources of each regional kind in each (account, region)."""
    account_ids: list[str] = field(init=False)
    ous: dict[str, list[str]] = field(init=False)
    """Parent id -> child OU ids."""
    parent: dict[str, str] = field(init=False)
    """Account id -> parent (root or OU) id."""

    def __post_init__(self) -> None:
        base = 100_000_000_000 + (self.seed % 1000) * 100_000_000
        self.account_ids = [str(base + i) for i in range(self.accounts)]
        units = [f"ou-{ROOT_ID[2:]}-{n:08d}" for n in range(1, 5)]
        self.ous = {ROOT_ID: units[:3], units[0]: [units[3]]}
        for unit in units:
            self.ous.setdefault(unit, [])
        self.parent = {self.account_ids[0]: ROOT_ID}
        for i, account in enumerate(self.account_ids[1:]):
            self.parent[account] = units[i % len(units)]

    @property
    def management(self) -> str:
        return self.account_ids[0]

    def knows(self, account: str) -> bool:
        return account in self.parent

    def name(self, kind: str, account: str, region: str, i: int) -> str:
        return f"{kind}-{self.regions.index(region) if region in self.regions else 0}-{i:05d}"

    def hexid(self, account: str, region: str, i: int, length: int = 17) -> str:
        digest = hashlib.blake2b(
            f"{self.seed}/{account}/{region}/{i}".encode(), digest_size=16
        ).hexdigest()
        return digest[:length]

    def team(self, account: str, i: int) -> str:
        return TEAMS[(int(account) + i + self.seed) % len(TEAMS)]


def page_of(
    call: Call, size_param: str, token_param: str, default: int, maximum: int, total: int
) -> tuple[range, str | None]:
    """The slice of ``range(total)`` this call asks for, and the next token (None at the end)."""
    start = int(call.params.get(token_param) or 0)
    size = min(int(call.params.get(size_param) or default), maximum)
    end = min(start + size, total)
    return range(start, end), (str(end) if end < total else None)


def _index(name: str) -> int:
    try:
        return int(name.rsplit("-", 1)[-1].split("/")[0].split(":")[0])
    except ValueError:
        raise NotFound("ResourceNotFoundException", f"{name} not found") from None


def _checked(org: Org, name: str) -> int:
    i = _index(name)
    if not 0 <= i < org.per_slice:
        raise NotFound("ResourceNotFoundException", f"{name} not found")
    return i


# -- Organizations, account, STS-free calls ---------------------------------------------------


def _org_account(org: Org, account: str) -> dict[str, Any]:
    return {
        "Id": account,
        "Arn": f"arn:aws:organizations::{org.management}:account/{ORG_ID}/{account}",
        "Email": f"aws+{account}@example.com",
        "Name": f"account-{account[-4:]}",
        "Status": "ACTIVE",
        "State": "ACTIVE",
        "JoinedMethod": "CREATED",
        "JoinedTimestamp": EPOCH,
    }


def _org_page(call: Call, rows: list[dict[str, Any]], key: str) -> dict[str, Any]:
    window, token = page_of(call, "MaxResults", "NextToken", 20, 20, len(rows))
    answer: dict[str, Any] = {key: rows[window.start : window.stop]}
    if token:
        answer["NextToken"] = token
    return answer


def _parent_of(org: Org, call: Call) -> str:
    parent = str(call.params.get("ParentId", ""))
    if parent not in org.ous:
        raise NotFound("ParentNotFoundException", f"parent {parent} not found")
    return parent


def org_list_roots(org: Org, call: Call, account: str) -> dict[str, Any]:
    root = {
        "Id": ROOT_ID,
        "Arn": f"arn:aws:organizations::{org.management}:root/{ORG_ID}/{ROOT_ID}",
        "Name": "Root",
        "PolicyTypes": [],
    }
    return {"Roots": [root]}


def org_describe(org: Org, call: Call, account: str) -> dict[str, Any]:
    return {
        "Organization": {
            "Id": ORG_ID,
            "Arn": f"arn:aws:organizations::{org.management}:organization/{ORG_ID}",
            "FeatureSet": "ALL",
            "MasterAccountId": org.management,
            "MasterAccountArn": f"arn:aws:organizations::{org.management}:account/{ORG_ID}/"
            f"{org.management}",
            "MasterAccountEmail": f"{org.management}@example.com",
        }
    }


def org_list_accounts(org: Org, call: Call, account: str) -> dict[str, Any]:
    return _org_page(call, [_org_account(org, a) for a in org.account_ids], "Accounts")


def org_list_accounts_for_parent(org: Org, call: Call, account: str) -> dict[str, Any]:
    parent = _parent_of(org, call)
    rows = [_org_account(org, a) for a in org.account_ids if org.parent[a] == parent]
    return _org_page(call, rows, "Accounts")


def org_list_ous_for_parent(org: Org, call: Call, account: str) -> dict[str, Any]:
    parent = _parent_of(org, call)
    rows = [
        {
            "Id": unit,
            "Arn": f"arn:aws:organizations::{org.management}:ou/{ORG_ID}/{unit}",
            "Name": f"unit-{unit[-2:]}",
        }
        for unit in org.ous[parent]
    ]
    return _org_page(call, rows, "OrganizationalUnits")


def org_list_children(org: Org, call: Call, account: str) -> dict[str, Any]:
    parent = _parent_of(org, call)
    if call.params.get("ChildType") == "ORGANIZATIONAL_UNIT":
        rows = [{"Id": u, "Type": "ORGANIZATIONAL_UNIT"} for u in org.ous[parent]]
    else:
        rows = [{"Id": a, "Type": "ACCOUNT"} for a in org.account_ids if org.parent[a] == parent]
    return _org_page(call, rows, "Children")


def org_tags(org: Org, call: Call, account: str) -> dict[str, Any]:
    target = str(call.params.get("ResourceId", ""))
    return {"Tags": [{"Key": "team", "Value": org.team(target, 0)}] if target.isdigit() else []}


def list_regions(org: Org, call: Call, account: str) -> dict[str, Any]:
    wanted = set(call.params.get("RegionOptStatusContains") or ["ENABLED", "ENABLED_BY_DEFAULT"])
    rows = [
        {"RegionName": r, "RegionOptStatus": "ENABLED_BY_DEFAULT"}
        for r in org.regions
        if "ENABLED_BY_DEFAULT" in wanted
    ]
    window, token = page_of(call, "MaxResults", "NextToken", 20, 50, len(rows))
    answer: dict[str, Any] = {"Regions": rows[window.start : window.stop]}
    if token:
        answer["NextToken"] = token
    return answer


def iam_aliases(org: Org, call: Call, account: str) -> dict[str, Any]:
    return {"AccountAliases": [f"alias-{account[-4:]}"], "IsTruncated": False}


# -- EC2 (ec2 protocol: camelCase element names, item lists) -----------------------------------


def ec2_regions(org: Org, call: Call, account: str) -> dict[str, Any]:
    return {
        "regionInfo": [
            {
                "regionName": r,
                "regionEndpoint": f"ec2.{r}.amazonaws.com",
                "optInStatus": "opt-in-not-required",
            }
            for r in org.regions
        ]
    }


def _ec2_tags(org: Org, account: str, name: str, i: int) -> list[dict[str, str]]:
    return [{"key": "Name", "value": name}, {"key": "team", "value": org.team(account, i)}]


def ec2_instances(org: Org, call: Call, account: str) -> dict[str, Any]:
    total = org.per_slice
    paged = "MaxResults" in call.params or "NextToken" in call.params
    window, token = page_of(call, "MaxResults", "NextToken", total or 1, 1000, total)
    if not paged:
        window, token = range(total), None
    region = call.region
    reservations = []
    for i in window:
        h = org.hexid(account, region, i)
        reservations.append(
            {
                "reservationId": f"r-{h}",
                "ownerId": account,
                "groupSet": [],
                "instancesSet": [
                    {
                        "instanceId": f"i-{h}",
                        "imageId": "ami-0123456789abcdef0",
                        "instanceState": {"code": 16, "name": "running"},
                        "privateDnsName": f"ip-10-0-{i // 250}-{i % 250}.ec2.internal",
                        "instanceType": ("t3.micro", "m6i.large", "c7g.xlarge")[i % 3],
                        "launchTime": "2024-01-01T00:00:00.000Z",
                        "placement": {"availabilityZone": f"{region}a", "tenancy": "default"},
                        "privateIpAddress": f"10.0.{i // 250}.{i % 250}",
                        "subnetId": f"subnet-{h[:8]}",
                        "vpcId": f"vpc-{h[8:16]}",
                        "architecture": "x86_64",
                        "tagSet": _ec2_tags(org, account, org.name("web", account, region, i), i),
                    }
                ],
            }
        )
    answer: dict[str, Any] = {"reservationSet": reservations}
    if token:
        answer["nextToken"] = token
    return answer


def ec2_volumes(org: Org, call: Call, account: str) -> dict[str, Any]:
    total = org.per_slice
    window, token = page_of(call, "MaxResults", "NextToken", total or 1, 500, total)
    volumes = [
        {
            "volumeId": f"vol-{org.hexid(account, call.region, i)}",
            "size": 8 + i % 100,
            "availabilityZone": f"{call.region}a",
            "status": "in-use",
            "createTime": "2024-01-01T00:00:00.000Z",
            "volumeType": "gp3",
            "iops": 3000,
            "encrypted": i % 2 == 0,
            "attachmentSet": [],
            "tagSet": _ec2_tags(org, account, org.name("disk", account, call.region, i), i),
        }
        for i in window
    ]
    answer: dict[str, Any] = {"volumeSet": volumes}
    if token:
        answer["nextToken"] = token
    return answer


# -- regional JSON / query / REST-JSON services ---------------------------------------------------


def _tags_kv(org: Org, account: str, i: int) -> list[dict[str, str]]:
    return [{"Key": "team", "Value": org.team(account, i)}]


def _tags_map(org: Org, account: str, i: int) -> dict[str, str]:
    return {"team": org.team(account, i)}


def _arn(service: str, call: Call, account: str, resource: str) -> str:
    return f"arn:aws:{service}:{call.region}:{account}:{resource}"


def ecs_list_clusters(org: Org, call: Call, account: str) -> dict[str, Any]:
    window, token = page_of(call, "maxResults", "nextToken", 100, 100, org.per_slice)
    arns = [_arn("ecs", call, account, f"cluster/cluster-{i:05d}") for i in window]
    return {"clusterArns": arns, **({"nextToken": token} if token else {})}


def ecs_describe_clusters(org: Org, call: Call, account: str) -> dict[str, Any]:
    clusters, failures = [], []
    for ref in call.params.get("clusters") or []:
        try:
            i = _checked(org, ref)
        except NotFound:
            failures.append({"arn": ref, "reason": "MISSING"})
            continue
        clusters.append(
            {
                "clusterArn": _arn("ecs", call, account, f"cluster/cluster-{i:05d}"),
                "clusterName": f"cluster-{i:05d}",
                "status": "ACTIVE",
                "registeredContainerInstancesCount": 0,
                "runningTasksCount": i % 7,
                "pendingTasksCount": 0,
                "activeServicesCount": i % 3,
                "statistics": [],
                "settings": [{"name": "containerInsights", "value": "disabled"}],
                "capacityProviders": ["FARGATE"],
                "tags": [{"key": "team", "value": org.team(account, i)}],
            }
        )
    return {"clusters": clusters, "failures": failures}


def _queue_url(call: Call, account: str, i: int) -> str:
    return f"https://sqs.{call.region}.amazonaws.com/{account}/queue-{i:05d}"


def sqs_list_queues(org: Org, call: Call, account: str) -> dict[str, Any]:
    if "MaxResults" not in call.params:  # as AWS: no NextToken without MaxResults
        return {
            "QueueUrls": [_queue_url(call, account, i) for i in range(min(org.per_slice, 1000))]
        }
    window, token = page_of(call, "MaxResults", "NextToken", 1000, 1000, org.per_slice)
    urls = [_queue_url(call, account, i) for i in window]
    return {"QueueUrls": urls, **({"NextToken": token} if token else {})}


def sqs_attributes(org: Org, call: Call, account: str) -> dict[str, Any]:
    i = _checked(org, str(call.params.get("QueueUrl", "")))
    return {
        "Attributes": {
            "QueueArn": _arn("sqs", call, account, f"queue-{i:05d}"),
            "ApproximateNumberOfMessages": str(i % 11),
            "CreatedTimestamp": str(int(EPOCH)),
            "LastModifiedTimestamp": str(int(EPOCH)),
            "VisibilityTimeout": "30",
            "MessageRetentionPeriod": "345600",
            "DelaySeconds": "0",
            "SqsManagedSseEnabled": "true",
        }
    }


def sqs_tags(org: Org, call: Call, account: str) -> dict[str, Any]:
    i = _checked(org, str(call.params.get("QueueUrl", "")))
    return {"Tags": _tags_map(org, account, i)}


def sns_list_topics(org: Org, call: Call, account: str) -> dict[str, Any]:
    window, token = page_of(call, "-", "NextToken", 100, 100, org.per_slice)
    topics = [{"TopicArn": _arn("sns", call, account, f"topic-{i:05d}")} for i in window]
    return {"Topics": topics, **({"NextToken": token} if token else {})}


def sns_attributes(org: Org, call: Call, account: str) -> dict[str, Any]:
    arn = str(call.params.get("TopicArn", ""))
    i = _checked(org, arn)
    pairs = {
        "TopicArn": arn,
        "Owner": account,
        "DisplayName": f"topic {i}",
        "SubscriptionsConfirmed": str(i % 4),
        "SubscriptionsPending": "0",
        "SubscriptionsDeleted": "0",
    }
    return {"Attributes": Entries(pairs)}


def sns_tags(org: Org, call: Call, account: str) -> dict[str, Any]:
    i = _checked(org, str(call.params.get("ResourceArn", "")))
    return {"Tags": _tags_kv(org, account, i)}


def _function(org: Org, call: Call, account: str, i: int) -> dict[str, Any]:
    name = f"function-{i:05d}"
    return {
        "FunctionName": name,
        "FunctionArn": _arn("lambda", call, account, f"function:{name}"),
        "Runtime": ("python3.12", "nodejs20.x")[i % 2],
        "Role": f"arn:aws:iam::{account}:role/lambda-{i % 5}",
        "Handler": "index.handler",
        "CodeSize": 1024 + i,
        "Description": "",
        "Timeout": 30,
        "MemorySize": 128 * (1 + i % 4),
        "LastModified": "2024-01-01T00:00:00.000+0000",
        "CodeSha256": org.hexid(account, call.region, i, 32),
        "Version": "$LATEST",
        "PackageType": "Zip",
        "Architectures": ["x86_64"],
    }


def lambda_list_functions(org: Org, call: Call, account: str) -> dict[str, Any]:
    window, token = page_of(call, "MaxItems", "Marker", 50, 50, org.per_slice)
    functions = [_function(org, call, account, i) for i in window]
    return {"Functions": functions, **({"NextMarker": token} if token else {})}


def lambda_tags(org: Org, call: Call, account: str) -> dict[str, Any]:
    i = _checked(org, str(call.params.get("__path", "")))
    return {"Tags": _tags_map(org, account, i)}


def lambda_get_function(org: Org, call: Call, account: str) -> dict[str, Any]:
    i = _checked(org, str(call.params.get("__path", "")))
    return {"Configuration": _function(org, call, account, i), "Tags": _tags_map(org, account, i)}


def dynamodb_list_tables(org: Org, call: Call, account: str) -> dict[str, Any]:
    start = call.params.get("ExclusiveStartTableName")
    first = _index(str(start)) + 1 if start else 0
    size = min(int(call.params.get("Limit") or 100), 100)
    names = [f"table-{i:05d}" for i in range(first, min(first + size, org.per_slice))]
    more = first + size < org.per_slice
    return {"TableNames": names, **({"LastEvaluatedTableName": names[-1]} if more else {})}


def dynamodb_describe_table(org: Org, call: Call, account: str) -> dict[str, Any]:
    i = _checked(org, str(call.params.get("TableName", "")))
    name = f"table-{i:05d}"
    return {
        "Table": {
            "TableName": name,
            "TableArn": _arn("dynamodb", call, account, f"table/{name}"),
            "TableId": org.hexid(account, call.region, i, 32),
            "TableStatus": "ACTIVE",
            "CreationDateTime": EPOCH,
            "ItemCount": i * 10,
            "TableSizeBytes": i * 1000,
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
            "BillingModeSummary": {"BillingMode": "PAY_PER_REQUEST"},
            "DeletionProtectionEnabled": False,
        }
    }


def dynamodb_tags(org: Org, call: Call, account: str) -> dict[str, Any]:
    i = _checked(org, str(call.params.get("ResourceArn", "")))
    return {"Tags": _tags_kv(org, account, i)}


def ecr_repositories(org: Org, call: Call, account: str) -> dict[str, Any]:
    window, token = page_of(call, "maxResults", "nextToken", 100, 1000, org.per_slice)
    repos = [
        {
            "repositoryArn": _arn("ecr", call, account, f"repository/repo-{i:05d}"),
            "registryId": account,
            "repositoryName": f"repo-{i:05d}",
            "repositoryUri": f"{account}.dkr.ecr.{call.region}.amazonaws.com/repo-{i:05d}",
            "createdAt": EPOCH,
            "imageTagMutability": "MUTABLE",
            "imageScanningConfiguration": {"scanOnPush": i % 2 == 0},
            "encryptionConfiguration": {"encryptionType": "AES256"},
        }
        for i in window
    ]
    return {"repositories": repos, **({"nextToken": token} if token else {})}


def ecr_tags(org: Org, call: Call, account: str) -> dict[str, Any]:
    i = _checked(org, str(call.params.get("resourceArn", "")))
    return {"tags": _tags_kv(org, account, i)}


def tagging_resources(org: Org, call: Call, account: str) -> dict[str, Any]:
    """Resource Groups Tagging API ``GetResources`` for the ARNs asked (at most 100 a call):
    every resource of the organization carries its team tag, as from its own service's call."""
    mappings = []
    for arn in call.params.get("ResourceARNList") or []:
        try:
            i = _index(str(arn))
        except NotFound:
            i = 0  # ids that are not numbered (KMS key ids): any tag will do
        mappings.append({"ResourceARN": arn, "Tags": _tags_kv(org, account, i)})
    return {"ResourceTagMappingList": mappings, "PaginationToken": ""}


def logs_groups(org: Org, call: Call, account: str) -> dict[str, Any]:
    window, token = page_of(call, "limit", "nextToken", 50, 50, org.per_slice)
    groups = []
    for i in window:
        name = f"/app/group-{i:05d}"
        arn = _arn("logs", call, account, f"log-group:{name}")
        groups.append(
            {
                "logGroupName": name,
                "creationTime": int(EPOCH * 1000),
                "retentionInDays": 30,
                "metricFilterCount": 0,
                "arn": f"{arn}:*",
                "logGroupArn": arn,
                "storedBytes": i * 100,
                "logGroupClass": "STANDARD",
            }
        )
    return {"logGroups": groups, **({"nextToken": token} if token else {})}


def logs_tags(org: Org, call: Call, account: str) -> dict[str, Any]:
    ref = call.params.get("resourceArn") or call.params.get("logGroupName") or ""
    return {"tags": _tags_map(org, account, _checked(org, str(ref)))}


def _key_id(org: Org, account: str, region: str, i: int) -> str:
    h = org.hexid(account, region, i, 32)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:24]}{i:08d}"


def kms_list_keys(org: Org, call: Call, account: str) -> dict[str, Any]:
    window, token = page_of(call, "Limit", "Marker", 100, 1000, org.per_slice)
    keys = [
        {
            "KeyId": (k := _key_id(org, account, call.region, i)),
            "KeyArn": _arn("kms", call, account, f"key/{k}"),
        }
        for i in window
    ]
    return {
        "Keys": keys,
        "Truncated": token is not None,
        **({"NextMarker": token} if token else {}),
    }


def _key_index(org: Org, call: Call) -> int:
    ref = str(call.params.get("KeyId", ""))
    return _checked(org, "x-" + str(int(ref[-8:])) if ref[-8:].isdigit() else ref)


def kms_describe_key(org: Org, call: Call, account: str) -> dict[str, Any]:
    i = _key_index(org, call)
    key = _key_id(org, account, call.region, i)
    return {
        "KeyMetadata": {
            "AWSAccountId": account,
            "KeyId": key,
            "Arn": _arn("kms", call, account, f"key/{key}"),
            "CreationDate": EPOCH,
            "Enabled": True,
            "Description": f"key {i}",
            "KeyUsage": "ENCRYPT_DECRYPT",
            "KeyState": "Enabled",
            "Origin": "AWS_KMS",
            "KeyManager": "CUSTOMER",
            "KeySpec": "SYMMETRIC_DEFAULT",
            "CustomerMasterKeySpec": "SYMMETRIC_DEFAULT",
            "EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"],
            "MultiRegion": False,
        }
    }


def kms_tags(org: Org, call: Call, account: str) -> dict[str, Any]:
    i = _key_index(org, call)
    return {"Tags": [{"TagKey": "team", "TagValue": org.team(account, i)}], "Truncated": False}


HANDLERS: dict[tuple[str, str], Handler] = {
    ("organizations", "DescribeOrganization"): org_describe,
    ("organizations", "ListRoots"): org_list_roots,
    ("organizations", "ListAccounts"): org_list_accounts,
    ("organizations", "ListAccountsForParent"): org_list_accounts_for_parent,
    ("organizations", "ListOrganizationalUnitsForParent"): org_list_ous_for_parent,
    ("organizations", "ListChildren"): org_list_children,
    ("organizations", "ListTagsForResource"): org_tags,
    ("account", "ListRegions"): list_regions,
    ("iam", "ListAccountAliases"): iam_aliases,
    ("ec2", "DescribeRegions"): ec2_regions,
    ("ec2", "DescribeInstances"): ec2_instances,
    ("ec2", "DescribeVolumes"): ec2_volumes,
    ("ecs", "ListClusters"): ecs_list_clusters,
    ("ecs", "DescribeClusters"): ecs_describe_clusters,
    ("sqs", "ListQueues"): sqs_list_queues,
    ("sqs", "GetQueueAttributes"): sqs_attributes,
    ("sqs", "ListQueueTags"): sqs_tags,
    ("sns", "ListTopics"): sns_list_topics,
    ("sns", "GetTopicAttributes"): sns_attributes,
    ("sns", "ListTagsForResource"): sns_tags,
    ("lambda", "ListFunctions"): lambda_list_functions,
    ("lambda", "ListTags"): lambda_tags,
    ("lambda", "GetFunction"): lambda_get_function,
    ("dynamodb", "ListTables"): dynamodb_list_tables,
    ("dynamodb", "DescribeTable"): dynamodb_describe_table,
    ("dynamodb", "ListTagsOfResource"): dynamodb_tags,
    ("ecr", "DescribeRepositories"): ecr_repositories,
    ("ecr", "ListTagsForResource"): ecr_tags,
    ("logs", "DescribeLogGroups"): logs_groups,
    ("logs", "ListTagsForResource"): logs_tags,
    ("logs", "ListTagsLogGroup"): logs_tags,
    ("kms", "ListKeys"): kms_list_keys,
    ("kms", "DescribeKey"): kms_describe_key,
    ("kms", "ListResourceTags"): kms_tags,
    ("tagging", "GetResources"): tagging_resources,
}

REGIONAL_KINDS: dict[str, tuple[str, str]] = {
    "AWS::EC2::Instance": ("ec2", "DescribeInstances"),
    "AWS::EC2::Volume": ("ec2", "DescribeVolumes"),
    "AWS::ECS::Cluster": ("ecs", "ListClusters"),
    "AWS::SQS::Queue": ("sqs", "ListQueues"),
    "AWS::SNS::Topic": ("sns", "ListTopics"),
    "AWS::Lambda::Function": ("lambda", "ListFunctions"),
    "AWS::DynamoDB::Table": ("dynamodb", "ListTables"),
    "AWS::ECR::Repository": ("ecr", "DescribeRepositories"),
    "AWS::Logs::LogGroup": ("logs", "DescribeLogGroups"),
    "AWS::KMS::Key": ("kms", "ListKeys"),
}
"""Regional kinds the plane serves: kind -> (service, list operation); ``per_slice`` each."""

GLOBAL_KINDS = ("AWS::Account::Info", "AWS::Organizations::Account")
"""One item per account (the Organizations view is read from the management account)."""
