"""ECS services and task definitions, seeded through the ECS API and resynced."""

from tests.rig import DEFAULT_ACCOUNT, STATIC, Emulator, by_blueprint, mapping_for, resync

PREFIX = f"arn:aws:ecs:us-east-1:{DEFAULT_ACCOUNT}"


async def test_services_and_task_definitions(aws: Emulator) -> None:
    aws.list_regions(["us-east-1"])
    ecs = aws.client("ecs", "us-east-1")
    ecs.create_cluster(clusterName="apps")
    task = ecs.register_task_definition(
        family="web",
        containerDefinitions=[{"name": "web", "image": "nginx:1.27", "memory": 256}],
        tags=[{"key": "team", "value": "edge"}],
    )["taskDefinition"]["taskDefinitionArn"]
    ecs.create_service(
        cluster="apps",
        serviceName="frontend",
        taskDefinition="web",
        desiredCount=2,
        tags=[{"key": "env", "value": "prod"}],
    )

    result = await resync(STATIC, mapping_for("AWS::ECS::Service", "AWS::ECS::TaskDefinition"))

    assert result.errors == []
    services = by_blueprint(result, "ecsService")
    assert list(services) == [f"{PREFIX}:service/apps/frontend"]
    service = services[f"{PREFIX}:service/apps/frontend"]
    assert service["title"] == "frontend"
    assert service["properties"]["desiredCount"] == 2
    assert service["properties"]["tags"] == [{"key": "env", "value": "prod"}]
    assert service["relations"]["cluster"] == f"{PREFIX}:cluster/apps"
    assert service["relations"]["taskDefinition"] == task
    assert service["relations"]["account"] == DEFAULT_ACCOUNT

    definitions = by_blueprint(result, "ecsTaskDefinition")
    assert list(definitions) == [task] == [f"{PREFIX}:task-definition/web:1"]
    definition = definitions[task]
    assert definition["title"] == "web:1"
    assert definition["properties"]["containerImages"] == ["nginx:1.27"]
    assert definition["properties"]["tags"] == [{"key": "team", "value": "edge"}]
