"""S3: buckets are listed once per account (a global call) and carry their own region."""

from collections.abc import AsyncIterator

from port_aws.aws.bounds import each_at_once
from port_aws.catalog.model import (
    Elsewhere,
    Enrichment,
    Fetch,
    Item,
    LiveEvents,
    ResourceType,
    Scope,
    SliceContext,
)
from port_aws.catalog.parts import always, each_item


async def _located(sc: SliceContext, buckets: list[Item]) -> list[Item]:
    """Listed buckets with ``BucketName`` and their region: ``BucketRegion`` from the list,
    else from GetBucketLocation."""

    async def location(bucket: Item) -> str:
        found = await sc.call("s3", "get_bucket_location", Bucket=bucket["Name"])
        constraint = found.get("LocationConstraint") or "us-east-1"
        return "eu-west-1" if constraint == "EU" else str(constraint)

    unknown = [b for b in buckets if not b.get("BucketRegion")]
    # Not through sc.each: a bucket whose region is unknown must fail the slice, not vanish.
    regions = await each_at_once(unknown, location)
    for bucket, region in zip(unknown, regions, strict=True):
        bucket["BucketRegion"] = region
    for bucket in buckets:
        bucket["BucketName"] = bucket.pop("Name")
        # as GetBucketLocation answers it (aws-v3's GetBucketLocationAction): none for us-east-1
        region = bucket["BucketRegion"]
        bucket["LocationConstraint"] = None if region == "us-east-1" else region
    return buckets


async def _buckets(sc: SliceContext) -> AsyncIterator[list[Item]]:
    async for answer in sc.pages("s3", "list_buckets"):
        yield await _located(sc, [dict(b) for b in answer.get("Buckets", [])])


async def _bucket(sc: SliceContext, name: str) -> Item:
    """One bucket as the resync lists it: ListBuckets narrowed to its name as a prefix. A
    bucket this account does not list may be another account's (bucket names are global, and
    a bucket policy lets other accounts act on it): only S3's own ``NoSuchBucket`` (from
    GetBucketLocation) says it is gone; an answer, or access denied, keeps the entity."""
    async for answer in sc.pages("s3", "list_buckets", Prefix=name):
        found = [dict(b) for b in answer.get("Buckets", []) if b.get("Name") == name]
        if found:
            return (await _located(sc, found))[0]
    await sc.call("s3", "get_bucket_location", Bucket=name)
    raise Elsewhere(f"bucket {name} exists but is not one of account {sc.account.id}'s")


def _in_region_policy(item: Item, sc: SliceContext) -> Item | None:
    """Buckets of the regions the selector's regionPolicy permits."""
    region = item.get("BucketRegion")
    return item if region and sc.options.region_policy.permits(str(region)) else None


LIVE_EVENTS = LiveEvents(
    source="s3.amazonaws.com",
    upserts=(
        "CreateBucket",
        "PutBucketTagging",
        "DeleteBucketTagging",
        "PutBucketEncryption",
        "DeleteBucketEncryption",
        "PutBucketPublicAccessBlock",
        "DeleteBucketPublicAccessBlock",
        "PutBucketOwnershipControls",
        "DeleteBucketOwnershipControls",
    ),
    deletes=("DeleteBucket",),
    ids=("requestParameters.bucketName",),
    read=_bucket,
    not_found=("NoSuchBucket",),
    gone=lambda name, sc: {"BucketName": name, "Arn": f"arn:{sc.partition}:s3:::{name}"},
)


def _per_bucket(operation: str, answer_key: str, prop: str, *missing: str) -> Fetch:
    async def fields(sc: SliceContext, item: Item) -> Item:
        try:
            answer = await sc.call("s3", operation, Bucket=item["BucketName"])
        except Exception as error:
            code = getattr(error, "response", {}).get("Error", {}).get("Code")
            if code in missing:
                return {prop: [] if prop == "Tags" else None}
            raise
        return {prop: answer.get(answer_key)}

    return each_item("BucketName", fields)


ORDER = 20

TYPES = [
    ResourceType(
        kind="AWS::S3::Bucket",
        service="s3",
        lister=_buckets,
        shape=_in_region_policy,
        live_events=LIVE_EVENTS,
        region_property="BucketRegion",
        id="BucketName",
        arn="arn:{partition}:s3:::{BucketName}",
        scope=Scope.GLOBAL,
        tags=Enrichment(
            _per_bucket("get_bucket_tagging", "TagSet", "Tags", "NoSuchTagSet"),
            ("get_bucket_tagging",),
        ),
        enrichments={
            "GetBucketEncryption": Enrichment(
                _per_bucket(
                    "get_bucket_encryption",
                    "ServerSideEncryptionConfiguration",
                    "BucketEncryption",
                    "ServerSideEncryptionConfigurationNotFoundError",
                ),
                ("get_bucket_encryption",),
                "BucketEncryption: default encryption rules",
            ),
            "GetPublicAccessBlock": Enrichment(
                _per_bucket(
                    "get_public_access_block",
                    "PublicAccessBlockConfiguration",
                    "PublicAccessBlockConfiguration",
                    "NoSuchPublicAccessBlockConfiguration",
                ),
                ("get_public_access_block",),
                "PublicAccessBlockConfiguration",
            ),
            "GetBucketOwnershipControls": Enrichment(
                _per_bucket(
                    "get_bucket_ownership_controls",
                    "OwnershipControls",
                    "OwnershipControls",
                    "OwnershipControlsNotFoundError",
                ),
                ("get_bucket_ownership_controls",),
                "OwnershipControls",
            ),
        },
        calls=(
            "list_buckets",
            "get_bucket_location",
        ),
        action_aliases={
            **always("ListBucketsAction", "GetBucketTaggingAction", "GetBucketLocationAction"),
            "GetBucketEncryptionAction": "GetBucketEncryption",
            "GetPublicAccessBlockAction": "GetPublicAccessBlock",
            "GetBucketOwnershipControlsAction": "GetBucketOwnershipControls",
        },
    ),
]
