"""Supervision across the real services, by the demo company's people through the gateway: an on-site inspection
with a failed item raises a finding whose 整改 action reaches its owner (org), is flagged overdue and reminded,
completed and verified by the inspector, which closes the finding; a finding asking for a risk puts one in the
register (risk); a special audit goes from notice to final report; a proposal goes from submission through
adoption to a granted reward. Each step is refused for someone without the right, and each decision is in the
audit chain."""

from __future__ import annotations

from datetime import timedelta

from services.common import clock
from services.kpi.actions.service import flag_overdue
from tests.flows.conftest import notifications, sign_in
from tests.flows.test_chains import eventually
from tests.support import DEMO_IDS

SUP, MKT = DEMO_IDS["OPS-SUP"], DEMO_IDS["MKT"]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 128


def day(n: int) -> str:
    return (clock.today() + timedelta(days=n)).isoformat()


async def position_of(http, who: dict[str, str], title: str) -> int:
    me = (await http.get("/api/org/me", headers=who)).json()
    return next(p["position_id"] for p in me["positions"] if p["title"] == title)


async def audit_actions(http, service: str, admin: dict[str, str], subject_type: str, subject_id: int) -> list[str]:
    r = await http.get(f"/api/{service}/audit", headers=admin,
                       params={"subject_type": subject_type, "subject_id": str(subject_id), "limit": 200})
    assert r.status_code == 200, r.text
    return [e["action"] for e in r.json()["items"]]


async def synced(http, who, service: str = "kpi") -> None:
    """The service's copy of the org tree has the demo company (org's unit events have arrived)."""
    async def ready():
        r = await http.get(f"/api/{service}/org-units", headers=who)
        return r.status_code == 200 and len(r.json()["items"]) >= 13

    await eventually(ready, timeout=20)


