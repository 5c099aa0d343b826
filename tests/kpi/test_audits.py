"""Special audits (专项审计): 立项 → 审计通知 → 现场审计 → 征求意见稿 → 被审计单位意见 → 终稿, each step
taken only by who may take it, in the right stage, and a refused step changes nothing."""

from datetime import timedelta
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import select, update

from services.common import clock
from services.kpi.models import Audit, AuditEntry
from tests.kpi.conftest import MKT_MANAGER, MKT_VIEWER, NOBODY, OPS_PLANNER, outbox
from tests.support import DEMO_IDS, DEMO_PATHS, bearer, make_token

RES, PLN, OPS_CS = DEMO_IDS["MKT-RES"], DEMO_IDS["MKT-PLN"], DEMO_IDS["OPS-CS"]
# the audit team: users 21 (leader) and 22 (member), with no rights over the audited units
LEADER = bearer(make_token(sub="21", name="审计组长"))
MEMBER = bearer(make_token(sub="22", name="审计员"))
# the head of the first audited unit: plan over 市场调研组
RES_HEAD = bearer(make_token(("plan", DEMO_PATHS["MKT-RES"], "subtree"), ("view", DEMO_PATHS["MKT-RES"], "subtree"),
                             sub="30", name="调研科长"))
# assess over the marketing department only
OPS_ASSESSOR = bearer(make_token(("assess", DEMO_PATHS["OPS"], "subtree"), sub="31", name="ops_assessor"))


def today(days: int = 0) -> str:
    return (clock.today() + timedelta(days=days)).isoformat()


def audit_body(**kw):
    return {"title": "2026 年市场费用专项审计", "topic": "市场推广费用的审批与报销",
            "unit_ids": [RES, PLN], "period_start": "2026-01-01", "period_end": "2026-09-30",
            "leader": {"user_id": 21, "name": "王审"}, "members": [{"user_id": 22, "name": "李计"}],
            "planned_start": today(1), "planned_end": today(30), **kw}


def finding_body(**kw):
    return {"title": "推广费报销缺少审批", "description": "3 笔推广费无部门经理签字", "severity": "major",
            "owner_id": 30, "owner_name": "调研科长", "due": today(20), **kw}


async def tag(kpi, audit_id: int) -> str:
    r = await kpi.get(f"/api/kpi/audits/{audit_id}", headers=MKT_MANAGER)
    assert r.status_code == 200, r.text
    return r.headers["etag"]


async def state(kpi, audit_id: int) -> dict:
    return (await kpi.get(f"/api/kpi/audits/{audit_id}", headers=MKT_MANAGER)).json()


async def created(kpi) -> dict:
    r = await kpi.post("/api/kpi/audits", json=audit_body(), headers=MKT_MANAGER)
    assert r.status_code == 201, r.text
    return r.json()


async def at_fieldwork(kpi) -> dict:
    a = await created(kpi)
    url = f"/api/kpi/audits/{a['id']}"
    r = await kpi.post(url + "/notice", json={"notice_text": "定于下周进场审计", "response_due": today(10)},
                       headers=MKT_MANAGER)
    assert r.status_code == 200, r.text
    r = await kpi.post(url + "/fieldwork", headers=MEMBER)
    assert r.status_code == 200, r.text
    return r.json()


async def at_draft_report(kpi, findings: int = 2) -> tuple[dict, list[dict]]:
    a = await at_fieldwork(kpi)
    url = f"/api/kpi/audits/{a['id']}"
    recorded = []
    for i in range(findings):
        r = await kpi.post(url + "/findings", json=finding_body(title=f"发现 {i + 1}"), headers=MEMBER)
        assert r.status_code == 201, r.text
        recorded.append(r.json())
    r = await kpi.post(url + "/draft-report", json={"report": "征求意见稿：共发现问题若干"}, headers=LEADER)
    assert r.status_code == 200, r.text
    return r.json(), recorded


