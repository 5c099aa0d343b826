"""Supervision and improvement steps reach the people they wait on through org's notifications (issue 19):
inspections (the inspector position's holders), special audits (the audited units' heads, then their planners),
improvement proposals (the stage's holders, then the named proposer — never an anonymous one's) and process
optimisation reviews (the project's owner).

Events are built with their producers' own models (so they are what kpi and planning send) and posted to org's
/api/org/events as the producing service's relay would."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from services.kpi.events import AuditData, InspectionData
from services.org.models import Watch
from services.planning.events import (
    ImprovementReviewDueData,
    ProposalDecidedData,
    ProposalRewardedData,
    ProposalSubmittedData,
    WaitingStage,
)
from tests.org.conftest import auth
from tests.org.test_notifications import deliver, inbox, path_of, user_ids
from tests.support import DEMO_IDS

U = DEMO_IDS
EVERYONE = ("admin", "gm", "ops_director", "market_mgr", "branch_gm", "supply_head", "analyst")


async def titles(org, username: str) -> list[str]:
    return [n["title"] for n in (await inbox(org, username))["items"]]


async def told(org) -> dict[str, list[str]]:
    """Every demo user's notification titles (newest first), for who got what and who did not."""
    return {u: await titles(org, u) for u in EVERYONE}


async def watches(org, prefix: str) -> list[Watch]:
    async with org.app.state.db.reader() as s:
        return list((await s.execute(select(Watch).where(Watch.key.startswith(prefix)).order_by(Watch.key))).scalars())


async def position_of(org, title: str) -> dict[str, Any]:
    r = await org.get("/api/org/positions", headers=await auth(org, "admin"), params={"limit": 500})
    assert r.status_code == 200, r.text
    return next(p for p in r.json()["items"] if p["title"] == title)


# --- inspections ---------------------------------------------------------------------------------------------


def inspection(inspection_id: int, position_id: int, *, status: str = "scheduled", **over: Any) -> dict[str, Any]:
    data = InspectionData(
        id=inspection_id, template_name="加气站安全检查表", template_id=1, template_revision=1,
        unit_id=U["OPS-DIS"], unit_path=path_of("OPS-DIS"), inspector_position_id=position_id,
        inspector_title="供应科主管", due="2026-12-18", schedule_id=None, status=status, score=None, passed_items=0,
        failed_items=0, scored_items=0, period=None, submitted_at=None, submitted_by=None, cancel_reason=None,
        version=1)
    return data.model_dump(mode="json") | over


async def test_a_scheduled_inspection_tells_the_inspector_position_s_holders_and_is_watched_until_submitted(org):
    ids = await user_ids(org)
    position = await position_of(org, "供应科主管")
    await deliver(org, "kpi", "kpi.inspection.scheduled", inspection(31, position["id"]))
    seen = await told(org)
    assert seen.pop("supply_head") == ["待您检查：调度科·加气站安全检查表"]
    assert all(t == [] for t in seen.values()), seen  # not the inspected unit's heads, not the scheduler's line
    [n] = (await inbox(org, "supply_head"))["items"]
    assert n["body"] == "您任职的“供应科主管”岗位须于 2026-12-18 前完成对调度科的实地检查（加气站安全检查表）。"
    assert (n["kind"], n["link"], n["subject_type"], n["subject_id"]) == ("task", "/kpi/inspections/31",
                                                                          "inspection", "31")
    # watched to the due date, for the holder; late, the heads of the inspector's own unit hear of it
    [w] = await watches(org, "inspection:31:")
    assert (w.key, w.holder_user_id, w.holder_held_at) == (f"inspection:31:u{ids['supply_head']}",
                                                           ids["supply_head"], path_of("OPS-SUP"))
    assert w.closed_at is None and w.due_at is not None
    await deliver(org, "kpi", "kpi.inspection.submitted", inspection(31, position["id"], status="submitted"))
    [w] = await watches(org, "inspection:31:")
    assert w.closed_at is not None
    assert await titles(org, "supply_head") == ["待您检查：调度科·加气站安全检查表"]  # submitting tells nobody