async def test_an_inspection_finding_is_rectified_reminded_and_verified_and_its_risk_is_registered(product):
    http = product
    admin, gm, ops, supply, analyst = [await sign_in(http, u) for u in
                                       ("admin", "gm", "ops_director", "supply_head", "analyst")]
    await synced(http, gm)
    inspector = await position_of(http, ops, "运营总监")

    # the checklist: guide over its owning unit; the inspection: assess over the inspected unit
    checklist = {"name": "供应科安全检查表", "unit_kind": "section", "unit_id": DEMO_IDS["OPS"], "items": [
        {"key": "valve", "text": "阀门无泄漏", "criterion": "检漏仪读数为 0", "weight": 3,
         "severity": "major"},
        {"key": "extinguisher", "text": "灭火器在有效期内", "criterion": "压力表在绿区", "weight": 1}]}
    assert (await http.post("/api/kpi/inspection-templates", json=checklist, headers=supply)).status_code == 403
    t = await http.post("/api/kpi/inspection-templates", json=checklist, headers=gm)
    assert t.status_code == 201, t.text
    schedule = {"template_id": t.json()["id"], "unit_id": SUP, "inspector_position_id": inspector,
                "inspector_title": "运营总监", "due": day(5)}
    assert (await http.post("/api/kpi/inspections", json=schedule, headers=analyst)).status_code == 403
    i = await http.post("/api/kpi/inspections", json=schedule, headers=gm)
    assert i.status_code == 201, i.text
    url = f"/api/kpi/inspections/{i.json()['id']}"

    # only whoever holds the inspector position records results, with a photo as evidence
    rows = {"results": [{"key": "valve", "outcome": "fail", "note": "2 号阀门法兰处有气味"},
                        {"key": "extinguisher", "outcome": "pass"}]}
    assert (await http.post(url + "/results", json=rows, headers=gm)).status_code == 403
    assert (await http.post(url + "/results", json=rows, headers=ops)).status_code == 200
    photo = await http.post(url + "/items/valve/evidence", headers=ops,
                            files={"file": ("阀门.png", PNG, "image/png")})
    assert photo.status_code == 201, photo.text
    # a finding by hand that asks the register for a risk
    manual = await http.post(url + "/findings", headers=ops, json={
        "title": "应急预案未演练", "severity": "major", "due": day(30),
        "risk": {"category": "safety", "likelihood": 3, "impact": 4}})
    assert manual.status_code == 201, manual.text
    done = await http.post(url + "/submit", json={"finding_due": day(3)}, headers=ops)
    assert done.status_code == 200, done.text
    failed = next(f for f in done.json()["findings"] if f["source_ref"] == "valve")
    assert (failed["severity"], failed["status"], failed["owner_name"]) == ("major", "open", "赵供应科主管")

    # the owner (the section's head, by position) hears of the 整改 action in org
    async def told(title: str) -> bool:
        return any(n["title"] == title for n in await notifications(http, supply))

    await eventually(lambda: told(f"新的整改措施：{failed['title']}"), timeout=20)
    # the risk register has the finding's risk, assessed as the inspector judged it
    async def registered() -> list[dict]:
        r = await http.get("/api/risk/risks", params={"unit_id": SUP}, headers=gm)
        return [x for x in r.json()["items"] if x["title"] == "应急预案未演练"]

    await eventually(registered, timeout=20)
    [risk] = await registered()
    assert risk["category"] == "safety" and risk["current"]["score"] == 12

    # past its deadline the scan flags it once; org reminds the owner
    async with http.apps["kpi"].state.db.writer() as session:
        assert await flag_overdue(session, today=clock.today() + timedelta(days=4)) == 1
        await session.commit()
    await eventually(lambda: told(f"整改措施已逾期：{failed['title']}"), timeout=20)

    # the owner completes it (someone with no plan there may not); the general manager did not raise it and may
    # not verify it; the inspector does
    action = f"/api/kpi/actions/{failed['action_id']}"
    assert (await http.post(action + "/complete", headers=analyst,
                            json={"evidence": [{"note": "x"}]})).status_code == 403
    completed = await http.post(action + "/complete", headers=supply,
                                json={"evidence": [{"note": "已更换 2 号阀门密封垫，复测无泄漏"}]})
    assert completed.status_code == 200, completed.text
    assert (await http.post(action + "/verify", json={"accepted": True}, headers=gm)).status_code == 403
    verified = await http.post(action + "/verify", json={"accepted": True, "note": "现场复查合格"}, headers=ops)
    assert verified.status_code == 200, verified.text
    finding = (await http.get(f"/api/kpi/findings/{failed['id']}", headers=supply)).json()
    assert (finding["status"], finding["action_status"]) == ("closed", "verified")

    # every decision is in kpi's audit chain
    assert await audit_actions(http, "kpi", admin, "inspection", i.json()["id"]) == [
        "inspection.scheduled", "inspection.results_recorded", "inspection.evidence_added", "inspection.submitted"]
    assert await audit_actions(http, "kpi", admin, "finding", failed["id"]) == ["finding.raised", "finding.closed"]
    assert await audit_actions(http, "kpi", admin, "action", failed["action_id"]) == [
        "action.created", "action.completed", "action.verified"]
    assert (await http.get("/api/kpi/audit/verify", headers=admin)).json()["ok"] is True


