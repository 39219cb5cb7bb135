"""Accounts outside an organization: no Organizations access, GovCloud partitions."""

from pathlib import Path

from tests.rig import Emulator, by_blueprint, mapping_for, resync
from tests.test_accounts import role, synced_accounts


async def test_organization_filters_without_organizations_access_fail_clearly(
    emulator: Emulator, token_file: Path
) -> None:
    emulator.reset()
    emulator.list_regions(["us-east-1"])
    result = await resync(
        {"account_role_arn": role("210987654321"), "ou_id": "r-abcd"},
        mapping_for("AWS::Account::Info"),
    )
    assert result.upserted_entities == []
    message = " ".join(str(e) for e in result.errors)
    assert "management account or a delegated administrator" in message


async def test_without_organizations_the_single_account_is_synced(
    emulator: Emulator, token_file: Path
) -> None:
    emulator.reset()
    emulator.list_regions(["us-east-1"])
    result = await resync(
        {"account_role_arn": role("210987654321")}, mapping_for("AWS::Account::Info")
    )
    assert result.errors == []
    assert synced_accounts(result) == {"210987654321"}


async def test_govcloud_role_arns_build_govcloud_arns(emulator: Emulator, token_file: Path) -> None:
    emulator.reset()
    gov = "333333333333"
    emulator.client("s3", "us-gov-west-1", gov).create_bucket(
        Bucket="gov-bucket", CreateBucketConfiguration={"LocationConstraint": "us-gov-west-1"}
    )

    result = await resync(
        {"account_role_arns": [role(gov, "aws-us-gov")]},
        mapping_for("AWS::Account::Info", "AWS::S3::Bucket"),
    )

    assert result.errors == []
    assert synced_accounts(result) == {gov}
    account = by_blueprint(result, "awsAccount")[gov]
    assert account["properties"]["arn"] == f"arn:aws-us-gov:iam::{gov}:root"
    assert list(by_blueprint(result, "s3Bucket")) == ["arn:aws-us-gov:s3:::gov-bucket"]
