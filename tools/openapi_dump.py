"""Write the merged OpenAPI document of every service, offline (no server needed).

``python -m tools.openapi_dump frontend/openapi.json`` builds each service's app, asks it
for its OpenAPI document and merges them exactly as the gateway does at /api/openapi.json.
The SPA generates its API types from this file.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from gateway.openapi import merge_documents
from gateway.settings import DEFAULT_PUBLIC_PATHS
from services.common.settings import settings_for
from services.kpi.app import create_app as kpi_app
from services.org.app import create_app as org_app
from services.planning.app import create_app as planning_app
from services.risk.app import create_app as risk_app

APPS = {"org": org_app, "planning": planning_app, "kpi": kpi_app, "risk": risk_app}


def merged() -> dict:
    docs = {name: factory(settings_for(name, demo=True)).openapi() for name, factory in APPS.items()}
    return merge_documents(docs, {}, public_paths=frozenset(DEFAULT_PUBLIC_PATHS))


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("frontend/openapi.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(merged(), ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
