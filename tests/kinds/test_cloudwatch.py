"""CloudWatch alarms and CloudWatch Logs log groups (metadata only), with tags."""

from tests.rig import DEFAULT_ACCOUNT, STATIC, Emulator, by_blueprint, mapping_for, resync


async def test_alarms_and_log_groups(aws: Emulator) -> None:
    aws.list_regions(["us-east-1"])
    aws.client("cloudwatch").put_metric_alarm(
        AlarmName="cpu-high",
        MetricName="CPUUtilization",
        Namespace="AWS/EC2",
        Statistic="Average",
        Period=60,
        EvaluationPeriods=1,
        Threshold=80,
        ComparisonOperator="GreaterThanThreshold",
        Tags=[{"Key": "team", "Value": "ops"}],
    )
    logs = aws.client("logs")
    logs.create_log_group(logGroupName="/app/web", tags={"team": "web"})
    logs.put_retention_policy(logGroupName="/app/web", retentionInDays=14)

    result = await resync(STATIC, mapping_for("AWS::CloudWatch::Alarm", "AWS::Logs::LogGroup"))

    assert result.errors == []
    [(arn, alarm)] = by_blueprint(result, "cloudwatchAlarm").items()
    assert arn == f"arn:aws:cloudwatch:us-east-1:{DEFAULT_ACCOUNT}:alarm:cpu-high"
    assert alarm["properties"]["metricName"] == "CPUUtilization"
    assert alarm["properties"]["tags"] == [{"Key": "team", "Value": "ops"}]
    assert alarm["relations"] == {"account": DEFAULT_ACCOUNT, "topics": []}

    [(arn, group)] = by_blueprint(result, "logsLogGroup").items()
    assert arn == f"arn:aws:logs:us-east-1:{DEFAULT_ACCOUNT}:log-group:/app/web"
    assert group["properties"]["retentionInDays"] == 14
    assert group["properties"]["tags"] == [{"Key": "team", "Value": "web"}]
    assert group["relations"] == {"account": DEFAULT_ACCOUNT, "kmsKey": None}
    assert aws.count("logs", "GetLogEvents") == aws.count("logs", "FilterLogEvents") == 0
