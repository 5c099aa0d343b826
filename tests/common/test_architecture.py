"""Boundaries and migrations: services never import one another; models never drift from migrations."""

import subprocess
import sys
from pathlib import Path

import pytest

from services.common.migrate import check

ROOT = Path(__file__).resolve().parents[2]


def test_services_never_import_one_another_and_the_kernel_imports_no_service():
    lint = Path(sys.executable).parent / "lint-imports"
    r = subprocess.run([str(lint), "--config", str(ROOT / "pyproject.toml")], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "2 kept, 0 broken" in r.stdout


@pytest.mark.parametrize("service", ["org", "planning", "kpi", "risk"])
async def test_models_match_the_migrations(service, databases):
    # alembic check raises when autogenerate would produce a new migration
    await check(service, await databases.fresh(service))


def test_the_spa_api_types_were_generated_from_the_current_api():
    import json

    from tools.openapi_dump import merged

    committed = json.loads((ROOT / "frontend" / "openapi.json").read_text())
    assert committed == json.loads(json.dumps(merged(), sort_keys=True)), \
        "the API changed: run `npm run gen:api` in frontend/ and commit openapi.json and src/api/schema.d.ts"
