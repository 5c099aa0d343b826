"""Process optimisation projects: the register (filters, Excel), the inbox part and the demo projects."""

import io
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import update

from services.common import clock
from services.planning.improvement.demo import seed_improvement_demo
from services.planning.improvement.service import flag_reviews_due
from services.planning.models import ImprovementProject
from tests.planning.test_improvement import BASE, call, document_and_advance, fetch, start
from tests.support import DEMO_IDS


async def waiting(company, user: str) -> list[tuple[str, str]]:
    r = await call(company, user, "GET", "/api/planning/inbox/improvement-steps")
    assert r.status_code == 200, r.text
    return [(x["title"], x["reason"]) for x in r.json()]


def titles(r) -> list[str]:
    assert r.status_code == 200, r.text
    return [x["title"] for x in r.json()["items"]]


async def test_the_register_filters_and_exports_what_the_caller_may_see(company):
    a = await start(company, title="报装流程优化", finding_id=3)
    await start(company, user="supply_head", unit="OPS-SUP", title="到货验收流程优化", owner_id=None, owner_name="")
    await document_and_advance(company, a["id"], "analyst", "research")
    assert titles(await call(company, "ops_director", "GET", BASE)) == ["报装流程优化", "到货验收流程优化"]
    assert titles(await call(company, "market_mgr", "GET", BASE)) == ["报装流程优化"]
    assert titles(await call(company, "ops_director", "GET", BASE, params={"stage": "diagnosis"})) == ["报装流程优化"]
    assert titles(await call(company, "ops_director", "GET", BASE, params={"origin": "manual"})) == ["到货验收流程优化"]
    assert titles(await call(company, "ops_director", "GET", BASE, params={"q": "验收"})) == ["到货验收流程优化"]
    assert titles(await call(company, "analyst", "GET", BASE, params={"mine": True})) == ["报装流程优化"]
    assert titles(await call(company, "ops_director", "GET", BASE, params={"unit_id": DEMO_IDS["OPS"]})) == [
        "到货验收流程优化"]
    assert (await call(company, "ops_director", "GET", BASE, params={"stage": "closed"})).status_code == 422

    r = await call(company, "market_mgr", "GET", f"{BASE}/export.xlsx")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:7] == ("编号", "项目名称", "单位", "负责人", "来源", "关联", "当前阶段")
    assert [row[1:7] for row in rows[1:]] == [("报装流程优化", "市场部", "刘市场调研专员", "检查/审计发现",
                                               "kpi:finding:3", "诊断")]


async def test_the_inbox_shows_my_stage_evaluations_i_may_pass_and_reviews_due(company):
    p = await start(company)
    pid = p["id"]
    assert await waiting(company, "analyst") == [("客户投诉处理流程优化", "stage")]
    assert await waiting(company, "gm") == []
    for stage in ("research", "diagnosis", "proposal"):
        await document_and_advance(company, pid, "analyst", stage)
    # in evaluation it waits on those who hold 考核权 over 市场部, not on its owner
    assert await waiting(company, "analyst") == []
    assert await waiting(company, "gm") == [("客户投诉处理流程优化", "evaluation")]
    assert await waiting(company, "market_mgr") == [("客户投诉处理流程优化", "evaluation")]
    assert await waiting(company, "ops_director") == []
    await document_and_advance(company, pid, "analyst", "evaluation", advancer="gm")
    await document_and_advance(company, pid, "analyst", "implementation")
    assert await waiting(company, "analyst") == []  # in review, and the date is months away
    async with company.planning.app.state.db.writer() as s:
        await s.execute(update(ImprovementProject).where(ImprovementProject.id == pid)
                        .values(next_review=clock.today()))
        await s.commit()
    for user in ("analyst", "market_mgr", "gm"):
        assert await waiting(company, user) == [("客户投诉处理流程优化", "review_due")], user
    assert await waiting(company, "branch_gm") == []
    _, tag = await fetch(company, "analyst", pid)
    await call(company, "analyst", "POST", f"{BASE}/{pid}/reviews", etag=tag,
               json={"outcome": "effective", "next_review": (clock.today() + timedelta(days=30)).isoformat()})
    assert await waiting(company, "analyst") == []


async def test_the_demo_company_has_a_project_half_way_and_one_in_periodic_review(company):
    runtime = company.planning.app.state.runtime
    assert await seed_improvement_demo(runtime) is True
    assert await seed_improvement_demo(runtime) is False  # never twice
    items = (await call(company, "ops_director", "GET", BASE)).json()["items"]
    assert [(x["title"], x["stage"], x["review_due"]) for x in items] == [
        ("工商户报装流程优化", "proposal", False), ("供应商到货验收流程优化", "review", True)]
    detail, _ = await fetch(company, "supply_head", items[1]["id"])
    assert len(detail["documents"]) == 5 and detail["reviews"][0]["outcome"] == "effective"
    assert await waiting(company, "supply_head") == [("供应商到货验收流程优化", "review_due")]
    assert await waiting(company, "analyst") == [("工商户报装流程优化", "stage")]
    async with company.planning.app.state.db.writer() as s:
        assert await flag_reviews_due(s) == 1
        await s.commit()
