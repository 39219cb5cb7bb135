"""Seeding helpers shared by the kind tests (through AWS APIs only)."""

import json

from tests.rig import Emulator

TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "codepipeline.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}


def service_role(aws: Emulator, name: str = "ci") -> str:
    role = aws.client("iam").create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST))
    return str(role["Role"]["Arn"])