async def test_a_special_audit_goes_from_notice_to_final_report_by_the_demo_people(product):
    http = product
    admin, gm, ops, mgr, analyst = [await sign_in(http, u) for u in
                                    ("admin", "gm", "ops_director", "market_mgr", "analyst")]
    await synced(http, gm)
    body = {"title": "2026 年市场推广费用专项审计", "topic": "推广费用的审批与报销", "unit_ids": [MKT],
            "period_start": "2026-01-01", "period_end": "2026-09-30",
            "leader": {"user_id": (await http.get("/api/org/me", headers=ops)).json()["user"]["id"],
                       "name": "李运营总监"},
            "members": [], "planned_start": day(1), "planned_end": day(20)}
    assert (await http.post("/api/kpi/audits", json=body, headers=analyst)).status_code == 403
    a = await http.post("/api/kpi/audits", json=body, headers=gm)
    assert a.status_code == 201, a.text
    url = f"/api/kpi/audits/{a.json()['id']}"
    assert (await http.post(url + "/notice", json={"notice_text": "下周进场", "response_due": day(10)},
                            headers=analyst)).status_code == 403
    assert (await http.post(url + "/notice", json={"notice_text": "下周进场", "response_due": day(10)},
                            headers=gm)).status_code == 200
    assert (await http.post(url + "/fieldwork", headers=analyst)).status_code == 403
    assert (await http.post(url + "/fieldwork", headers=ops)).status_code == 200
    f = await http.post(url + "/findings", headers=ops, json={
        "title": "3 笔推广费无部门经理签字", "severity": "major", "due": day(20)})
    assert f.status_code == 201, f.text
    assert (await http.post(url + "/draft-report", json={"report": "征求意见稿"}, headers=ops)).status_code == 200
    answer = {"responses": [{"finding_id": f.json()["id"], "verdict": "accept"}], "note": "已安排补签"}
    assert (await http.post(url + "/response", json=answer, headers=analyst)).status_code == 403
    assert (await http.post(url + "/response", json=answer, headers=mgr)).status_code == 200
    final = await http.post(url + "/final", json={"report": "终稿：维持发现问题 1 项", "resolutions": []}, headers=ops)
    assert final.status_code == 200, final.text
    assert final.json()["status"] == "final"
    assert await audit_actions(http, "kpi", admin, "audit", a.json()["id"]) == [
        "audit.created", "audit.noticed", "audit.fieldwork_started", "audit.draft_issued", "audit.responded",
        "audit.finalised"]


async def test_a_proposal_goes_from_submission_through_adoption_to_a_granted_reward(product):
    http = product
    admin, mgr, analyst, supply = [await sign_in(http, u) for u in ("admin", "market_mgr", "analyst", "supply_head")]
    await synced(http, mgr, "planning")
    p = await http.post("/api/planning/proposals", headers=analyst, json={
        "title": "客户回访改为线上问卷", "problem": "电话回访耗时长，覆盖率不足三成。",
        "suggestion": "改用小程序问卷，结果自动汇总。", "expected_benefit": "每月节省约 40 工时。", "unit_id": MKT})
    assert p.status_code == 201, p.text
    url = f"/api/planning/proposals/{p.json()['id']}"
    assert (await http.post(url + "/decision", json={"decision": "adopt"}, headers=supply)).status_code in (403, 404)
    adopted = await http.post(url + "/decision", json={"decision": "adopt", "reason": "效益明显"}, headers=mgr)
    assert adopted.status_code == 200, adopted.text
    project = await http.get(f"/api/planning/improvement/projects/{adopted.json()['project_id']}", headers=mgr)
    assert project.status_code == 200 and project.json()["stage"] == "research"
    assert (await http.post(url + "/benefit", json={"benefit": "覆盖率升至 85%", "benefit_amount": 36000},
                            headers=mgr)).status_code == 200
    assert (await http.post(url + "/reward", json={"level": "second"}, headers=analyst)).status_code == 403
    rewarded = await http.post(url + "/reward", json={"level": "second", "note": "季度优秀建议"}, headers=mgr)
    assert rewarded.status_code == 200, rewarded.text
    mine = (await http.get("/api/planning/proposals", params={"mine": "true"}, headers=analyst)).json()["items"]
    assert [(m["status"], m["reward_name"], m["reward_amount"]) for m in mine] == [("rewarded", "二等奖", 800.0)]
    assert await audit_actions(http, "planning", admin, "proposal", p.json()["id"]) == [
        "proposal.submitted", "proposal.decided", "proposal.benefit_recorded", "proposal.rewarded"]
