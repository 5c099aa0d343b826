"""The deployment files parse and agree with the code (no Docker engine here to run them)."""

from pathlib import Path

import yaml

from services.common.settings import SERVICE_PORTS

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def test_compose_runs_every_process_on_its_port_with_shared_settings():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"postgres", *SERVICE_PORTS}
    for name, port in SERVICE_PORTS.items():
        svc = services[name]
        env = svc["environment"]
        assert env["YUNGUAN_PORT"] == str(port)
        assert env["YUNGUAN_DATABASE_URL"].startswith("postgresql+asyncpg://") and \
            env["YUNGUAN_DATABASE_URL"].endswith("/")
        assert env["YUNGUAN_JWKS_URL"] == "http://org:8001/api/org/.well-known/jwks.json"
        assert f"services.common.run {name}" in " ".join(svc["command"])
        if name != "gateway":
            assert f"migrate upgrade {name}" in " ".join(svc["command"])
    assert services["gateway"]["ports"] == ["8000:8000"]


def test_kubernetes_manifests_define_a_probed_deployment_and_service_per_process():
    docs = [d for d in yaml.safe_load_all((DEPLOY / "k8s" / "yunguan.yaml").read_text()) if d]
    deployments = {d["metadata"]["name"]: d for d in docs if d["kind"] == "Deployment"}
    services = {d["metadata"]["name"]: d for d in docs if d["kind"] == "Service"}
    assert set(deployments) == set(services) == set(SERVICE_PORTS)
    for name, port in SERVICE_PORTS.items():
        spec = deployments[name]["spec"]["template"]["spec"]
        container = spec["containers"][0]
        assert container["ports"][0]["containerPort"] == port
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
        assert container["command"][-1] == name
        assert services[name]["spec"]["ports"][0]["port"] == port
        if name != "gateway":
            assert spec["initContainers"][0]["command"][-1] == name


def test_the_image_installs_the_project_and_builds_the_spa():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert "npm run build" in dockerfile and "pip install --no-cache-dir -e ." in dockerfile
    assert "USER 10001" in dockerfile
