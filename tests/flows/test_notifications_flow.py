"""Work reaches people where they are, across the real services: a plan submitted by 市场部's manager reaches
the stage's approver in the notification centre and by e-mail (a real SMTP server, STARTTLS), and 市场部's
DingTalk group through its robot (a local receiver that checks DingTalk's signature); a stage left past its
limit is escalated to the next level up."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from services.org.models import Watch
from services.org.reminders.scan import scan
from tests.flows.conftest import notifications, sign_in
from tests.flows.test_chains import eventually
from tests.support import DEMO_IDS


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
    # (the demo company also reminds people of its own things, e.g. a certificate expiring: only this plan's count)
    async def about_plan(who):
        return [x for x in await notifications(http, who) if x["link"] == f"/plans/{plan['id']}"]

    async def told():
        return await about_plan(ops)

    async def unread(who) -> int:
        return int((await http.get("/api/org/me/notifications/unread-count", headers=who)).json()["unread"])

    async def mails_about_plan(n: int):
        async def arrived():
            found = [m for m in mail.messages if plan["title"] in m["Subject"]]
            return found if len(found) >= n else None
        return await eventually(arrived, timeout=20)

    [n] = await eventually(told, timeout=20)
    assert n["title"] == "待您审批：市场部《市场部2027年度运营计划》"
    assert n["link"] == f"/plans/{plan['id']}" and n["read_at"] is None
    unread_before = await unread(ops)
    assert unread_before == len([x for x in await notifications(http, ops) if x["read_at"] is None])
    assert await about_plan(gm) == []  # plan over the company too, but not held in 运营管理部

    # e-mail, over STARTTLS, to the approver's address, in Chinese, with the deep link
    [message] = await mails_about_plan(1)
    assert message["To"] == "ops_director@hdgas.example"
    assert message["Subject"] == n["title"]
    body = message.get_body(("plain",)).get_content()
    assert "等待“运营管理部汇总审核”环节审批（时限 3 个工作日）" in body
    assert f"/plans/{plan['id']}" in body
    assert all(m.tls for m in mail.received)

    # 市场部's group, through its robot: signed as DingTalk documents (the receiver checked it)
    [post] = await robots.wait_for(1, timeout=20)
    assert post.vendor == "dingtalk" and post.token == hook.token
    assert post.body["msgtype"] == "markdown"
    assert "待您审批：市场部《市场部2027年度运营计划》" in post.body["markdown"]["text"]
    assert robots.rejected == []

    # left past its limit, the stage escalates to the next level up: the 总经理 above 运营管理部
    org = http.apps["org"].state.runtime
    async with org.db.writer() as session:
        [watch] = (await session.execute(select(Watch).where(Watch.closed_at.is_(None),
                                                             Watch.key.startswith("approval:")))).scalars().all()
        assert watch.key == f"approval:plan:{plan['id']}:r1:s0"
        result = await scan(session, now=watch.escalate_at + timedelta(seconds=1))
        await session.commit()
    assert result.escalated == 1
    [up] = await about_plan(gm)
    assert up["title"].startswith("已超时") and up["link"] == f"/plans/{plan['id']}"
    overdue = [x for x in await notifications(http, ops) if x["topic"] == "notify.overdue"]
    assert len(overdue) == 1
    messages = await mails_about_plan(3)
    assert sorted(m["To"] for m in messages) == ["gm@hdgas.example", "ops_director@hdgas.example",
                                                 "ops_director@hdgas.example"]

    # the approver opens it: read, and the count goes down
    r = await http.post(f"/api/org/me/notifications/{n['id']}/read", headers=ops)
    assert r.status_code == 200
    # read, it counts no more; the escalation's notice still does
    assert await unread(ops) == unread_before
