"""Rewards and penalties (奖惩): an annual assessment combining routine results proposes by the company scale,
a holder of assess confirms, changes or dismisses, the register and its payroll export; innovation and
proposal rewards; who may read and decide what."""

import io

import pytest
from openpyxl import load_workbook

from tests.kpi.conftest import ADMIN, MKT, MKT_MANAGER, MKT_RES, MKT_VIEWER, OPS_PLANNER, SERVICE, event, outbox
from tests.support import DEMO_PATHS, bearer, make_token

# 刘市场调研专员: sees their own unit, holds no assess right
ANALYST = bearer(make_token(("view", DEMO_PATHS["MKT-RES"], "subtree"), sub="11", name="analyst"))
# another specialist of the same team
COLLEAGUE = bearer(make_token(("view", DEMO_PATHS["MKT-RES"], "subtree"), sub="12", name="colleague"))
# 运营总监: assess over the operations department only
OPS_ASSESSOR = bearer(make_token(("assess", DEMO_PATHS["OPS"], "subtree"), ("view", DEMO_PATHS["OPS"], "subtree"),
                                 sub="3", name="ops_director"))

PERSON_CARD = {"name": "员工绩效考核表", "unit_id": MKT, "subject_kind": "person", "routine_weight": 30,
               "items": [{"key": "work", "kind": "qualitative", "name": "工作业绩", "weight": 100, "max_score": 100}]}
ANALYST_SUBJECT = {"unit_id": MKT_RES, "person_id": 11, "person_name": "刘市场调研专员"}


async def assessed(kpi, card: int, period: str, kind: str, score: float, subject=ANALYST_SUBJECT,
                   finalize: bool = True) -> dict:
    a = await kpi.post("/api/kpi/assessments", headers=MKT_MANAGER,
                       json={"scorecard_id": card, "period": period, "kind": kind, **subject})
    assert a.status_code == 201, a.text
    url = f"/api/kpi/assessments/{a.json()['id']}"
    r = await kpi.put(url + "/scores", json={"qualitative": {"work": {"score": score}}}, headers=MKT_MANAGER)
    assert r.status_code == 200, r.text
    if not finalize:
        return r.json()
    r = await kpi.post(url + "/finalize", json={}, headers=MKT_MANAGER)
    assert r.status_code == 200, r.text
    return r.json()


async def person_card(kpi) -> int:
    r = await kpi.post("/api/kpi/scorecards", json=PERSON_CARD, headers=MKT_MANAGER)
    assert r.status_code == 201, r.text
    assert r.json()["routine_weight"] == 30
    return r.json()["id"]