async def test_a_cancelled_inspection_is_no_longer_watched(org):
    position = await position_of(org, "供应科主管")
    await deliver(org, "kpi", "kpi.inspection.scheduled", inspection(32, position["id"]))
    await deliver(org, "kpi", "kpi.inspection.cancelled",
                  inspection(32, position["id"], status="cancelled", cancel_reason="装置检修"))
    assert [w.closed_at is not None for w in await watches(org, "inspection:32:")] == [True]


async def test_an_inspection_for_a_vacant_position_tells_nobody_but_is_still_watched(org):
    admin = await auth(org, "admin")
    roles = (await org.get("/api/org/roles", headers=admin, params={"limit": 100})).json()["items"]
    specialist = next(r for r in roles if r["key"] == "specialist")
    r = await org.post("/api/org/positions", headers=admin, json={
        "unit_id": U["OPS-SAF"], "role_id": specialist["id"], "title": "安全检查员"})
    assert r.status_code == 201, r.text
    await deliver(org, "kpi", "kpi.inspection.scheduled", inspection(33, r.json()["id"], inspector_title="安全检查员"))
    assert all(t == [] for t in (await told(org)).values())
    [w] = await watches(org, "inspection:33:")
    # nobody holds it: past the due date the heads of the position's unit (and up) are told
    assert (w.key, w.holder_user_id, w.holder_held_at) == ("inspection:33:vacant", None, path_of("OPS-SAF"))


# --- special audits ------------------------------------------------------------------------------------------


def audit(audit_id: int, leader_id: int, *, status: str, **over: Any) -> dict[str, Any]:
    data = AuditData(
        id=audit_id, title="2026年度燃气采购专项审计", topic="采购合规", unit_id=U["MKT"], unit_path=path_of("MKT"),
        unit_ids=[U["MKT"], U["OPS-SUP"]], period_start="2026-01-01", period_end="2026-09-30", leader_id=leader_id,
        leader_name="李运营总监", member_ids=[], planned_start="2026-12-07", planned_end="2026-12-11", status=status,
        response_due="2026-12-25", responses=[], resolutions=[], version=2)
    return data.model_dump(mode="json") | over


async def test_an_audit_notice_reaches_the_heads_of_every_audited_unit(org):
    ids = await user_ids(org)
    await deliver(org, "kpi", "kpi.audit.noticed", audit(41, ids["ops_director"], status="noticed"))
    seen = await told(org)
    for head in ("market_mgr", "supply_head"):
        assert seen.pop(head) == ["审计通知：2026年度燃气采购专项审计"]
    assert all(t == [] for t in seen.values()), seen
    [n] = (await inbox(org, "market_mgr"))["items"]
    assert n["body"] == ("专项审计“2026年度燃气采购专项审计”（采购合规，审计期间 2026-01-01 至 2026-09-30）将于 "
                         "2026-12-07 至 2026-12-11 对市场部、供应科开展，审计组长李运营总监。请做好配合准备。")
    assert (n["kind"], n["link"]) == ("task", "/kpi/audits/41")
    assert await watches(org, "audit:41:") == []  # nothing waits on them yet


async def test_a_draft_report_asks_the_first_unit_s_planners_but_not_the_team_and_is_watched_until_they_respond(org):
    ids = await user_ids(org)
    # the leader (李运营总监) holds plan over the company, and the member (王总经理) too: auditors never answer
    event = audit(42, ids["ops_director"], status="draft_report", member_ids=[ids["gm"]])
    await deliver(org, "kpi", "kpi.audit.draft_issued", event)
    seen = await told(org)
    assert seen.pop("market_mgr") == ["待您反馈审计意见：2026年度燃气采购专项审计"]
    assert all(t == [] for t in seen.values()), seen  # 供应科 is audited too, but only the first unit responds
    [n] = (await inbox(org, "market_mgr"))["items"]
    assert "请市场部于 2026-12-25 前对每项审计发现逐项反馈意见" in n["body"]
    [w] = await watches(org, "audit:42:")
    assert (w.key, w.holder_right, w.holder_unit_path, w.holder_user_id, w.requester) == (
        "audit:42:response", "plan", path_of("MKT"), None, str(ids["ops_director"]))
    assert w.closed_at is None
    await deliver(org, "kpi", "kpi.audit.responded", event | {"status": "responded"})
    [w] = await watches(org, "audit:42:")
    assert w.closed_at is not None
    assert await titles(org, "market_mgr") == ["待您反馈审计意见：2026年度燃气采购专项审计"]  # responding tells nobody


