#!/usr/bin/env bash
# Regenerate the SPA's API types from the gateway's merged OpenAPI document.
# 1. tools/openapi_dump writes the merged document offline (no running stack needed);
# 2. openapi-typescript turns it into src/api/schema.d.ts.
# Both outputs are committed, so `npm run build` never needs Python.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$here/.." && pwd)"
python="${PYTHON:-$root/.venv/bin/python}"
(cd "$root" && "$python" -m tools.openapi_dump frontend/openapi.json)
cd "$here"
npx openapi-typescript openapi.json -o src/api/schema.d.ts