async def register(kpi, headers=MKT_MANAGER, **params) -> dict:
    r = await kpi.get("/api/kpi/sanctions", params=params, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


async def test_an_annual_assessment_with_routine_results_proposes_a_bonus_confirmed_into_the_register_and_payroll(
        kpi):
    card = await person_card(kpi)
    await assessed(kpi, card, "2026-Q1", "routine", 80)
    await assessed(kpi, card, "2026-Q2", "routine", 60)
    annual = await assessed(kpi, card, "2026", "annual", 90)
    # own 90 × 70 % + routine average 70 × 30 % = 84 → B; the routine results shown one by one
    routine = annual["routine"]
    assert annual["total"] == pytest.approx(84.0) and annual["grade"] == "B"
    assert (routine["weight"], routine["average"], routine["own_total"]) == (30, pytest.approx(70.0), 90)
    assert [(r["period"], r["total"]) for r in routine["assessments"]] == [("2026-Q1", 80.0), ("2026-Q2", 60.0)]
    # the scorecard names no outcome for B: the company scale's B for a person, a 2000 元 bonus
    assert annual["outcomes"] == [{"kind": "reward", "type": "bonus", "amount": 2000.0, "note": "考核良好奖金"}]
    proposed = (await register(kpi, status="proposed"))["items"]
    [line] = [s for s in proposed if s["assessment_id"] == annual["id"]]
    assert (line["person_name"], line["unit_name"], line["type"], line["amount"], line["period"], line["can_decide"]) \
        == ("刘市场调研专员", "市场调研组", "bonus", 2000.0, "2026", True)
    assert [e.data["id"] for e in await outbox(kpi, "kpi.sanction.proposed")] == [s["id"] for s in proposed]
    inbox = await kpi.get("/api/kpi/sanctions/to-confirm", headers=MKT_MANAGER)
    assert line["id"] in [s["id"] for s in inbox.json()]

    url = f"/api/kpi/sanctions/{line['id']}"
    tag = (await kpi.get(url, headers=MKT_MANAGER)).headers["etag"]
    done = await kpi.post(url + "/confirm", json={}, headers={**MKT_MANAGER, "If-Match": tag})
    assert done.status_code == 200, done.text
    assert (done.json()["status"], done.json()["decided_by"], done.json()["proposed"]) == ("confirmed", "5", None)
    [confirmed] = await outbox(kpi, "kpi.sanction.confirmed")
    assert confirmed.data["id"] == line["id"] and confirmed.data["status"] == "confirmed"
    audit = await kpi.get("/api/kpi/audit", params={"action": "sanction.confirmed"}, headers=ADMIN)
    [entry] = audit.json()["items"]
    assert entry["actor"] == "5" and entry["grant"]["right"] == "assess"

    year = await register(kpi, period="2026", status="confirmed")
    assert [s["id"] for s in year["items"]] == [line["id"]]
    assert year["totals"] == {"count": 1, "rewards": 2000.0, "penalties": 0.0, "proposed": 0.0}
    # the person sees their own line
    mine = await register(kpi, headers=ANALYST, mine="true")
    assert [s["id"] for s in mine["items"]] == [line["id"]] and mine["items"][0]["can_decide"] is False

    export = await kpi.get("/api/kpi/sanctions/payroll.xlsx", params={"period": "2026"}, headers=MKT_MANAGER)
    assert export.status_code == 200, export.text
    ws = load_workbook(io.BytesIO(export.content)).active
    rows = [tuple(c.value for c in row) for row in ws.iter_rows()]
    assert rows[0] == ("姓名", "单位", "类型", "金额（元）", "期间", "依据")
    assert rows[1][:5] == ("刘市场调研专员", "市场调研组", "奖励·奖金", 2000, "2026")
    assert "2026 年度考核 B 级" in rows[1][5] and len(rows) == 2
    # a finer period holds no yearly line
    quarter = await kpi.get("/api/kpi/sanctions/payroll.xlsx", params={"period": "2026-Q1"}, headers=MKT_MANAGER)
    assert len(list(load_workbook(io.BytesIO(quarter.content)).active.iter_rows())) == 1


async def test_changing_a_proposal_needs_a_reason_and_keeps_what_was_proposed(kpi):
    card = await person_card(kpi)
    await assessed(kpi, card, "2026", "annual", 95)  # A: a 5000 元 bonus and a certificate
    lines = (await register(kpi, status="proposed"))["items"]
    assert sorted((s["type"], s["amount"]) for s in lines) == [("bonus", 5000.0), ("certificate", None)]
    bonus = next(s for s in lines if s["type"] == "bonus")
    url = f"/api/kpi/sanctions/{bonus['id']}"
    no_reason = await kpi.post(url + "/confirm", json={"amount": 3000}, headers=MKT_MANAGER)
    assert no_reason.status_code == 422 and no_reason.json()["errors"][0]["field"] == "reason"
    zh = await kpi.post(url + "/confirm", json={"amount": 3000}, headers={**MKT_MANAGER, "Accept-Language": "zh-CN"})
    assert "理由" in zh.json()["detail"]
    wrong = await kpi.post(url + "/confirm", json={"kind": "penalty", "reason": "x"}, headers=MKT_MANAGER)
    assert wrong.status_code == 422  # a penalty cannot be a bonus
    changed = await kpi.post(url + "/confirm", json={"amount": 3000, "reason": "部门预算调整"}, headers=MKT_MANAGER)
    assert changed.status_code == 200, changed.text
    assert (changed.json()["amount"], changed.json()["reason"], changed.json()["proposed"]) == (
        3000.0, "部门预算调整", {"kind": "reward", "type": "bonus", "amount": 5000.0})
    again = await kpi.post(url + "/confirm", json={}, headers=MKT_MANAGER)
    assert again.status_code == 409
    cert = next(s for s in lines if s["type"] == "certificate")
    no_reason = await kpi.post(f"/api/kpi/sanctions/{cert['id']}/dismiss", json={"reason": ""}, headers=MKT_MANAGER)
    assert no_reason.status_code == 422
    dismissed = await kpi.post(f"/api/kpi/sanctions/{cert['id']}/dismiss", json={"reason": "已在季度表彰"},
                               headers=MKT_MANAGER)
    assert (dismissed.json()["status"], dismissed.json()["reason"]) == ("dismissed", "已在季度表彰")
    assert len(await outbox(kpi, "kpi.sanction.dismissed")) == 1
    totals = (await register(kpi))["totals"]
    assert totals == {"count": 2, "rewards": 3000.0, "penalties": 0.0, "proposed": 0.0}


async def test_people_without_assess_over_the_unit_cannot_decide_read_others_or_export(kpi):
    card = await person_card(kpi)
    await assessed(kpi, card, "2026", "annual", 85)
    [line] = (await register(kpi, status="proposed"))["items"]
    url = f"/api/kpi/sanctions/{line['id']}"
    for who in (MKT_VIEWER, ANALYST, OPS_ASSESSOR, OPS_PLANNER):
        assert (await kpi.post(url + "/confirm", json={}, headers=who)).status_code == 403
        assert (await kpi.post(url + "/dismiss", json={"reason": "不同意"}, headers=who)).status_code == 403
    # a person reads their own line, not a colleague's; nobody without assess lists someone else's
    assert (await kpi.get(url, headers=ANALYST)).status_code == 200
    refused = await kpi.get(url, headers={**COLLEAGUE, "Accept-Language": "zh-CN"})
    assert refused.status_code == 403 and "考核权" in refused.json()["detail"]
    assert (await kpi.get("/api/kpi/sanctions", params={"person_id": 11}, headers=COLLEAGUE)).status_code == 403
    assert (await register(kpi, headers=COLLEAGUE))["items"] == []
    assert (await register(kpi, headers=OPS_ASSESSOR))["items"] == []
    assert (await kpi.get("/api/kpi/sanctions/payroll.xlsx", params={"period": "2026"},
                          headers=ANALYST)).status_code == 403
    assert (await kpi.get("/api/kpi/sanctions/payroll.xlsx", params={"period": "2026", "unit_id": MKT},
                          headers=OPS_ASSESSOR)).status_code == 403
    # unknown fields and a stale If-Match are refused
    unknown = await kpi.post(url + "/confirm", json={"approved": True}, headers=MKT_MANAGER)
    assert unknown.status_code == 422
    old_tag = f'"sanction-{line["id"]}-v9"'
    stale = await kpi.post(url + "/confirm", json={}, headers={**MKT_MANAGER, "If-Match": old_tag})
    assert stale.status_code == 412
    assert (await kpi.get(url, headers=MKT_MANAGER)).json()["status"] == "proposed"


async def test_the_company_scale_is_the_company_admins_and_changes_only_what_is_finalised_later(kpi):
    scale = await kpi.get("/api/kpi/sanctions/scale", headers=MKT_VIEWER)
    assert scale.status_code == 200 and scale.json()["version"] == 0 and scale.json()["lines"]
    body = {"lines": [{"grade": "B", "subject_kind": "person", "kind": "reward", "type": "bonus", "amount": 1500,
                       "note": "良好"}]}
    assert (await kpi.put("/api/kpi/sanctions/scale", json=body, headers=MKT_MANAGER)).status_code == 403
    bad = {"lines": [{"grade": "B", "kind": "reward", "type": "fine", "amount": 100}]}
    assert (await kpi.put("/api/kpi/sanctions/scale", json=bad, headers=ADMIN)).status_code == 422
    no_money = {"lines": [{"grade": "B", "kind": "reward", "type": "bonus"}]}
    assert (await kpi.put("/api/kpi/sanctions/scale", json=no_money, headers=ADMIN)).status_code == 422
    extra = {"lines": [{**body["lines"][0], "points": 3}]}
    assert (await kpi.put("/api/kpi/sanctions/scale", json=extra, headers=ADMIN)).status_code == 422
    stale = await kpi.put("/api/kpi/sanctions/scale", json=body,
                          headers={**ADMIN, "If-Match": '"sanction-scale-company-v3"'})
    assert stale.status_code == 412
    ok = await kpi.put("/api/kpi/sanctions/scale", json=body, headers={**ADMIN, "If-Match": scale.headers["etag"]})
    assert ok.status_code == 200, ok.text
    assert ok.json()["version"] == 1 and ok.json()["lines"][0]["amount"] == 1500
    audit = await kpi.get("/api/kpi/audit", params={"action": "sanction_scale.updated"}, headers=ADMIN)
    assert len(audit.json()["items"]) == 1
    card = await person_card(kpi)
    annual = await assessed(kpi, card, "2026", "annual", 85)
    assert annual["outcomes"] == [{"kind": "reward", "type": "bonus", "amount": 1500.0, "note": "良好"}]


async def test_changing_the_routine_weight_recomputes_drafts_and_leaves_finalised_annual_assessments_alone(kpi):
    card = await person_card(kpi)
    await assessed(kpi, card, "2026-03", "routine", 50)
    other = {"unit_id": MKT_RES, "person_id": 12, "person_name": "王策划专员"}
    await assessed(kpi, card, "2026-03", "routine", 50, subject=other)
    done = await assessed(kpi, card, "2026", "annual", 100)
    draft = await assessed(kpi, card, "2026", "annual", 100, subject=other, finalize=False)
    # 100 × 70 % + 50 × 30 %
    assert done["total"] == pytest.approx(85.0) and draft["total"] == pytest.approx(85.0)
    # routine results of another year or another person are not rolled in
    assert [r["period"] for r in done["routine"]["assessments"]] == ["2026-03"]
    url = f"/api/kpi/scorecards/{card}"
    tag = (await kpi.get(url, headers=MKT_MANAGER)).headers["etag"]
    assert (await kpi.patch(url, json={"routine_weight": 120}, headers={**MKT_MANAGER, "If-Match": tag})
            ).status_code == 422
    assert (await kpi.patch(url, json={"routine_weight": 50}, headers={**MKT_VIEWER, "If-Match": tag})
            ).status_code == 403
    r = await kpi.patch(url, json={"routine_weight": 50}, headers={**MKT_MANAGER, "If-Match": tag})
    assert r.status_code == 200 and r.json()["routine_weight"] == 50
    after = (await kpi.get(f"/api/kpi/assessments/{done['id']}", headers=MKT_MANAGER)).json()
    assert (after["total"], after["routine"]["weight"]) == (pytest.approx(85.0), 30)
    moved = (await kpi.get(f"/api/kpi/assessments/{draft['id']}", headers=MKT_MANAGER)).json()
    assert (moved["total"], moved["routine"]["weight"]) == (pytest.approx(75.0), 50)


async def test_an_annual_assessment_without_routine_results_or_weight_keeps_its_own_total(kpi):
    card = await person_card(kpi)
    alone = await assessed(kpi, card, "2026", "annual", 88)
    assert alone["total"] == pytest.approx(88.0) and alone["routine"]["assessments"] == []
    assert alone["routine"]["average"] is None
    unweighted = (await kpi.post("/api/kpi/scorecards", json={**PERSON_CARD, "name": "无权重", "routine_weight": 0},
                                 headers=MKT_MANAGER)).json()["id"]
    await assessed(kpi, unweighted, "2027-Q1", "routine", 10)
    a = await assessed(kpi, unweighted, "2027", "annual", 88)
    assert a["total"] == pytest.approx(88.0) and a["routine"] is None


async def test_an_innovation_reward_is_granted_by_an_assessor_with_a_reason(kpi):
    body = {"unit_id": MKT_RES, "person_id": 11, "person_name": "刘市场调研专员", "type": "bonus", "amount": 3000,
            "reason": "提出客户回访流程优化建议并落地", "proposal_id": 7, "period": "2026-11"}
    assert (await kpi.post("/api/kpi/sanctions/innovation", json=body, headers=ANALYST)).status_code == 403
    assert (await kpi.post("/api/kpi/sanctions/innovation", json=body, headers=OPS_ASSESSOR)).status_code == 403
    for junk in ({**body, "reason": ""}, {**body, "type": "fine"}, {**body, "amount": None},
                 {**body, "person_id": None, "person_name": ""}, {**body, "bonus": 1}):
        assert (await kpi.post("/api/kpi/sanctions/innovation", json=junk, headers=MKT_MANAGER)).status_code == 422
    r = await kpi.post("/api/kpi/sanctions/innovation", json=body, headers=MKT_MANAGER)
    assert r.status_code == 201, r.text
    line = r.json()
    assert (line["source"], line["status"], line["amount"], line["proposal_id"], line["period"]) == (
        "innovation", "confirmed", 3000.0, 7, "2026-11")
    assert line["basis"] == "创新奖励（合理化建议 #7）：提出客户回访流程优化建议并落地"
    [e] = await outbox(kpi, "kpi.sanction.confirmed")
    assert e.data["source"] == "innovation"
    audit = await kpi.get("/api/kpi/audit", params={"action": "sanction.confirmed"}, headers=ADMIN)
    assert audit.json()["items"][0]["note"] == "提出客户回访流程优化建议并落地"
    assert [s["id"] for s in (await register(kpi, headers=ANALYST, mine="true"))["items"]] == [line["id"]]


def rewarded(proposal_id: int, *, anonymous: bool, proposer: str | None, amount: float | None = 800.0) -> dict:
    data = {"proposal_id": proposal_id, "title": "燃气表抄表路线优化", "unit_id": MKT_RES,
            "unit_path": DEMO_PATHS["MKT-RES"], "category": "process", "anonymous": anonymous, "proposer": proposer,
            "status": "rewarded", "actor": "5", "waiting": None, "level": "l2", "level_name": "二等奖", "points": 20,
            "amount": amount}
    return event("planning.proposal.rewarded", data, subject=str(proposal_id))


async def test_proposal_rewards_from_planning_join_the_register_and_anonymous_ones_name_nobody(kpi):
    named = rewarded(21, anonymous=False, proposer="11")
    assert (await kpi.post("/api/kpi/events", json=named, headers=SERVICE)).json() == {"status": "applied"}
    assert (await kpi.post("/api/kpi/events", json=named, headers=SERVICE)).json() == {"status": "duplicate"}
    hidden = rewarded(22, anonymous=True, proposer=None, amount=None)
    assert (await kpi.post("/api/kpi/events", json=hidden, headers=SERVICE)).json() == {"status": "applied"}
    lines = {s["proposal_id"]: s for s in (await register(kpi, source="proposal"))["items"]}
    assert (lines[21]["person_id"], lines[21]["type"], lines[21]["amount"], lines[21]["status"]) == (
        11, "bonus", 800.0, "confirmed")
    assert lines[21]["basis"] == "合理化建议奖励：燃气表抄表路线优化（二等奖）"
    assert (lines[22]["person_id"], lines[22]["person_name"], lines[22]["type"]) == (None, "", "certificate")
    assert [s["proposal_id"] for s in (await register(kpi, headers=ANALYST, mine="true"))["items"]] == [21]
    export = await kpi.get("/api/kpi/sanctions/payroll.xlsx", params={"period": lines[21]["period"][:4]},
                           headers=MKT_MANAGER)
    rows = [tuple(c.value for c in row) for row in load_workbook(io.BytesIO(export.content)).active.iter_rows()]
    assert sorted(r[0] for r in rows[1:]) == ["用户 11", "（匿名）"]
    assert {r[2] for r in rows[1:]} == {"创新奖励·奖金", "创新奖励·证书"}
