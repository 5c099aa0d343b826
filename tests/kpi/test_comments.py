"""Comments on 整改 actions with the demo company's people and a real org: the action's owner may be mentioned;
someone who may not see the action is refused whole, with nothing stored, and reads none of its comments."""

from __future__ import annotations

from sqlalchemy import select

from services.kpi.app import create_app
from services.kpi.models import Comment, OutboxEvent
from tests.support import DEMO_IDS
from tests.support.with_org import beside_org


async def test_an_action_s_comments_mention_only_people_who_see_it_and_refuse_everyone_else(databases, tmp_path):
    async with beside_org(databases, "kpi", create_app, data_dir=tmp_path) as c:
        analyst, branch = await c.user_id("analyst"), await c.user_id("branch_gm")
        mgr = await c.as_("market_mgr")
        r = await c.svc.post("/api/kpi/actions", headers=mgr, json={
            "title": "提高客户回访覆盖率", "unit_id": DEMO_IDS["MKT"], "owner_id": analyst,
            "owner_name": "刘市场调研专员", "due": "2027-03-31"})
        assert r.status_code == 201, r.text
        at = f"/api/kpi/records/action/{r.json()['id']}/comments"

        r = await c.svc.post(at, headers=mgr, json={"body": f"@[刘市场调研专员](user:{analyst}) 月底前完成"})
        assert r.status_code == 201, r.text
        names = [p["name"] for p in (await c.svc.get(f"{at}/mentionable", headers=mgr)).json()]
        assert "刘市场调研专员" in names and "陈分公司总经理" not in names

        r = await c.svc.post(at, headers=mgr, json={"body": f"@[陈分公司总经理](user:{branch}) 请知悉"})
        assert r.status_code == 422 and "陈分公司总经理" in r.json()["detail"]
        r = await c.svc.post(at, headers=mgr, json={"body": "   "})
        assert r.status_code == 422 and "评论内容不能为空" in r.text
        r = await c.svc.post(at, headers=mgr, json={"body": "好", "pinned": True})
        assert r.status_code == 422

        outsider = await c.as_("branch_gm")
        r = await c.svc.get(at, headers=outsider)
        assert r.status_code == 403 and "查看" in r.json()["detail"]
        assert (await c.svc.post(at, headers=outsider, json={"body": "路过"})).status_code == 403

        async with c.svc.app.state.db.reader() as s:
            assert len((await s.execute(select(Comment))).scalars().all()) == 1
            events = (await s.execute(select(OutboxEvent).where(OutboxEvent.type == "kpi.comment.mentioned")))
            assert [e.data["mentioned"] for e in events.scalars()] == [[analyst]]
