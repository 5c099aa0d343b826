"""Improvement actions: raised with a deadline and owner, completed with evidence, verified by the raiser."""

from datetime import timedelta

from services.common import clock
from tests.kpi.conftest import ADMIN, MKT, MKT_MANAGER, MKT_VIEWER, OPS_PLANNER, outbox
from tests.support import DEMO_PATHS, bearer, make_token

OWNER = bearer(make_token(("view", DEMO_PATHS["MKT-RES"], "subtree"), sub="42", name="owner"))
OTHER_PLANNER = bearer(make_token(("plan", DEMO_PATHS["MKT"], "subtree"), ("view", DEMO_PATHS["MKT"], "subtree"),
                                  sub="43", name="deputy"))


def body(**kw):
    return {"title": "提升满意度", "unit_id": MKT, "indicator_code": "sales", "period": "2026-10",
            "origin": "evaluation", "owner_id": 42, "owner_name": "张三",
            "due": (clock.today() + timedelta(days=14)).isoformat(), **kw}


async def test_an_action_goes_from_raised_to_completed_to_verified_by_its_raiser(kpi):
    r = await kpi.post("/api/kpi/actions", json=body(), headers=MKT_MANAGER)
    assert r.status_code == 201, r.text
    a = r.json()
    assert (a["status"], a["raised_by"], a["indicator_code"]) == ("open", "5", "sales")
    url = f"/api/kpi/actions/{a['id']}"
    assert (await kpi.post(url + "/complete", json={"evidence": []}, headers=OWNER)).status_code == 422
    done = await kpi.post(url + "/complete", json={"evidence": [{"note": "回访完成"}]}, headers=OWNER)
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert (await kpi.post(url + "/verify", json={"accepted": True}, headers=OTHER_PLANNER)).status_code == 403
    assert (await kpi.post(url + "/verify", json={"accepted": True}, headers=OWNER)).status_code == 403
    ok = await kpi.post(url + "/verify", json={"accepted": True, "note": "确认"}, headers=MKT_MANAGER)
    assert ok.status_code == 200 and ok.json()["status"] == "verified" and ok.json()["verified_by"] == "5"
    types = [e.type for e in await outbox(kpi, "kpi.action.created")] + \
        [e.type for e in await outbox(kpi, "kpi.action.completed")] + \
        [e.type for e in await outbox(kpi, "kpi.action.verified")]
    assert types == ["kpi.action.created", "kpi.action.completed", "kpi.action.verified"]
    assert (await kpi.post(url + "/complete", json={"evidence": [{"note": "x"}]}, headers=OWNER)).status_code == 409


async def test_a_sent_back_action_is_open_again(kpi):
    a = (await kpi.post("/api/kpi/actions", json=body(), headers=MKT_MANAGER)).json()
    url = f"/api/kpi/actions/{a['id']}"
    await kpi.post(url + "/complete", json={"evidence": [{"note": "做了"}]}, headers=OWNER)
    back = await kpi.post(url + "/verify", json={"accepted": False, "note": "证据不足"}, headers=MKT_MANAGER)
    assert back.json()["status"] == "open" and back.json()["evidence"][-1]["verdict"] == "sent back"


async def test_raising_needs_plan_or_assess_over_the_unit(kpi):
    assert (await kpi.post("/api/kpi/actions", json=body(), headers=MKT_VIEWER)).status_code == 403
    assert (await kpi.post("/api/kpi/actions", json=body(), headers=OPS_PLANNER)).status_code == 403
    bad = await kpi.post("/api/kpi/actions", json=body(due="soon"), headers=MKT_MANAGER)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "due"
    ref = body(origin="threshold", origin_ref="evt-1")
    assert (await kpi.post("/api/kpi/actions", json=ref, headers=MKT_MANAGER)).status_code == 201
    assert (await kpi.post("/api/kpi/actions", json=ref, headers=MKT_MANAGER)).status_code == 409


async def test_overdue_actions_are_flagged_and_announced_once(kpi):
    late = (await kpi.post("/api/kpi/actions", headers=MKT_MANAGER,
                           json=body(due=(clock.today() - timedelta(days=1)).isoformat()))).json()
    await kpi.post("/api/kpi/actions", json=body(title="未到期"), headers=MKT_MANAGER)
    assert (await kpi.post("/api/kpi/actions/overdue-scan", headers=MKT_MANAGER)).status_code == 403
    assert (await kpi.post("/api/kpi/actions/overdue-scan", headers=ADMIN)).json() == {"flagged": 1}
    assert (await kpi.post("/api/kpi/actions/overdue-scan", headers=ADMIN)).json() == {"flagged": 0}
    [e] = await outbox(kpi, "kpi.action.overdue")
    assert e.data["id"] == late["id"]
    listed = await kpi.get("/api/kpi/actions", params={"overdue": "true"}, headers=MKT_VIEWER)
    assert [a["id"] for a in listed.json()["items"]] == [late["id"]]


async def test_the_owner_reports_progress_on_an_open_action_and_completion_makes_it_100(kpi):
    a = (await kpi.post("/api/kpi/actions", json=body(), headers=MKT_MANAGER)).json()
    url = f"/api/kpi/actions/{a['id']}"
    nobody = bearer(make_token(("view", DEMO_PATHS["MKT"], "subtree"), sub="44", name="viewer"))
    report = {"progress": 40, "note": "已回访 40% 客户", "url": "https://docs.example.com/visit"}
    assert (await kpi.post(url + "/progress", json=report, headers=nobody)).status_code == 403
    assert (await kpi.post(url + "/progress", json={**report, "progress": 140}, headers=OWNER)).status_code == 422
    tag = (await kpi.get(url, headers=OWNER)).headers["etag"]
    r = await kpi.post(url + "/progress", json=report, headers={**OWNER, "If-Match": tag})
    assert r.status_code == 200, r.text
    assert (r.json()["progress"], r.json()["status"]) == (40, "open")
    assert r.json()["evidence"][-1]["kind"] == "progress" and r.json()["evidence"][-1]["by"] == "42"
    assert (await kpi.post(url + "/progress", json=report, headers={**OWNER, "If-Match": tag})).status_code == 412
    done = await kpi.post(url + "/complete", json={"evidence": [{"note": "全部回访"}]}, headers=OWNER)
    assert done.json()["progress"] == 100
    assert (await kpi.post(url + "/progress", json=report, headers=OWNER)).status_code == 409
