"""IAM roles, users and customer managed policies: a global service, read once per account
however many regions are enabled."""

import json

from tests.rig import DEFAULT_ACCOUNT, STATIC, Emulator, by_blueprint, mapping_for, resync

KINDS = ("AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Policy")


async def test_roles_users_and_local_policies_once_per_account(aws: Emulator) -> None:
    aws.list_regions(["us-east-1", "eu-west-1"])
    iam = aws.client("iam")
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    role = iam.create_role(
        RoleName="app",
        Path="/service/",
        AssumeRolePolicyDocument=json.dumps(trust),
        Tags=[{"Key": "team", "Value": "platform"}],
    )["Role"]["Arn"]
    user = iam.create_user(UserName="ci", Tags=[{"Key": "team", "Value": "build"}])["User"]["Arn"]
    document = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}],
    }
    policy = iam.create_policy(
        PolicyName="read-buckets",
        PolicyDocument=json.dumps(document),
        Tags=[{"Key": "team", "Value": "data"}],
    )["Policy"]["Arn"]
    iam.attach_role_policy(RoleName="app", PolicyArn=policy)
    before = aws.count("iam", "ListRoles")

    result = await resync(STATIC, mapping_for(*KINDS))

    assert result.errors == []
    assert aws.count("iam", "ListRoles") - before == 1
    roles = by_blueprint(result, "iamRole")
    assert role == f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/service/app"
    assert roles[role]["title"] == "app"
    assert roles[role]["properties"]["path"] == "/service/"
    assert roles[role]["properties"]["tags"] == [{"Key": "team", "Value": "platform"}]
    assert roles[role]["relations"]["account"] == DEFAULT_ACCOUNT

    users = by_blueprint(result, "iamUser")
    assert list(users) == [user]
    assert users[user]["title"] == "ci"
    assert users[user]["properties"]["tags"] == [{"Key": "team", "Value": "build"}]

    policies = by_blueprint(result, "iamPolicy")
    assert list(policies) == [policy] == [f"arn:aws:iam::{DEFAULT_ACCOUNT}:policy/read-buckets"]
    assert policies[policy]["properties"]["attachmentCount"] == 1
    assert policies[policy]["properties"]["tags"] == [{"Key": "team", "Value": "data"}]
    for entity in result.upserted_entities:
        assert "region" not in entity["properties"]
