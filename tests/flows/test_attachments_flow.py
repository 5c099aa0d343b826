"""Attachments across real servers: org (the demo company), planning with its files in an S3-compatible bucket
(moto's server) and the virus scanner configured, and the gateway in front, all over real HTTP. A file attached
through the gateway lands in the bucket and comes back through it to who may see the plan; the EICAR file never
reaches the bucket; someone who cannot see the plan gets nothing."""

import contextlib
import hashlib
import sys

import httpx
import pytest

from gateway.app import create_app as gateway_app
from gateway.settings import GatewaySettings
from services.org.app import create_app as org_app
from services.planning.app import create_app as planning_app
from tests.flows.conftest import sign_in
from tests.flows.test_chains import eventually
from tests.org.conftest import seeded
from tests.support import DEMO_IDS, free_port, serve, settings
from tests.support.s3 import s3_bucket, s3_server  # noqa: F401 (fixtures)
from tests.support.scanner import EICAR

PDF = b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
async def stack(databases, tmp_path, s3_server, s3_bucket):  # noqa: F811
    ports = {s: free_port() for s in ("org", "planning")}
    urls = {f"{s}_url": f"http://127.0.0.1:{p}" for s, p in ports.items()}
    common = {**urls, "relay_enabled": True, "relay_interval": 0.1, "data_dir": tmp_path,
              "jwks_url": f"{urls['org_url']}/api/org/.well-known/jwks.json"}
    org = org_app(settings("org", await databases.fresh("org", seeded), demo=True, **common))
    planning = planning_app(settings("planning", await databases.fresh("planning"), **common,
                                     file_store=f"s3://{s3_bucket}/yunguan", s3_endpoint_url=s3_server.endpoint_url,
                                     s3_addressing_style="path",
                                     file_scan_command=f"{sys.executable} -m tests.support.scanner"))
    gateway = gateway_app(GatewaySettings(**urls, log_level="WARNING", rate_limit_rps=1000.0, rate_limit_burst=1000))
    async with contextlib.AsyncExitStack() as stack:
        await stack.enter_async_context(serve(planning, port=ports["planning"]))
        await stack.enter_async_context(serve(org, port=ports["org"]))
        gw = await stack.enter_async_context(serve(gateway))
        yield await stack.enter_async_context(httpx.AsyncClient(base_url=gw, timeout=20))


async def test_a_file_goes_through_the_gateway_to_the_bucket_and_back_only_to_who_sees_the_plan(
        stack, s3_server, s3_bucket):  # noqa: F811
    http = stack
    manager, analyst, supply = [await sign_in(http, u) for u in ("market_mgr", "analyst", "supply_head")]

    async def units_synced():
        r = await http.get("/api/planning/org-units", headers=manager)
        return r.status_code == 200 and len(r.json()["items"]) >= 13

    await eventually(units_synced, timeout=20)
    plan = await http.post("/api/planning/plans", headers=manager, json={
        "unit_id": DEMO_IDS["MKT"], "period": "2027", "title": "市场部2027年度运营计划",
        "targets": [{"indicator_code": "sales", "value": 1200.0}]})
    assert plan.status_code == 201, plan.text
    base = f"/api/planning/records/plan/{plan.json()['id']}/attachments"

    up = await http.post(base, headers=manager, files={"file": ("调研报告.pdf", PDF, "application/pdf")})
    assert up.status_code == 201, up.text
    key = hashlib.sha256(PDF).hexdigest()
    bucket = s3_server.client()
    assert bucket.get_object(Bucket=s3_bucket, Key=f"yunguan/planning/{key[:2]}/{key[2:]}")["Body"].read() == PDF

    got = await http.get(up.json()["url"], headers=analyst)
    assert got.status_code == 200 and got.content == PDF
    assert got.headers["x-content-type-options"] == "nosniff"
    assert (await http.get(up.json()["url"], headers=supply)).status_code == 404

    infected = await http.post(base, headers=analyst, files={"file": ("eicar.txt", EICAR, "text/plain")})
    assert infected.status_code == 422 and infected.json()["detail"].startswith("文件未通过病毒扫描")
    assert bucket.list_objects_v2(Bucket=s3_bucket)["KeyCount"] == 1
    listed = await http.get(base, headers=analyst)
    assert [a["name"] for a in listed.json()["items"]] == ["调研报告.pdf"]
