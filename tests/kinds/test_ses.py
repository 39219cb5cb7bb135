"""SES (v2 API): email identities and configuration sets, seeded through SESv2 and resynced."""

from tests.rig import DEFAULT_ACCOUNT, STATIC, Emulator, by_blueprint, mapping_for, resync


async def test_email_identities_and_configuration_sets(aws: Emulator) -> None:
    aws.list_regions(["us-east-1"])
    ses = aws.client("sesv2", "us-east-1")
    ses.create_configuration_set(
        ConfigurationSetName="transactional",
        Tags=[{"Key": "team", "Value": "mail"}],
    )
    ses.create_email_identity(
        EmailIdentity="example.com",
        ConfigurationSetName="transactional",
        Tags=[{"Key": "env", "Value": "prod"}],
    )

    result = await resync(
        STATIC, mapping_for("AWS::SES::EmailIdentity", "AWS::SES::ConfigurationSet")
    )

    assert result.errors == []
    arn = f"arn:aws:ses:us-east-1:{DEFAULT_ACCOUNT}"
    [(identity_id, identity)] = by_blueprint(result, "sesEmailIdentity").items()
    assert identity_id == f"{arn}:identity/example.com"
    assert identity["title"] == "example.com"
    assert identity["properties"]["identityType"] == "DOMAIN"
    assert identity["properties"]["configurationSetName"] == "transactional"
    assert identity["properties"]["tags"] == [{"Key": "env", "Value": "prod"}]
    assert identity["relations"]["account"] == DEFAULT_ACCOUNT

    [(set_id, config_set)] = by_blueprint(result, "sesConfigurationSet").items()
    assert set_id == f"{arn}:configuration-set/transactional"
    assert config_set["title"] == "transactional"
    assert config_set["properties"]["tags"] == [{"Key": "team", "Value": "mail"}]
    assert config_set["relations"]["account"] == DEFAULT_ACCOUNT