async def test_an_audit_goes_from_notice_to_final_report_with_a_withdrawn_finding(kpi):
    a = await created(kpi)
    assert (a["status"], a["next_step"], [u["unit_id"] for u in a["units"]]) == ("draft", "notice", [RES, PLN])
    url = f"/api/kpi/audits/{a['id']}"

    noticed = await kpi.post(url + "/notice", json={"notice_text": "审计通知：请准备 2026 年推广费凭证",
                                                    "response_due": today(10)},
                             headers={**MKT_MANAGER, "If-Match": await tag(kpi, a["id"])})
    assert noticed.status_code == 200, noticed.text
    assert (noticed.json()["status"], noticed.json()["noticed_by"]) == ("noticed", "5")

    assert (await kpi.post(url + "/fieldwork", headers=MEMBER)).json()["status"] == "fieldwork"
    f1 = await kpi.post(url + "/findings", json=finding_body(severity="critical"), headers=MEMBER)
    assert f1.status_code == 201, f1.text
    f2 = await kpi.post(url + "/findings", json=finding_body(title="预算超支未报批", unit_id=PLN, severity="minor"),
                        headers=LEADER)
    assert f2.status_code == 201, f2.text
    first, second = f1.json(), f2.json()
    assert (first["source"], first["source_id"], first["severity"]) == ("audit", a["id"], "critical")
    assert second["unit_id"] == PLN

    draft = await kpi.post(url + "/draft-report", json={"report": "征求意见稿"}, headers=LEADER)
    assert draft.status_code == 200 and draft.json()["status"] == "draft_report"

    response = {"responses": [{"finding_id": first["id"], "verdict": "accept"},
                              {"finding_id": second["id"], "verdict": "dispute", "reason": "该预算已于 8 月补批"}],
                "note": "已组织整改"}
    answered = await kpi.post(url + "/response", json=response, headers=RES_HEAD)
    assert answered.status_code == 200, answered.text
    assert (answered.json()["status"], answered.json()["responded_by"]) == ("responded", "30")

    final = await kpi.post(url + "/final", headers=LEADER, json={
        "report": "终稿：维持发现 1，撤销发现 2",
        "resolutions": [{"finding_id": second["id"], "decision": "withdraw", "reasoning": "补批材料属实"}]})
    assert final.status_code == 200, final.text
    assert (final.json()["status"], final.json()["next_step"]) == ("final", None)

    detail = await state(kpi, a["id"])
    by_id = {f["id"]: f for f in detail["findings"]}
    assert by_id[first["id"]]["status"] == "open"
    assert by_id[second["id"]]["status"] == "withdrawn"
    action = (await kpi.get(f"/api/kpi/actions/{second['action_id']}", headers=MKT_MANAGER)).json()
    assert action["status"] not in ("open", "done")  # its 整改 is closed with the finding, never left open

    types = [e.type for t in ("noticed", "fieldwork_started", "draft_issued", "responded", "finalised")
             for e in await outbox(kpi, f"kpi.audit.{t}")]
    assert types == ["kpi.audit.noticed", "kpi.audit.fieldwork_started", "kpi.audit.draft_issued",
                     "kpi.audit.responded", "kpi.audit.finalised"]
    async with kpi.app.state.db.reader() as s:
        entries = {e.action: e for e in (await s.execute(
            select(AuditEntry).where(AuditEntry.subject_type == "audit"))).scalars()}
    assert entries["audit.noticed"].grant["right"] == "assess"
    assert entries["audit.responded"].grant["right"] == "plan"
    assert entries["audit.finalised"].after["status"] == "final"


async def test_creating_and_notifying_need_assess_over_every_audited_unit(kpi):
    for who in (OPS_PLANNER, MKT_VIEWER, LEADER, NOBODY):
        assert (await kpi.post("/api/kpi/audits", json=audit_body(), headers=who)).status_code == 403
    wider = await kpi.post("/api/kpi/audits", json=audit_body(unit_ids=[RES, OPS_CS]), headers=MKT_MANAGER)
    assert wider.status_code == 403 and "考核权" in (await kpi.post(
        "/api/kpi/audits", json=audit_body(unit_ids=[RES, OPS_CS]), headers={**MKT_MANAGER,
                                                                            "Accept-Language": "zh-CN"})).json()[
        "detail"]
    assert (await kpi.post("/api/kpi/audits", json=audit_body(unit_ids=[RES, OPS_CS]),
                           headers=OPS_ASSESSOR)).status_code == 403
    listed = await kpi.get("/api/kpi/audits", headers=MKT_MANAGER)
    assert listed.json()["items"] == []  # the refusals left nothing behind

    a = await created(kpi)
    url = f"/api/kpi/audits/{a['id']}"
    notice = {"notice_text": "审计通知", "response_due": today(10)}
    for who in (LEADER, MEMBER, RES_HEAD, OPS_ASSESSOR):
        assert (await kpi.post(url + "/notice", json=notice, headers=who)).status_code == 403
        assert (await kpi.patch(url, json={"title": "改名"}, headers=who)).status_code == 403
    assert (await state(kpi, a["id"]))["status"] == "draft"
    assert (await kpi.post(url + "/notice", json=notice, headers=MKT_MANAGER)).status_code == 200
    assert (await kpi.patch(url, json={"title": "改名"}, headers=MKT_MANAGER)).status_code == 409  # no longer a draft
    assert (await kpi.post(url + "/notice", json=notice, headers=MKT_MANAGER)).status_code == 409
    assert (await state(kpi, a["id"]))["title"] == audit_body()["title"]


