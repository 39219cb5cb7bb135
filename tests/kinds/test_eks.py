"""EKS clusters and node groups, seeded through the EKS API and resynced."""

from tests.rig import DEFAULT_ACCOUNT, STATIC, Emulator, by_blueprint, mapping_for, resync

PREFIX = f"arn:aws:eks:us-east-1:{DEFAULT_ACCOUNT}"
ROLE = f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/eks"


async def test_clusters_and_nodegroups(aws: Emulator) -> None:
    aws.list_regions(["us-east-1"])
    eks = aws.client("eks", "us-east-1")
    eks.create_cluster(
        name="prod",
        roleArn=ROLE,
        resourcesVpcConfig={"subnetIds": ["subnet-1"]},
        tags={"env": "prod"},
    )
    eks.create_nodegroup(
        clusterName="prod",
        nodegroupName="workers",
        nodeRole=ROLE,
        subnets=["subnet-1"],
        scalingConfig={"minSize": 1, "maxSize": 3, "desiredSize": 2},
        tags={"pool": "general"},
    )

    result = await resync(STATIC, mapping_for("AWS::EKS::Cluster", "AWS::EKS::Nodegroup"))

    assert result.errors == []
    clusters = by_blueprint(result, "eksCluster")
    assert list(clusters) == [f"{PREFIX}:cluster/prod"]
    cluster = clusters[f"{PREFIX}:cluster/prod"]
    assert cluster["title"] == "prod"
    assert cluster["properties"]["tags"] == {"env": "prod"}
    assert cluster["relations"]["role"] == ROLE
    assert cluster["relations"]["account"] == DEFAULT_ACCOUNT

    [(arn, nodegroup)] = by_blueprint(result, "eksNodegroup").items()
    assert arn.startswith(f"{PREFIX}:nodegroup/prod/workers/")
    assert nodegroup["title"] == "workers"
    assert nodegroup["properties"]["desiredSize"] == 2
    assert nodegroup["properties"]["tags"] == {"pool": "general"}
    assert nodegroup["relations"]["cluster"] == f"{PREFIX}:cluster/prod"
