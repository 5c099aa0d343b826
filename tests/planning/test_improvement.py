"""Process optimisation projects (流程优化项目): the whole life from start to a periodic review."""

from datetime import timedelta

from sqlalchemy import select

from services.common import clock
from services.common.authz import Principal
from services.planning.improvement.service import start_project
from services.planning.models import AuditEntry, OrgUnit, OutboxEvent
from tests.support import DEMO_IDS

BASE = "/api/planning/improvement/projects"


async def call(company, user: str, method: str, url: str, *, etag: str | None = None, **kw):
    headers = await company.as_(user)
    if etag is not None:
        headers = {**headers, "If-Match": etag}
    return await company.planning.request(method, url, headers=headers, **kw)


async def start(company, user="market_mgr", unit="MKT", **extra) -> dict:
    body = {"unit_id": DEMO_IDS[unit], "title": "客户投诉处理流程优化", "owner_id": await company.user_id("analyst"),
            "owner_name": "刘市场调研专员", **extra}
    r = await call(company, user, "POST", BASE, json=body)
    assert r.status_code == 201, r.text
    return r.json()


async def fetch(company, user: str, pid: int):
    r = await call(company, user, "GET", f"{BASE}/{pid}")
    assert r.status_code == 200, r.text
    return r.json(), r.headers["ETag"]


async def document_and_advance(company, pid: int, user: str, stage: str, advancer: str | None = None, **advance):
    _, tag = await fetch(company, user, pid)
    r = await call(company, user, "PUT", f"{BASE}/{pid}/documents/{stage}", etag=tag,
                   json={"summary": f"{stage} 摘要", "body": f"{stage} 正文"})
    assert r.status_code == 200, r.text
    r = await call(company, advancer or user, "POST", f"{BASE}/{pid}/advance", etag=r.headers["ETag"],
                   json={"comment": "", **advance})
    assert r.status_code == 200, r.text
    return r.json()


async def test_a_project_lives_from_start_through_five_stages_to_a_periodic_review(company):
    p = await start(company, finding_id=41, finding_title="投诉回访不及时")
    assert (p["stage"], p["origin"], p["cycle"]) == ("research", "finding", 1)
    assert p["links"][0] == {"ref": "kpi:finding:41", "kind": "finding", "title": "投诉回访不及时", "target_id": 41}
    pid = p["id"]
    for stage in ("research", "diagnosis", "proposal"):
        p = await document_and_advance(company, pid, "analyst", stage)  # the owner
    assert p["stage"] == "evaluation"
    p = await document_and_advance(company, pid, "analyst", "evaluation", advancer="gm")  # assess over 市场部
    assert p["stage"] == "implementation"
    _, tag = await fetch(company, "analyst", pid)
    due = (clock.today() + timedelta(days=10)).isoformat()
    r = await call(company, "analyst", "POST", f"{BASE}/{pid}/milestones", etag=tag, json={"title": "新流程试运行",
                                                                                          "due": due})
    assert r.status_code == 201, r.text
    [m] = r.json()["milestones"]
    r = await call(company, "analyst", "PATCH", f"{BASE}/{pid}/milestones/{m['id']}", etag=r.headers["ETag"],
                   json={"done": True})
    assert r.status_code == 200 and r.json()["milestones"][0]["done"] is True, r.text
    first = (clock.today() + timedelta(days=30)).isoformat()
    p = await document_and_advance(company, pid, "analyst", "implementation", next_review=first)
    assert (p["stage"], p["next_review"], p["review_due"]) == ("review", first, False)
    assert [d["stage"] for d in p["documents"]] == ["research", "diagnosis", "proposal", "evaluation",
                                                    "implementation"]

    _, tag = await fetch(company, "market_mgr", pid)
    nxt = (clock.today() + timedelta(days=90)).isoformat()
    r = await call(company, "market_mgr", "POST", f"{BASE}/{pid}/reviews", etag=tag,
                   json={"outcome": "effective", "note": "投诉回访及时率提升", "next_review": nxt})
    assert r.status_code == 201, r.text
    p = r.json()
    assert p["next_review"] == nxt and p["reviews"][0]["outcome"] == "effective" and p["reviews"][0]["due"] == first
    assert [s["action"] for s in p["steps"]][-2:] == ["advance", "review:effective"]

    async with company.planning.app.state.db.writer() as s:
        types = [e.type for e in (await s.execute(select(OutboxEvent).where(OutboxEvent.subject == str(pid))
                                                  .order_by(OutboxEvent.seq))).scalars()
                 if e.type.startswith("planning.improvement.")]
        audits = (await s.execute(select(AuditEntry).where(AuditEntry.subject_type == "improvement_project")
                                  .order_by(AuditEntry.id))).scalars().all()
    assert types == ["planning.improvement.started"] + ["planning.improvement.stage_advanced"] * 5 + [
        "planning.improvement.reviewed"]
    passed = next(a for a in audits if a.action == "improvement.stage_advanced" and a.before == {"stage": "evaluation"})
    assert passed.grant and passed.grant["right"] == "assess"


async def test_start_project_is_called_by_the_proposals_flow_with_its_link(company):
    async with company.planning.app.state.db.writer() as s:
        unit = await s.get(OrgUnit, DEMO_IDS["MKT"])
        read = await start_project(s, principal=Principal(sub="3", name="张市场部经理"), grant=None, unit=unit,
                                   title="合理化建议：线上报装", owner_id=3, owner_name="张市场部经理",
                                   origin_links=[{"ref": "planning:proposal:7", "title": "线上报装建议"}],
                                   description="来自合理化建议")
        await s.commit()
    assert (read.origin, read.stage, read.links[0].target_id, read.unit_name) == ("proposal", "research", 7, "市场部")
