"""ElastiCache cache clusters, seeded through the ElastiCache API and resynced."""

from tests.rig import DEFAULT_ACCOUNT, STATIC, Emulator, by_blueprint, mapping_for, resync


async def test_cache_clusters_with_tags(aws: Emulator) -> None:
    aws.list_regions(["us-east-1"])
    elasticache = aws.client("elasticache", "us-east-1")
    elasticache.create_cache_cluster(
        CacheClusterId="sessions",
        Engine="redis",
        CacheNodeType="cache.t4g.micro",
        NumCacheNodes=1,
        Tags=[{"Key": "team", "Value": "web"}],
    )

    result = await resync(STATIC, mapping_for("AWS::ElastiCache::Cluster"))

    assert result.errors == []
    arn = f"arn:aws:elasticache:us-east-1:{DEFAULT_ACCOUNT}:cluster:sessions"
    clusters = by_blueprint(result, "elasticacheCluster")
    assert list(clusters) == [arn]
    cluster = clusters[arn]
    assert cluster["title"] == "sessions"
    assert cluster["properties"]["engine"] == "redis"
    assert cluster["properties"]["nodeType"] == "cache.t4g.micro"
    assert cluster["properties"]["tags"] == [{"Key": "team", "Value": "web"}]
    assert cluster["relations"]["account"] == DEFAULT_ACCOUNT
