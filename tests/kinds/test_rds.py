"""RDS DB instances and clusters, seeded through the RDS API and resynced (tags come with them)."""

from tests.rig import DEFAULT_ACCOUNT, STATIC, Emulator, by_blueprint, mapping_for, resync

PREFIX = f"arn:aws:rds:us-east-1:{DEFAULT_ACCOUNT}"


async def test_instances_and_clusters(aws: Emulator) -> None:
    aws.list_regions(["us-east-1"])
    rds = aws.client("rds", "us-east-1")
    rds.create_db_cluster(
        DBClusterIdentifier="orders",
        Engine="aurora-postgresql",
        MasterUsername="admin",
        MasterUserPassword="not-a-secret-1",
        Tags=[{"Key": "team", "Value": "orders"}],
    )
    rds.create_db_instance(
        DBInstanceIdentifier="orders-1",
        DBInstanceClass="db.r6g.large",
        Engine="aurora-postgresql",
        DBClusterIdentifier="orders",
    )
    rds.create_db_instance(
        DBInstanceIdentifier="legacy",
        DBInstanceClass="db.t3.micro",
        Engine="mysql",
        AllocatedStorage=20,
        MasterUsername="admin",
        MasterUserPassword="not-a-secret-1",
        Tags=[{"Key": "team", "Value": "legacy"}],
    )

    result = await resync(STATIC, mapping_for("AWS::RDS::DBInstance", "AWS::RDS::DBCluster"))

    assert result.errors == []
    clusters = by_blueprint(result, "rdsDbCluster")
    assert list(clusters) == [f"{PREFIX}:cluster:orders"]
    cluster = clusters[f"{PREFIX}:cluster:orders"]
    assert cluster["properties"]["engine"] == "aurora-postgresql"
    assert cluster["properties"]["tags"] == [{"Key": "team", "Value": "orders"}]
    assert cluster["relations"]["account"] == DEFAULT_ACCOUNT

    instances = by_blueprint(result, "rdsDbInstance")
    assert set(instances) == {f"{PREFIX}:db:orders-1", f"{PREFIX}:db:legacy"}
    legacy = instances[f"{PREFIX}:db:legacy"]
    assert legacy["title"] == "legacy"
    assert legacy["properties"]["engine"] == "mysql"
    assert legacy["properties"]["instanceClass"] == "db.t3.micro"
    assert legacy["properties"]["tags"] == [{"Key": "team", "Value": "legacy"}]
    assert legacy["relations"]["cluster"] is None
    assert instances[f"{PREFIX}:db:orders-1"]["relations"]["cluster"] == f"{PREFIX}:cluster:orders"