async def test_unknown_fields_and_bad_values_are_refused_in_chinese(kpi):
    zh = {**MKT_MANAGER, "Accept-Language": "zh-CN"}
    r = await kpi.post("/api/kpi/audits", json=audit_body(budget=100), headers=zh)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "budget"
    r = await kpi.post("/api/kpi/audits", json=audit_body(period_end="2025-01-01"), headers=zh)
    assert r.status_code == 422 and "审计期间" in r.json()["detail"]
    r = await kpi.post("/api/kpi/audits", json=audit_body(members=[{"user_id": 21, "name": "王审"}]), headers=zh)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "members"
    r = await kpi.post("/api/kpi/audits", json=audit_body(unit_ids=[RES, 999]), headers=zh)
    assert r.status_code == 422 and "999" in r.json()["detail"]
    a = await created(kpi)
    url = f"/api/kpi/audits/{a['id']}"
    r = await kpi.post(url + "/notice", json={"notice_text": "x", "response_due": today(5), "cc": "all"}, headers=zh)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "cc"
    r = await kpi.post(url + "/notice", json={"notice_text": "x", "response_due": today(-1)}, headers=zh)
    assert r.status_code == 422 and "反馈截止日期" in r.json()["detail"]
    assert (await state(kpi, a["id"]))["status"] == "draft"


async def test_a_stale_if_match_is_refused_and_changes_nothing(kpi):
    a = await created(kpi)
    url = f"/api/kpi/audits/{a['id']}"
    old = await tag(kpi, a["id"])
    edited = await kpi.patch(url, json={"topic": "推广费与差旅费"}, headers={**MKT_MANAGER, "If-Match": old})
    assert edited.status_code == 200 and edited.json()["topic"] == "推广费与差旅费"
    stale = await kpi.post(url + "/notice", json={"notice_text": "审计通知", "response_due": today(10)},
                           headers={**MKT_MANAGER, "If-Match": old})
    assert stale.status_code == 412
    assert (await state(kpi, a["id"]))["status"] == "draft"
    assert (await kpi.patch(url, json={"title": "新标题"}, headers={**MKT_MANAGER, "If-Match": old})).status_code == 412

    fresh = await kpi.post(url + "/notice", json={"notice_text": "审计通知", "response_due": today(10)},
                           headers={**MKT_MANAGER, "If-Match": await tag(kpi, a["id"])})
    assert fresh.status_code == 200
    assert (await kpi.post(url + "/fieldwork", headers={**MEMBER, "If-Match": old})).status_code == 412
    assert (await state(kpi, a["id"]))["status"] == "noticed"


async def test_fieldwork_findings_and_papers_are_the_teams_alone(kpi):
    a = await created(kpi)
    url = f"/api/kpi/audits/{a['id']}"
    assert (await kpi.post(url + "/findings", json=finding_body(), headers=MEMBER)).status_code == 409
    assert (await kpi.post(url + "/fieldwork", headers=MEMBER)).status_code == 409  # no notice yet
    await kpi.post(url + "/notice", json={"notice_text": "审计通知", "response_due": today(10)}, headers=MKT_MANAGER)
    for who in (MKT_MANAGER, RES_HEAD, NOBODY):
        assert (await kpi.post(url + "/fieldwork", headers=who)).status_code == 403
    assert (await kpi.post(url + "/fieldwork", headers=LEADER)).status_code == 200
    for who in (MKT_MANAGER, RES_HEAD):
        assert (await kpi.post(url + "/findings", json=finding_body(), headers=who)).status_code == 403
    outside = await kpi.post(url + "/findings", json=finding_body(unit_id=OPS_CS), headers=MEMBER)
    assert outside.status_code == 422 and outside.json()["errors"][0]["field"] == "unit_id"
    late = await kpi.post(url + "/findings", json=finding_body(due=today(-1)), headers=MEMBER)
    assert late.status_code == 422
    odd = await kpi.post(url + "/findings", json=finding_body(severity="huge"), headers=MEMBER)
    assert odd.status_code == 422
    assert (await state(kpi, a["id"]))["findings"] == []

    paper = ("底稿.txt", BytesIO("抽查凭证 20 笔".encode()), "text/plain")
    assert (await kpi.post(url + "/files", files={"file": paper}, headers=RES_HEAD)).status_code == 403
    paper = ("底稿.txt", BytesIO("抽查凭证 20 笔".encode()), "text/plain")
    up = await kpi.post(url + "/files", files={"file": paper}, headers=MEMBER)
    assert up.status_code == 201, up.text
    [listed] = (await state(kpi, a["id"]))["files"]
    assert listed["name"] == "底稿.txt" and listed["url"] == f"{url}/files/{listed['id']}"
    # the other team member fetches it though neither uploaded it nor holds view over the unit
    got = await kpi.get(listed["url"], headers=LEADER)
    assert got.status_code == 200 and got.content == "抽查凭证 20 笔".encode()
    assert (await kpi.get(listed["url"], headers=OPS_PLANNER)).status_code == 403
    assert (await kpi.get(f"{url}/files/{listed['id'] + 100}", headers=LEADER)).status_code == 404


