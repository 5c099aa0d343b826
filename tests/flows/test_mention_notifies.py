"""A mention reaches the person mentioned, across the real services: 市场部's manager mentions the operations
director in a comment on a plan; planning's outbox delivers the event to org over signed HTTP, and the director
(only they) finds a notification in the centre leading to the plan. Delivered again, it tells nobody twice."""

from __future__ import annotations

from sqlalchemy import func, select

from services.org.models import Notification
from services.org.notifications.from_events import on_comment_mentioned
from services.planning.models import OutboxEvent
from tests.flows.conftest import notifications, sign_in
from tests.flows.test_chains import eventually
from tests.support import DEMO_IDS


async def test_a_mention_in_a_comment_notifies_the_person_mentioned_and_nobody_else(product):
    http = product
    mgr, ops, gm = [await sign_in(http, u) for u in ("market_mgr", "ops_director", "gm")]

    async def synced():
        r = await http.get("/api/planning/org-units", headers=mgr)
        return r.status_code == 200 and len(r.json()["items"]) >= 13

    await eventually(synced, timeout=20)
    plan = (await http.post("/api/planning/plans", headers=mgr, json={
        "unit_id": DEMO_IDS["MKT"], "period": "2027", "title": "市场部2027年度运营计划",
        "targets": [{"indicator_code": "sales", "value": 31000}]})).json()
    ops_id = (await http.get("/api/org/me", headers=ops)).json()["user"]["id"]
    r = await http.post(f"/api/planning/records/plan/{plan['id']}/comments", headers=mgr,
                        json={"body": f"@[李运营总监](user:{ops_id}) 请先看看销售目标是否合理。"})
    assert r.status_code == 201, r.text

    async def told():
        return [n for n in await notifications(http, ops) if n["topic"] == "comment.mentioned"]

    [n] = await eventually(told, timeout=20)
    assert n["title"] == "张市场部经理在《市场部2027年度运营计划》的评论中提到了您"
    assert n["link"] == f"/plans/{plan['id']}" and n["subject_type"] == "plan"
    assert n["kind"] == "mention"  # its own kind: people choose its channels apart from tasks
    assert "@李运营总监 请先看看销售目标是否合理。" in n["body"]
    for other in (mgr, gm):
        assert [x for x in await notifications(http, other) if x["topic"] == "comment.mentioned"] == []
    # the one mentioned opens the plan and reads the comment
    [thread] = (await http.get(f"/api/planning/records/plan/{plan['id']}/comments", headers=ops)).json()
    assert thread["author_name"] == "张市场部经理"

    # delivered again (a relay retrying after a lost answer): nobody is told twice
    async with http.apps["planning"].state.runtime.db.reader() as s:
        mentioned = OutboxEvent.type == "planning.comment.mentioned"
        row = (await s.execute(select(OutboxEvent).where(mentioned))).scalar_one()
        event = {"id": row.id, "type": row.type, "source": "planning", "occurred_at": row.occurred_at.isoformat(),
                 "subject": row.subject, "unit_path": row.unit_path, "data": row.data}
    org = http.apps["org"].state.runtime
    async with org.db.writer() as s:
        await on_comment_mentioned(s, event)
        await s.commit()
    async with org.db.reader() as s:
        count = (await s.execute(select(func.count()).select_from(Notification).where(
            Notification.topic == "comment.mentioned"))).scalar_one()
    assert count == 1
