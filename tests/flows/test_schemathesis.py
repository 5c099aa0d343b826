"""The whole API fuzzed through the gateway: schemathesis over every operation of the merged document.

The product runs as processes (the demo company, on SQLite or PostgreSQL as the test run is
configured); schemathesis loads ``/api/openapi.json`` from the gateway and sends what a client
could send, signed in as the demo ``admin`` after admin has also been given the general
manager's position through the API: the admin right (org, webhooks, audit, deliveries) and the
general manager's plan, veto, dispatch, assess and guide rights over the company in one token, so
requests get past authorisation into every service's logic. Phases: the documented examples, coverage (the boundary
values of every parameter),
property-based fuzzing (valid and invalid data), and stateful sequences (schemathesis infers from
the document which answers feed which requests: an id a POST returns used in the next GET, PATCH
or DELETE). Checks on every answer:

- ``not_a_server_error``: no 5xx for anything a client can send;
- ``response_schema_conformance``: the body matches the model the operation declares for that
  status (successes, and the Problem Details every refusal is declared as);
- ``status_code_conformance``: the status is one the operation declares;
- ``content_type_conformance``: the media type is one the operation declares.

Generation is derandomized, so CI sends the same requests every run; the sizes below keep the run
to a couple of minutes on two cores. Nothing is excluded: every operation in the document is
reachable through the gateway.

The summary line (``schemathesis on sqlite: N requests, M refused (4xx), 0 5xx``) is printed for
the record, with the phases and schemathesis' own summary; ``pytest -s`` shows them.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import httpx
import pytest

from services.common import clock
from tests.support import BACKEND, product

pytestmark = pytest.mark.slow

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
CHECKS = "not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance"

# schemathesis.toml for this run (see schemathesis' configuration reference).
CONFIG = """
[cache]
# Nothing carried over from an earlier run: each run sends the same requests (and the test leaves no
# .schemathesis/ behind in the checkout).
enabled = false

[generation]
deterministic = true
database = "none"

[phases.coverage]
# A method a path does not declare is answered by the kernel's one 405 Problem handler on every path
# alike: a thousand requests proving one thing, which tests/common/test_kernel_app.py proves.
unexpected-methods = []

[phases.coverage.generation]
# Boundary values of every parameter that the schema admits (about 3000 requests). The negative
# half (about 5000 more: every wrong type, every pattern broken) only ever meets FastAPI's
# validation and would double the run; fuzzing below still sends invalid data to each operation.
mode = "positive"

[phases.fuzzing.generation]
max-examples = {fuzz}

[phases.stateful]
max-steps = {steps}

[phases.stateful.generation]
max-examples = {scenarios}
"""


async def test_fuzzing_every_operation_through_the_gateway_finds_no_server_error_or_undocumented_answer(tmp_path):
    # One fuzzer is one client sending as fast as it can: the per-client rate limit would turn most
    # of the run into 429s (the limiter has its own tests in tests/gateway).
    async with product(tmp_path, YUNGUAN_RATE_LIMIT_RPS="0", YUNGUAN_UPSTREAM_TIMEOUT="20") as stack:
        gw = f"http://127.0.0.1:{stack.ports['gateway']}"
        async with httpx.AsyncClient(base_url=gw, timeout=20) as c:
            token = await _sign_in(c, "admin")
            admin = {"Authorization": f"Bearer {token}"}
            me = (await c.get("/api/org/me", headers={"Authorization": f"Bearer {await _sign_in(c, 'gm')}"})).json()
            both = await c.post("/api/org/assignments", headers=admin, json={
                "user_id": (await c.get("/api/org/me", headers=admin)).json()["user"]["id"],
                "position_id": me["positions"][0]["position_id"], "start_date": clock.today().isoformat()})
            assert both.status_code == 201, both.text
            token = await _sign_in(c, "admin")
        config = tmp_path / "schemathesis.toml"
        config.write_text(CONFIG.format(fuzz=3, steps=10, scenarios=80))
        har = tmp_path / "requests.har"
        # One worker: requests in a fixed order, and no concurrent ast.parse in hypothesis, which
        # CPython 3.11.7 can fail with "AST constructor recursion depth mismatch".
        cmd = [str(SCHEMATHESIS), "--config-file", str(config), "--no-color", "run", f"{gw}/api/openapi.json",
               "--checks", CHECKS, "--phases", "examples,coverage,fuzzing,stateful", "--workers", "1",
               "--header", f"Authorization: Bearer {token}", "--request-timeout", "30",
               "--report", "har", "--report-har-path", str(har), "--report-dir", str(tmp_path / "reports")]
        run = await asyncio.to_thread(subprocess.run, cmd, capture_output=True, text=True, timeout=600)

    entries = json.loads(har.read_text())["log"]["entries"] if har.exists() else []
    statuses = Counter(e["response"]["status"] for e in entries)
    refused = sum(n for s, n in statuses.items() if 400 <= s < 500)
    server_errors = sum(n for s, n in statuses.items() if s >= 500)
    print(f"\nschemathesis on {BACKEND}: {len(entries)} requests, {refused} refused (4xx), {server_errors} 5xx; "
          f"by status {dict(sorted(statuses.items()))}")
    # the phases (with the links the stateful phase followed) and schemathesis' own summary
    out = run.stdout
    print(out[:out.find("\n==")], out[out.rfind("\n", 0, max(0, out.find("= SUMMARY ="))):], sep="\n")
    tail = run.stdout[-20000:] + run.stderr[-4000:]
    assert entries, tail
    assert server_errors == 0, tail
    assert run.returncode == 0, tail


async def _sign_in(c: httpx.AsyncClient, username: str) -> str:
    signed_in = await c.post("/api/org/auth/token", data={"grant_type": "password", "username": username,
                                                          "password": "Demo@2026"})
    assert signed_in.status_code == 200, signed_in.text
    return signed_in.json()["access_token"]