async def test_only_the_leader_issues_the_draft_report_and_only_during_fieldwork(kpi):
    a = await at_fieldwork(kpi)
    url = f"/api/kpi/audits/{a['id']}"
    for who in (MEMBER, MKT_MANAGER, RES_HEAD):
        assert (await kpi.post(url + "/draft-report", json={"report": "稿"}, headers=who)).status_code == 403
    assert (await kpi.post(url + "/draft-report", json={"report": ""}, headers=LEADER)).status_code == 422
    assert (await kpi.post(url + "/draft-report", json={"report": "稿"}, headers=LEADER)).status_code == 200
    assert (await kpi.post(url + "/draft-report", json={"report": "稿"}, headers=LEADER)).status_code == 409
    assert (await kpi.post(url + "/findings", json=finding_body(), headers=MEMBER)).status_code == 409


async def test_the_response_is_the_audited_units_and_answers_every_finding(kpi):
    a, (f1, f2) = await at_draft_report(kpi)
    url = f"/api/kpi/audits/{a['id']}"
    both = [{"finding_id": f1["id"], "verdict": "accept"}, {"finding_id": f2["id"], "verdict": "accept"}]
    for who in (LEADER, MEMBER, MKT_VIEWER, OPS_PLANNER):
        assert (await kpi.post(url + "/response", json={"responses": both}, headers=who)).status_code == 403
    zh = {**RES_HEAD, "Accept-Language": "zh-CN"}
    missing = await kpi.post(url + "/response", json={"responses": both[:1]}, headers=zh)
    assert missing.status_code == 422 and "缺少" in missing.json()["detail"]
    unreasoned = [both[0], {"finding_id": f2["id"], "verdict": "dispute"}]
    r = await kpi.post(url + "/response", json={"responses": unreasoned}, headers=zh)
    assert r.status_code == 422 and "理由" in r.json()["detail"]
    stranger = [*both, {"finding_id": 9999, "verdict": "accept"}]
    assert (await kpi.post(url + "/response", json={"responses": stranger}, headers=zh)).status_code == 422
    odd = [{**both[0], "verdict": "maybe"}, both[1]]
    assert (await kpi.post(url + "/response", json={"responses": odd}, headers=zh)).status_code == 422
    assert (await state(kpi, a["id"]))["status"] == "draft_report"
    # plan over the unit is not enough for a member of the audit team: the auditors never answer for the audited
    auditor = bearer(make_token(("plan", DEMO_PATHS["MKT"], "subtree"), sub="22", name="审计员"))
    assert (await kpi.post(url + "/response", json={"responses": both}, headers=auditor)).status_code == 403
    assert (await state(kpi, a["id"]))["status"] == "draft_report"
    assert (await kpi.post(url + "/response", json={"responses": both}, headers=RES_HEAD)).status_code == 200
    assert (await kpi.post(url + "/response", json={"responses": both}, headers=RES_HEAD)).status_code == 409