async def test_the_final_report_reaches_the_same_planners_and_closes_an_unanswered_response_watch(org):
    ids = await user_ids(org)
    event = audit(43, ids["supply_head"], status="draft_report")
    await deliver(org, "kpi", "kpi.audit.draft_issued", event)
    # response_due passed without a response: the leader finalises, and the watch closes
    await deliver(org, "kpi", "kpi.audit.finalised", event | {"status": "final"})
    [w] = await watches(org, "audit:43:")
    assert w.closed_at is not None
    seen = await told(org)
    for planner in ("gm", "ops_director", "market_mgr"):
        assert seen.pop(planner) == ["审计报告终稿已出具：2026年度燃气采购专项审计",
                                     "待您反馈审计意见：2026年度燃气采购专项审计"], planner
    assert all(t == [] for t in seen.values()), seen  # the leader (赵供应科主管) is not told as the audited
    r = await org.get("/api/org/me/notifications", headers={**await auth(org, "market_mgr"), "Accept-Language": "en"})
    assert r.json()["items"][0]["title"] == "Final audit report out: 2026年度燃气采购专项审计"


# --- improvement proposals -----------------------------------------------------------------------------------


REVIEW = WaitingStage(index=0, key="unit_review", name="责任单位评审", right="plan", unit_path=path_of("MKT"),
                      held_at=None, signers="any", time_limit_days=None, pending_signers=[])
COMPANY = WaitingStage(index=1, key="company_review", name="公司评审", right="assess", unit_path=path_of("HDGAS"),
                       held_at=path_of("HDGAS"), signers="any", time_limit_days=None, pending_signers=[])


def proposal(proposal_id: int, proposer: int | None, *, status: str = "in_review",
             waiting: WaitingStage | None = REVIEW, actor: int | None = None) -> dict[str, Any]:
    return {"proposal_id": proposal_id, "title": "工商户走访预约改用线上预约表", "unit_id": U["MKT"],
            "unit_path": path_of("MKT"), "category": "客户服务", "anonymous": proposer is None,
            "proposer": str(proposer) if proposer else None, "status": status,
            "actor": str(actor) if actor else (str(proposer) if proposer else None), "waiting": waiting}


def submitted(proposal_id: int, proposer: int | None) -> dict[str, Any]:
    return ProposalSubmittedData(**proposal(proposal_id, proposer)).model_dump(mode="json")


def decided(proposal_id: int, proposer: int | None, decider: int, *, decision: str = "adopt", final: bool = True,
            reason: str = "") -> dict[str, Any]:
    status = "in_review" if not final else {"adopt": "adopted", "partly": "partly", "decline": "declined"}[decision]
    return ProposalDecidedData(
        **proposal(proposal_id, proposer, status=status, waiting=None if final else COMPANY, actor=decider),
        decision=decision, reason=reason, final=final, project_id=9 if final and decision != "decline" else None,
    ).model_dump(mode="json")


def rewarded(proposal_id: int, proposer: int | None, granter: int) -> dict[str, Any]:
    return ProposalRewardedData(**proposal(proposal_id, proposer, status="rewarded", waiting=None, actor=granter),
                                level="second", level_name="二等奖", points=50, amount=800.0).model_dump(mode="json")


async def test_a_submitted_proposal_tells_the_holders_of_its_stage_s_right_but_never_its_proposer(org):
    ids = await user_ids(org)
    # 张市场部经理 proposes to his own unit: he holds plan over it, but nobody reviews their own proposal
    await deliver(org, "planning", "planning.proposal.submitted", submitted(51, ids["market_mgr"]))
    seen = await told(org)
    for reviewer in ("gm", "ops_director"):
        assert seen.pop(reviewer) == ["待您评审合理化建议：工商户走访预约改用线上预约表"], reviewer
    assert all(t == [] for t in seen.values()), seen
    [n] = (await inbox(org, "gm"))["items"]
    assert n["body"] == "张市场部经理向市场部提出合理化建议“工商户走访预约改用线上预约表”，等待“责任单位评审”环节评审。"
    assert (n["kind"], n["link"], n["subject_type"]) == ("approval", "/proposals/51", "proposal")


