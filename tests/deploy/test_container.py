"""The container build and the compose file, offline (no Docker engine here): the build context leaves out
what a machine holds, the image builds the SPA from its lock in its own stage and installs Python packages
from the hashed lock, runs as uid 10001; compose migrates once before any service starts."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
APPS = ("org", "planning", "kpi", "risk", "gateway")
PORTS = {"gateway": 8000, "org": 8001, "planning": 8002, "kpi": 8003, "risk": 8004}


def dockerfile_stages() -> dict[str, list[str]]:
    """Stage name (or index) -> its instructions, continuation lines joined."""
    text = re.sub(r"\\\n", " ", (ROOT / "deploy" / "Dockerfile").read_text())
    stages: dict[str, list[str]] = {}
    current: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.upper().startswith("FROM "):
            m = re.search(r"\bAS\s+(\S+)", line, re.I)
            current = stages.setdefault(m.group(1) if m else f"stage{len(stages)}", [])
        current.append(line)
    return stages


def test_the_build_context_leaves_out_data_keys_installs_and_outputs():
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
               if line.strip() and not line.startswith("#")}
    for pattern in ("data/", "**/*.db", "**/*.db-wal", "**/.venv", "**/node_modules", "**/*.pem", "**/*.key",
                    ".git", "**/__pycache__", "**/.pytest_cache", "frontend/dist", "**/service-secret"):
        assert pattern in ignored, pattern


def test_the_image_builds_the_spa_from_its_lock_and_python_from_the_hashed_lock():
    stages = dockerfile_stages()
    spa = " ".join(stages["spa"])
    assert "npm ci" in spa and "npm install" not in spa
    assert "COPY frontend/package.json frontend/package-lock.json" in spa
    deps = " ".join(stages["python-deps"])
    assert "--require-hashes" in deps and "-r /tmp/requirements.lock" in deps
    final = stages[list(stages)[-1]]
    assert not any("node_modules" in line for stage in stages.values() for line in stage if line.startswith("COPY"))
    assert "COPY --from=spa /src/frontend/dist ./frontend/dist" in final
    assert not any(line.startswith("RUN") and "pip install" in line for line in final)
    user_at = next(i for i, line in enumerate(final) if line.startswith("USER"))
    assert final[user_at] == "USER 10001:10001"
    assert all(not line.startswith(("RUN", "USER")) for line in final[user_at + 1:]), "nothing runs as root after USER"
    for stage in stages.values():
        image = stage[0].split()[1]
        assert ":" in image and not image.endswith(":latest"), image


def test_compose_migrates_once_before_every_service():
    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
    services = compose["services"]
    migrate = services["migrate"]
    assert migrate["command"] == ["python", "-m", "services.common.migrate", "upgrade", *APPS[:-1]]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in APPS:
        svc = services[name]
        assert svc["environment"]["YUNGUAN_RUN_MIGRATIONS"] == "false", name
        assert svc["command"] == ["python", "-m", "services.common.run", name]
        if name != "gateway":
            assert svc["depends_on"]["migrate"]["condition"] == "service_completed_successfully", name
        else:
            assert {svc["depends_on"][s]["condition"] for s in APPS[:-1]} == {"service_healthy"}
        assert svc["user"] == "10001:10001" and svc["read_only"] is True and svc["cap_drop"] == ["ALL"]
        assert "/tmp" in svc["tmpfs"]
        assert svc["environment"]["YUNGUAN_PORT"] == str(PORTS[name])


def test_compose_carries_no_secret_values_and_no_latest_image():
    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
    for name, svc in compose["services"].items():
        assert ":" in svc["image"] and not svc["image"].endswith(":latest"), name
        for key, value in (svc.get("environment") or {}).items():
            if re.search(r"SECRET|PASSWORD", key):
                assert re.fullmatch(r"\$\{[A-Z_]+:\?[^}]+\}", str(value)), f"{name}.{key} must come from the host"
        url = (svc.get("environment") or {}).get("YUNGUAN_DATABASE_URL", "")
        assert not url or "${POSTGRES_PASSWORD:?" in url
