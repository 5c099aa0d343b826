"""Comments on risks with the demo company's people and a real org: the risk's owner may be mentioned though they
hold no view over its unit (they see their own risk); someone who sees neither is refused, with nothing stored;
and they read none of its comments."""

from __future__ import annotations

from sqlalchemy import select

from services.risk.app import create_app
from services.risk.events import EMITS
from services.risk.models import Comment, OutboxEvent
from tests.support import DEMO_IDS
from tests.support.with_org import beside_org


async def test_a_risk_s_comments_mention_only_people_who_see_it_and_refuse_everyone_else(databases):
    async with beside_org(databases, "risk", create_app) as c:
        analyst, branch = await c.user_id("analyst"), await c.user_id("branch_gm")
        mgr = await c.as_("market_mgr")
        r = await c.svc.post("/api/risk/risks", headers=mgr, json={
            "title": "市场需求下滑", "category": "market", "unit_id": DEMO_IDS["MKT"], "owner_id": analyst})
        assert r.status_code == 201, r.text
        at = f"/api/risk/records/risk/{r.json()['id']}/comments"

        r = await c.svc.post(at, headers=mgr, json={"body": f"@[刘](user:{analyst}) 请更新应对措施"})
        assert r.status_code == 201, r.text
        assert r.json()["mentions"] == [{"user_id": analyst, "name": "刘市场调研专员"}]

        r = await c.svc.post(at, headers=mgr, json={"body": f"@[陈分公司总经理](user:{branch}) 也看看"})
        assert r.status_code == 422 and "陈分公司总经理" in r.json()["detail"]
        r = await c.svc.post(at, headers=mgr, json={"body": "好", "mentions": [branch]})
        assert r.status_code == 422  # unknown field: mentions travel in the text

        outsider = await c.as_("branch_gm")
        assert (await c.svc.get(at, headers=outsider)).status_code in (403, 404)
        assert (await c.svc.post(at, headers=outsider, json={"body": "路过"})).status_code in (403, 404)

        async with c.svc.app.state.db.reader() as s:
            assert len((await s.execute(select(Comment))).scalars().all()) == 1
            events = (await s.execute(select(OutboxEvent).where(OutboxEvent.type == "risk.comment.mentioned"))
                      ).scalars().all()
            assert [e.data["mentioned"] for e in events] == [[analyst]]
            # the event carries exactly what its declared model says (test_event_contracts covers the others)
            assert all(EMITS[e.type].model_validate(e.data).model_dump(mode="json") == e.data for e in events)