async def test_a_proposal_moved_to_the_next_stage_tells_that_stage_s_holders_and_not_the_proposer(org):
    ids = await user_ids(org)
    await deliver(org, "planning", "planning.proposal.decided",
                  decided(52, ids["analyst"], ids["market_mgr"], final=False))
    seen = await told(org)
    # assess over the company, held in the company's own unit: the general manager only
    assert seen.pop("gm") == ["待您评审合理化建议：工商户走访预约改用线上预约表"]
    assert all(t == [] for t in seen.values()), seen
    [n] = (await inbox(org, "gm"))["items"]
    assert "已通过上一环节评审，等待“公司评审”环节评审" in n["body"]


async def test_the_decision_and_the_reward_reach_the_named_proposer_only(org):
    ids = await user_ids(org)
    await deliver(org, "planning", "planning.proposal.decided",
                  decided(53, ids["analyst"], ids["market_mgr"], decision="partly", reason="先在市场部试行"))
    await deliver(org, "planning", "planning.proposal.rewarded", rewarded(53, ids["analyst"], ids["gm"]))
    seen = await told(org)
    assert seen.pop("analyst") == ["合理化建议获奖：工商户走访预约改用线上预约表",
                                   "合理化建议评审结果：工商户走访预约改用线上预约表"]
    assert all(t == [] for t in seen.values()), seen
    reward, decision = (await inbox(org, "analyst"))["items"]
    assert decision["body"] == "您提出的合理化建议“工商户走访预约改用线上预约表”评审结果：部分采纳。先在市场部试行"
    assert reward["body"] == "您提出的合理化建议“工商户走访预约改用线上预约表”获评二等奖（50 分，奖金 800 元）。"
    r = await org.get("/api/org/me/notifications", headers={**await auth(org, "analyst"), "Accept-Language": "en"})
    assert [n["body"] for n in r.json()["items"]] == [
        "Your proposal “工商户走访预约改用线上预约表” was granted “二等奖” (50 points, 800 yuan).",
        "Your proposal “工商户走访预约改用线上预约表”: partly adopted. 先在市场部试行"]


async def test_an_anonymous_proposal_names_nobody_and_its_decision_and_reward_tell_nobody(org):
    ids = await user_ids(org)
    await deliver(org, "planning", "planning.proposal.submitted", submitted(54, None))
    [n] = (await inbox(org, "market_mgr"))["items"]
    assert n["body"].startswith("匿名员工向市场部提出合理化建议")
    before = await told(org)
    await deliver(org, "planning", "planning.proposal.decided", decided(54, None, ids["market_mgr"], decision="adopt"))
    await deliver(org, "planning", "planning.proposal.decided",
                  decided(55, None, ids["market_mgr"], decision="decline", reason="已有同类措施"))
    await deliver(org, "planning", "planning.proposal.rewarded", rewarded(54, None, ids["gm"]))
    assert await told(org) == before


# --- process optimisation ------------------------------------------------------------------------------------


async def test_a_project_s_review_due_tells_its_owner(org):
    ids = await user_ids(org)
    await deliver(org, "planning", "planning.improvement.review_due", ImprovementReviewDueData(
        project_id=61, unit_id=U["OPS-SUP"], unit_path=path_of("OPS-SUP"), title="供应商到货验收流程优化",
        owner_id=ids["supply_head"], owner_name="赵供应科主管", origin="proposal", links=["planning:proposal:2"],
        stage="review", cycle=1, next_review="2026-12-01", actor="system", due="2026-12-01").model_dump(mode="json"))
    seen = await told(org)
    assert seen.pop("supply_head") == ["流程优化项目待评审：供应商到货验收流程优化"]
    assert all(t == [] for t in seen.values()), seen
    [n] = (await inbox(org, "supply_head"))["items"]
    assert n["body"] == ("供应科的流程优化项目“供应商到货验收流程优化”定期评审日期 2026-12-01 已到，"
                         "请组织评审并记录结论。")
    assert (n["kind"], n["link"]) == ("task", "/improvement/projects/61")