async def test_the_final_report_waits_for_the_response_or_its_deadline(kpi):
    a, _ = await at_draft_report(kpi, findings=1)
    url = f"/api/kpi/audits/{a['id']}"
    final = {"report": "终稿"}
    early = await kpi.post(url + "/final", json=final, headers={**LEADER, "Accept-Language": "zh-CN"})
    assert early.status_code == 409 and "反馈截止日期" in early.json()["detail"]
    async with kpi.app.state.db.writer() as s:
        await s.execute(update(Audit).where(Audit.id == a["id"]).values(
            response_due=clock.today() - timedelta(days=1)))
        await s.commit()
    assert (await state(kpi, a["id"]))["response_overdue"] is True
    assert (await kpi.post(url + "/final", json=final, headers=MEMBER)).status_code == 403
    late = await kpi.post(url + "/final", json=final, headers=LEADER)
    assert late.status_code == 200 and late.json()["status"] == "final"
    assert (await state(kpi, a["id"]))["findings"][0]["status"] == "open"  # undisputed: its 整改 goes on
    assert (await kpi.post(url + "/final", json=final, headers=LEADER)).status_code == 409


async def test_disputed_findings_are_each_kept_or_withdrawn_with_reasoning(kpi):
    a, (f1, f2) = await at_draft_report(kpi)
    url = f"/api/kpi/audits/{a['id']}"
    await kpi.post(url + "/response", headers=RES_HEAD, json={"responses": [
        {"finding_id": f1["id"], "verdict": "dispute", "reason": "已整改"},
        {"finding_id": f2["id"], "verdict": "accept"}]})
    bad = [
        {"report": "终稿"},  # the disputed one unresolved
        {"report": "终稿", "resolutions": [{"finding_id": f2["id"], "decision": "withdraw", "reasoning": "x"},
                                           {"finding_id": f1["id"], "decision": "keep", "reasoning": "x"}]},
        {"report": "终稿", "resolutions": [{"finding_id": f1["id"], "decision": "keep"}]},
    ]
    for body in bad:
        assert (await kpi.post(url + "/final", json=body, headers=LEADER)).status_code == 422
    assert (await state(kpi, a["id"]))["status"] == "responded"
    kept = await kpi.post(url + "/final", headers=LEADER, json={"report": "终稿", "resolutions": [
        {"finding_id": f1["id"], "decision": "keep", "reasoning": "整改证据不足，维持原结论"}]})
    assert kept.status_code == 200
    assert kept.json()["resolutions"][0]["decision"] == "keep"
    assert {f["status"] for f in (await state(kpi, a["id"]))["findings"]} == {"open"}


async def test_visibility_inbox_and_the_register_export(kpi):
    a, _ = await at_draft_report(kpi, findings=1)
    other = await created(kpi)
    for who in (OPS_PLANNER, NOBODY):
        assert (await kpi.get(f"/api/kpi/audits/{a['id']}", headers=who)).status_code == 403
    assert (await kpi.get(f"/api/kpi/audits/{a['id']}", headers=LEADER)).status_code == 200
    assert [x["id"] for x in (await kpi.get("/api/kpi/audits", headers=MEMBER)).json()["items"]] == \
        [a["id"], other["id"]]
    assert (await kpi.get("/api/kpi/audits", headers=OPS_PLANNER)).json()["items"] == []
    drafts = await kpi.get("/api/kpi/audits", params={"status": "draft"}, headers=MKT_MANAGER)
    assert [x["id"] for x in drafts.json()["items"]] == [other["id"]]

    waiting = await kpi.get("/api/kpi/audits/awaiting-me", headers=RES_HEAD)
    assert [(x["id"], x["next_step"]) for x in waiting.json()] == [(a["id"], "response")]
    assert [x["id"] for x in (await kpi.get("/api/kpi/audits/awaiting-me", headers=MKT_MANAGER)).json()] == \
        [a["id"], other["id"]]  # MKT_MANAGER also holds plan over 市场调研组, and may notify the draft
    assert (await kpi.get("/api/kpi/audits/awaiting-me", headers=MEMBER)).json() == []

    sheet = await kpi.get("/api/kpi/audits/export.xlsx", headers=MKT_MANAGER)
    assert sheet.status_code == 200
    ws = load_workbook(BytesIO(sheet.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:4] == ("编号", "审计名称", "审计事项", "被审计单位")
    assert [r[0] for r in rows[1:]] == [a["id"], other["id"]]
    assert rows[1][3] == "市场调研组、市场策划组" and rows[1][9] == "征求意见"
    empty = await kpi.get("/api/kpi/audits/export.xlsx", headers=OPS_PLANNER)
    assert len(list(load_workbook(BytesIO(empty.content)).active.iter_rows())) == 1
