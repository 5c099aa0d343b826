"""Work reaches people where they are, across the real services: a plan submitted by 市场部's manager reaches
the stage's approver in the notification centre and by e-mail (a real SMTP server, STARTTLS), and 市场部's
DingTalk group through its robot (a local receiver that checks DingTalk's signature); a stage left past its
limit is escalated to the next level up."""

from __future__ import annotations

import contextlib
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from gateway.app import create_app as gateway_app
from gateway.settings import GatewaySettings
from services.kpi.app import create_app as kpi_app
from services.org.app import create_app as org_app
from services.org.models import Watch
from services.org.reminders.scan import scan
from services.planning.app import create_app as planning_app
from services.risk.app import create_app as risk_app
from tests.flows.test_chains import eventually
from tests.org.conftest import seeded
from tests.support import DEMO_IDS, free_port, serve, settings


@pytest.fixture
async def product(databases, mail):
    """The four services (org sending e-mail to the test's SMTP server, robots allowed on loopback) and the
    gateway, as real servers on free ports."""
    ports = {s: free_port() for s in ("org", "planning", "kpi", "risk")}
    urls = {f"{s}_url": f"http://127.0.0.1:{p}" for s, p in ports.items()}
    common = {**urls, "relay_enabled": True, "relay_interval": 0.1,
              "jwks_url": f"{urls['org_url']}/api/org/.well-known/jwks.json"}
    apps = {"org": org_app(settings("org", await databases.fresh("org", seeded), demo=True, **common,
                                    **mail.settings(), webhook_allow_private_targets=True))}
    for name, factory in (("planning", planning_app), ("kpi", kpi_app), ("risk", risk_app)):
        apps[name] = factory(settings(name, await databases.fresh(name), **common))
    gateway = gateway_app(GatewaySettings(**urls, log_level="WARNING", rate_limit_rps=1000.0, rate_limit_burst=1000))
    async with contextlib.AsyncExitStack() as stack:
        for name in ("planning", "kpi", "risk", "org"):
            await stack.enter_async_context(serve(apps[name], port=ports[name]))
        gw = await stack.enter_async_context(serve(gateway))
        http = await stack.enter_async_context(httpx.AsyncClient(base_url=gw, timeout=10))
        http.apps = apps
        yield http


async def sign_in(http, user: str) -> dict[str, str]:
    r = await http.post("/api/org/auth/token", data={"grant_type": "password", "username": user,
                                                      "password": "Demo@2026"})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}", "Accept-Language": "zh-CN"}


async def notifications(http, who: dict[str, str]) -> list[dict]:
    r = await http.get("/api/org/me/notifications", headers=who)
    assert r.status_code == 200, r.text
    return r.json()["items"]


async def test_a_submitted_plan_reaches_its_approver_in_app_by_e_mail_and_in_the_unit_s_dingtalk_group(
        product, mail, robots):
    http = product
    admin, mgr, ops, gm = [await sign_in(http, u) for u in ("admin", "market_mgr", "ops_director", "gm")]

    async def synced():
        r = await http.get("/api/planning/org-units", headers=ops)
        return r.status_code == 200 and len(r.json()["items"]) >= 13

    await eventually(synced, timeout=20)
    # 市场部's DingTalk group robot, set up by an administrator (the secret is write-only)
    hook = robots.add("dingtalk")
    r = await http.post(f"/api/org/units/{DEMO_IDS['MKT']}/robots", headers=admin, json={
        "vendor": "dingtalk", "name": "市场部工作群", "url": hook.url, "secret": hook.secret})
    assert r.status_code == 201, r.text
    assert hook.secret not in r.text and hook.token not in r.text

    plan = (await http.post("/api/planning/plans", headers=mgr, json={
        "unit_id": DEMO_IDS["MKT"], "period": "2027", "title": "市场部2027年度运营计划",
        "targets": [{"indicator_code": "sales", "value": 31000}]})).json()
    r = await http.post(f"/api/planning/plans/{plan['id']}/submit", headers=mgr, json={"comment": "请审核"})
    assert r.status_code == 200, r.text

    # in-app, for the holder of the first stage's right (plan over the company, held in 运营管理部)
    async def told():
        return [n for n in await notifications(http, ops) if n["subject_id"] == str(plan["id"])]

    [n] = await eventually(told, timeout=20)
    assert n["title"] == "待您审批：市场部《市场部2027年度运营计划》"
    assert n["link"] == f"/plans/{plan['id']}" and n["read_at"] is None
    assert (await http.get("/api/org/me/notifications/unread-count", headers=ops)).json() == {"unread": 1}
    assert await notifications(http, gm) == []  # plan over the company too, but not held in 运营管理部

    # e-mail, over STARTTLS, to the approver's address, in Chinese, with the deep link
    [message] = await mail.wait_for(1, timeout=20)
    assert message["To"] == "ops_director@hdgas.example"
    assert message["Subject"] == n["title"]
    body = message.get_body(("plain",)).get_content()
    assert "等待“运营管理部汇总审核”环节审批（时限 3 个工作日）" in body
    assert f"/plans/{plan['id']}" in body
    assert mail.received[0].tls

    # 市场部's group, through its robot: signed as DingTalk documents (the receiver checked it)
    [post] = await robots.wait_for(1, timeout=20)
    assert post.vendor == "dingtalk" and post.token == hook.token
    assert post.body["msgtype"] == "markdown"
    assert "待您审批：市场部《市场部2027年度运营计划》" in post.body["markdown"]["text"]
    assert robots.rejected == []

    # left past its limit, the stage escalates to the next level up: the 总经理 above 运营管理部
    org = http.apps["org"].state.runtime
    async with org.db.writer() as session:
        [watch] = (await session.execute(select(Watch).where(Watch.closed_at.is_(None)))).scalars().all()
        assert watch.key == f"approval:plan:{plan['id']}:r1:s0"
        result = await scan(session, now=watch.escalate_at + timedelta(seconds=1))
        await session.commit()
    assert result.escalated == 1
    [up] = await notifications(http, gm)
    assert up["title"].startswith("已超时") and up["link"] == f"/plans/{plan['id']}"
    overdue = [x for x in await notifications(http, ops) if x["topic"] == "notify.overdue"]
    assert len(overdue) == 1
    messages = await mail.wait_for(3, timeout=20)
    assert sorted(m["To"] for m in messages) == ["gm@hdgas.example", "ops_director@hdgas.example",
                                                 "ops_director@hdgas.example"]

    # the approver opens it: read, and the count goes down
    r = await http.post(f"/api/org/me/notifications/{n['id']}/read", headers=ops)
    assert r.status_code == 200
    assert (await http.get("/api/org/me/notifications/unread-count", headers=ops)).json() == {"unread": 1}
