"""MSK provisioned and serverless clusters, seeded through the Kafka API and resynced."""

from tests.rig import DEFAULT_ACCOUNT, STATIC, Emulator, by_blueprint, mapping_for, resync


async def test_provisioned_and_serverless_clusters(aws: Emulator) -> None:
    aws.list_regions(["us-east-1"])
    kafka = aws.client("kafka", "us-east-1")
    provisioned = kafka.create_cluster_v2(
        ClusterName="events",
        Provisioned={
            "BrokerNodeGroupInfo": {
                "InstanceType": "kafka.m5.large",
                "ClientSubnets": ["subnet-1", "subnet-2"],
            },
            "KafkaVersion": "3.6.0",
            "NumberOfBrokerNodes": 2,
        },
        Tags={"team": "streams"},
    )["ClusterArn"]
    serverless = kafka.create_cluster_v2(
        ClusterName="events-serverless",
        Serverless={"VpcConfigs": [{"SubnetIds": ["subnet-1", "subnet-2"]}]},
        Tags={"team": "streams"},
    )["ClusterArn"]

    result = await resync(STATIC, mapping_for("AWS::MSK::Cluster", "AWS::MSK::ServerlessCluster"))

    assert result.errors == []
    clusters = by_blueprint(result, "mskCluster")
    assert list(clusters) == [provisioned]
    assert provisioned.startswith(f"arn:aws:kafka:us-east-1:{DEFAULT_ACCOUNT}:cluster/")
    cluster = clusters[provisioned]
    assert cluster["title"] == "events"
    assert cluster["properties"]["brokerNodes"] == 2
    assert cluster["properties"]["instanceType"] == "kafka.m5.large"
    assert cluster["properties"]["tags"] == {"team": "streams"}
    assert cluster["relations"]["account"] == DEFAULT_ACCOUNT

    serverless_clusters = by_blueprint(result, "mskServerlessCluster")
    assert list(serverless_clusters) == [serverless]
    assert serverless_clusters[serverless]["properties"]["subnetIds"] == ["subnet-1", "subnet-2"]
    assert serverless_clusters[serverless]["properties"]["tags"] == {"team": "streams"}
