"""Configuration parsing: every bad input is one line naming the setting and what is expected."""

from pathlib import Path

import pytest

from port_aws.aws.arn import parse_account_ids, parse_ou_ids, parse_role_arn
from port_aws.aws.errors import ConfigError
from port_aws.config.settings import MAXIMA, config_from_environment, load_settings, snake

ROLE = "arn:aws:iam::111111111111:role/port-integration"


@pytest.mark.parametrize(
    ("config", "setting", "words"),
    [
        ({"account_role_arn": "arn:aws:iam::1111:role/x"}, "accountRoleArn", "IAM role ARN"),
        (
            {"account_role_arn": "arn:aws-mars:iam::111111111111:role/x"},
            "accountRoleArn",
            "unknown partition",
        ),
        (
            {"account_role_arn": "arn:aws:iam::111111111111:user/x"},
            "accountRoleArn",
            "IAM role ARN",
        ),
        (
            {"account_role_arns": ["arn:aws:iam::111111111111:role/a", "nope"]},
            "accountRoleArns",
            "IAM role ARN",
        ),
        (
            {
                "account_role_arns": [
                    "arn:aws:iam::111111111111:role/a",
                    "arn:aws-cn:iam::222222222222:role/a",
                ]
            },
            "accountRoleArns",
            "one partition",
        ),
        (
            {
                "account_role_arn": ROLE,
                "account_role_arns": ["arn:aws:iam::111111111111:role/other"],
            },
            "accountRoleArns",
            "two different roles for account 111111111111",
        ),
        ({"account_role_arn": ROLE, "ou_id": "ou-12"}, "ouId", "ou-xxxx-xxxxxxxx"),
        ({"account_role_arn": ROLE, "ou_id": "r-ab12,ou-ab12-"}, "ouId", "'ou-ab12-'"),
        (
            {"account_role_arn": ROLE, "account_scope": "SOME"},
            "accountScope",
            "ALL, INTERSECTION, DIFFERENCE",
        ),
        (
            {"account_role_arn": ROLE, "account_scope": "INTERSECTION"},
            "accountIds",
            "needs a comma-separated list",
        ),
        (
            {"account_role_arn": ROLE, "account_scope": "DIFFERENCE", "account_ids": "12345"},
            "accountIds",
            "12-digit",
        ),
        ({"account_role_arn": ROLE, "account_ids": "222222222222"}, "accountScope", "INTERSECTION"),
        ({"ou_id": "r-ab12"}, "accountRoleArn", "management"),
        (
            {"account_role_arns": [ROLE], "ou_id": "r-ab12", "account_role_arn": ROLE},
            "accountRoleArns",
            "cannot be combined",
        ),
        ({"aws_access_key_id": "AKIA"}, "aws_secret_access_key", "both"),
        ({"aws_secret_access_key": "s"}, "aws_access_key_id", "both"),
        ({"aws_session_token": "t"}, "aws_session_token", "needs"),
        ({"account_role_arn": ROLE, "aws_partition": "aws-cn"}, "accountRoleArn", "partition"),
        ({"aws_partition": "azure"}, "aws_partition", "aws, aws-us-gov, aws-cn"),
        (
            {"credential_provider_priority": "AssumeRole,Magic"},
            "credentialProviderPriority",
            "'Magic'",
        ),
        ({"member_role_name": "bad name!"}, "memberRoleName", "role name"),
        ({"max_concurrency": -3}, "maxConcurrency", "from 1 to 1024"),
        ({"max_concurrency": "1e20"}, "maxConcurrency", "from 1 to 1024, got '1e20'"),
        ({"max_concurrency": 1e20}, "maxConcurrency", "from 1 to 1024"),
        ({"max_attempts": 1000000}, "maxAttempts", "from 1 to 50, got 1000000"),
        ({"resync_timeout_seconds": 10**9}, "resyncTimeoutSeconds", "from 1 to 604800"),
        ({"external_id": "x" * 100_000}, "externalId", "(100000 characters)"),
        ({"external_id": "has space"}, "externalId", "2 to 1224 characters"),
        ({"live_events_api_key": "abc"}, "liveEventsApiKey", "16 to 512 printable"),
        ({"live_events_api_key": "sixteen chars ok"}, "liveEventsApiKey", "without spaces"),
        ({"max_attempts": "ten"}, "maxAttempts", "whole number"),
        ({"access_denied_policy": "ignore"}, "accessDeniedPolicy", "'empty' or 'fail'"),
    ],
)
def test_bad_setting_is_one_line_naming_it(
    config: dict[str, object], setting: str, words: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings(config, environ={})
    message = str(raised.value)
    assert raised.value.setting == setting
    assert message.startswith(f"{setting}: ")
    assert words in message
    assert "\n" not in message


def test_partition_is_inferred_from_the_role_arns() -> None:
    settings = load_settings(
        {"account_role_arn": "arn:aws-us-gov:iam::111111111111:role/p"}, environ={}
    )
    assert settings.partition == "aws-us-gov"
    cn = load_settings({"account_role_arns": ["arn:aws-cn:iam::111111111111:role/p"]}, environ={})
    assert cn.partition == "aws-cn"


def test_member_role_keeps_path_and_name_of_the_main_role_by_default() -> None:
    role = parse_role_arn("arn:aws:iam::111111111111:role/port/integration", "accountRoleArn")
    assert role.path == "/port/" and role.name == "integration"
    assert str(role.in_account("222222222222")) == "arn:aws:iam::222222222222:role/port/integration"
    assert str(role.in_account("222222222222", "reader")) == "arn:aws:iam::222222222222:role/reader"
    assert (
        str(role.in_account("222222222222", "/a/b/reader"))
        == "arn:aws:iam::222222222222:role/a/b/reader"
    )


def test_ids_are_split_trimmed_and_deduplicated() -> None:
    assert parse_ou_ids(" ou-ab12-abcdefgh, r-ab12 ,ou-ab12-abcdefgh") == [
        "ou-ab12-abcdefgh",
        "r-ab12",
    ]
    assert parse_account_ids("111111111111, 222222222222") == ["111111111111", "222222222222"]
    assert parse_account_ids(["111111111111"]) == ["111111111111"]


def test_web_identity_token_file_comes_from_the_environment(tmp_path: Path) -> None:
    token = tmp_path / "token"
    token.write_text("header.payload.signature")
    settings = load_settings(
        {"account_role_arn": ROLE}, environ={"AWS_WEB_IDENTITY_TOKEN_FILE": str(token)}
    )
    assert settings.web_identity_token_file == str(token)
    assert settings.provider_priority[0] == "AssumeRoleWithWebIdentity"


def test_secrets_are_not_in_the_settings_repr() -> None:
    settings = load_settings(
        {"aws_access_key_id": "AKIAX", "aws_secret_access_key": "very-secret"}, environ={}
    )
    assert "very-secret" not in repr(settings)


def test_numeric_maxima_are_accepted() -> None:
    limits = load_settings({"max_concurrency": "1024", "max_attempts": 50}, environ={}).limits
    assert (limits.max_concurrency, limits.max_attempts) == (1024, 50)


def test_the_error_shows_a_long_value_cut_and_never_the_live_key() -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings({"external_id": "x" * 100_000}, environ={})
    assert len(str(raised.value)) < 300
    with pytest.raises(ConfigError) as raised:
        load_settings({"live_events_api_key": "secret key"}, environ={})
    assert "secret" not in str(raised.value)


@pytest.mark.parametrize(
    "value",
    [
        "arn:aws:iam::111111111111:role/a, arn:aws:iam::222222222222:role/b",
        '["arn:aws:iam::111111111111:role/a", "arn:aws:iam::222222222222:role/b"]',
        ["arn:aws:iam::111111111111:role/a", "arn:aws:iam::222222222222:role/b"],
    ],
    ids=["comma list", "JSON array", "list"],
)
def test_account_role_arns_as_a_comma_list_or_a_json_array(value: object) -> None:
    settings = load_settings({"account_role_arns": value}, environ={})
    assert [r.account_id for r in settings.account_role_arns] == ["111111111111", "222222222222"]


def test_an_env_file_that_is_not_utf8_is_one_line_naming_it(tmp_path: Path) -> None:
    env = tmp_path / "latin1.env"
    env.write_bytes("OCEAN__INTEGRATION__CONFIG__EXTERNAL_ID=caf\xe9\n".encode("latin-1"))
    with pytest.raises(ConfigError) as raised:
        config_from_environment({}, env)
    assert str(raised.value).startswith(f"{env}: not UTF-8 text (byte 0xe9 at offset 43)")


def test_readme_states_every_maximum() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    for setting, maximum in MAXIMA.items():
        head = f"| `{setting}` | `{snake(setting).upper()}` |"
        [row] = [line for line in readme.splitlines() if line.startswith(head)]
        assert f"at most {maximum}" in row, row
