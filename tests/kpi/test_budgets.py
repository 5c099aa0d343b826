"""Budgets against actuals: plans' budget lines become budgets, finance systems report spend, and the budget
execution rate follows through the normal ingest to a warning when spend passes the budget."""

import asyncio
import io

import openpyxl
import pytest
from sqlalchemy import func, select

from services.kpi.models import AuditEntry, Budget, BudgetActual
from tests.kpi.conftest import (
    ADMIN,
    MKT,
    MKT_MANAGER,
    MKT_PLN,
    MKT_RES,
    MKT_VIEWER,
    NOBODY,
    OPS,
    OPS_PLANNER,
    SERVICE,
    evaluation,
    event,
    outbox,
)
from tests.support import DEMO_PATHS, bearer, make_token

FINANCE_CLIENT = bearer(make_token(("plan", "/1/", "subtree"), sub="client:erp", client_id="erp", name="ERP"))


def plan_event(version: int, lines: list[dict], kind: str = "issued", *, plan_id: int = 21, unit_id: int = MKT,
               period: str = "2026") -> dict:
    data = {"plan_id": plan_id, "version": version, "unit_id": unit_id, "unit_path": DEMO_PATHS["MKT"],
            "period": period, "kind": "annual", "title": "市场部2026年度运营计划", "targets": [],
            "resources": [{"id": 100 + n, "kind": "budget", "description": f"预算{n}", "quantity": None, "unit": "",
                           "amount_unit": "元", "budget_item": None, **line} for n, line in enumerate(lines)]
                         + [{"id": 99, "kind": "people", "description": "调研专员", "quantity": 3, "unit": "人",
                             "amount": None, "amount_unit": "元", "budget_item": None}]}
    return event(f"planning.plan.{kind}", data, subject=str(plan_id))


async def deliver(kpi, e: dict) -> dict:
    r = await kpi.post("/api/kpi/events", json=e, headers=SERVICE)
    assert r.status_code == 200, r.text
    return r.json()


def spend(unit_id: int, period: str, item: str, amount: float, source: str = "erp", **extra) -> dict:
    return {"unit_id": unit_id, "period": period, "item_code": item, "amount": amount, "source": source, **extra}


async def actuals(kpi, items: list, headers=MKT_MANAGER) -> dict:
    r = await kpi.post("/api/kpi/budgets/actuals/batch", json=items, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


async def execution(kpi, unit_id: int, period: str, headers=MKT_VIEWER) -> dict:
    r = await kpi.get("/api/kpi/budgets/execution", params={"unit_id": unit_id, "period": period}, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


async def stored_actuals(kpi) -> int:
    async with kpi.app.state.db.reader() as s:
        return (await s.execute(select(func.count()).select_from(BudgetActual))).scalar_one()


# --- the chart of budget items ----------------------------------------------------------------

async def test_the_default_chart_is_seeded_and_only_the_company_admin_changes_it(kpi):
    r = await kpi.get("/api/kpi/budgets/items", headers=MKT_VIEWER)
    assert [(i["code"], i["name"]) for i in r.json()][:3] == [("labor", "人工成本"), ("materials", "材料费"),
                                                              ("maintenance", "维修费")]
    assert {i["code"] for i in r.json()} >= {"safety", "marketing", "travel", "office", "training", "other"}
    body = {"code": "research", "name": "调研费", "parent_code": "marketing"}
    refused = await kpi.post("/api/kpi/budgets/items", json=body, headers={**MKT_MANAGER, "Accept-Language": "zh-CN"})
    assert refused.status_code == 403 and "管理员" in refused.json()["detail"]
    created = await kpi.post("/api/kpi/budgets/items", json=body, headers=ADMIN)
    assert created.status_code == 201, created.text
    assert (await kpi.post("/api/kpi/budgets/items", json=body, headers=ADMIN)).status_code == 409
    looped = await kpi.patch("/api/kpi/budgets/items/marketing", json={"parent_code": "research"}, headers=ADMIN)
    assert looped.status_code == 422
    assert (await kpi.patch("/api/kpi/budgets/items/other", json={"active": False}, headers=ADMIN)).status_code == 422
    retired = await kpi.patch("/api/kpi/budgets/items/research", json={"active": False}, headers=ADMIN)
    assert retired.json()["active"] is False
    assert (await kpi.post("/api/kpi/budgets/items", json={**body, "code": "x1", "colour": "red"},
                           headers=ADMIN)).status_code == 422
    async with kpi.app.state.db.reader() as s:
        audited = (await s.execute(select(AuditEntry).where(AuditEntry.action.like("budget_item.%")))).scalars().all()
    assert [a.action for a in audited] == ["budget_item.created", "budget_item.updated"]
    assert all(a.grant for a in audited)


# --- budgets from plans -------------------------------------------------------------------------

async def test_an_issued_plans_budget_lines_become_budgets_in_yuan_once(kpi):
    e = plan_event(1, [{"amount": 120, "amount_unit": "万元", "budget_item": "marketing"},
                       {"amount": 60000, "budget_item": None},
                       {"amount": 5000, "budget_item": "no_such_item"}])
    assert (await deliver(kpi, e)) == {"status": "applied"}
    assert (await deliver(kpi, e)) == {"status": "duplicate"}
    r = await kpi.get("/api/kpi/budgets", params={"unit_id": MKT, "period": "2026"}, headers=MKT_VIEWER)
    got = sorted((b["item_code"], b["amount"], b["entered_amount"], b["entered_unit"]) for b in r.json())
    assert got == [("marketing", 1_200_000.0, 120.0, "万元"), ("other", 5000.0, 5000.0, "元"),
                   ("other", 60000.0, 60000.0, "元")]
    assert len(await outbox(kpi, "kpi.budget.changed")) == 1
    assert (await kpi.get("/api/kpi/budgets", params={"unit_id": MKT}, headers=NOBODY)).status_code == 403
    year = await execution(kpi, MKT, "2026")
    assert year["total"]["budget"] == pytest.approx(1_265_000)
    # a year's budget is spread over its months, and the months add up to it
    assert sum(m["budget"] for m in year["months"]) == pytest.approx(1_265_000)
    assert (await execution(kpi, MKT, "2026-Q2"))["total"]["budget"] == pytest.approx(1_265_000 / 4)


async def test_a_revision_replaces_the_plans_budgets_keeps_history_and_stale_versions_change_nothing(kpi):
    await deliver(kpi, plan_event(1, [{"amount": 1_200_000, "budget_item": "marketing"}]))
    await deliver(kpi, plan_event(3, [{"amount": 900_000, "budget_item": "marketing"},
                                      {"amount": 100_000, "budget_item": "travel"}], "revised"))
    await deliver(kpi, plan_event(2, [{"amount": 5, "budget_item": "office"}], "revised"))  # arrives late
    await deliver(kpi, plan_event(3, [{"amount": 900_000, "budget_item": "marketing"},
                                      {"amount": 100_000, "budget_item": "travel"}], "revised"))  # re-sent as new
    now = await kpi.get("/api/kpi/budgets", params={"unit_id": MKT}, headers=MKT_VIEWER)
    assert sorted((b["item_code"], b["amount"], b["plan_version"]) for b in now.json()) == [
        ("marketing", 900_000.0, 3), ("travel", 100_000.0, 3)]
    history = await kpi.get("/api/kpi/budgets", params={"unit_id": MKT, "history": True}, headers=MKT_VIEWER)
    replaced = [b for b in history.json() if b["replaced_at"]]
    assert [(b["amount"], b["plan_version"], b["replaced_by_version"]) for b in replaced] == [(1_200_000.0, 1, 3)]
    changed = await outbox(kpi, "kpi.budget.changed")
    assert [(c.data["previous_total"], c.data["total"]) for c in changed] == [(0.0, 1_200_000.0),
                                                                             (1_200_000.0, 1_000_000.0)]
    assert (await execution(kpi, MKT, "2026"))["total"]["budget"] == pytest.approx(1_000_000)
    async with kpi.app.state.db.reader() as s:
        audited = (await s.execute(select(AuditEntry).where(AuditEntry.action == "budget.from_plan"))).scalars().all()
    assert [(a.actor, a.after["total"]) for a in audited] == [("planning:planning.plan.issued", 1_200_000.0),
                                                              ("planning:planning.plan.revised", 1_000_000.0)]


# --- actual spend: refusals -----------------------------------------------------------------------

async def test_refused_spend_is_named_per_item_and_the_rest_is_stored(kpi):
    r = await actuals(kpi, [spend(MKT_RES, "2026-03", "marketing", 1000),
                            spend(OPS, "2026-03", "marketing", 1000),           # no plan right over 运营管理部
                            spend(MKT_RES, "2026-03", "no_such_item", 1000),
                            spend(MKT_RES, "2026-Q1", "marketing", 1000),       # not a month
                            spend(MKT_RES, "2026-13", "marketing", 1000),
                            spend(MKT_RES, "2026-03", "marketing", -5, "bank"),  # nor above 1e12 元 (sums stay finite)
                            spend(999, "2026-03", "marketing", 1),
                            spend(MKT_RES, "2026-03", "marketing", 2000)])      # repeats item 0's key
    assert (r["created"], r["rejected"]) == (1, 7)
    fields = [[e["field"] for e in item.get("errors", [])] for item in r["results"]]
    assert fields == [[], ["unit_id"], ["item_code"], ["period"], ["period"], ["amount"], ["unit_id"], ["item_code"]]
    assert "item 0" in r["results"][7]["errors"][0]["message"]
    listed = await kpi.get("/api/kpi/budgets/actuals", params={"unit_id": MKT}, headers=MKT_VIEWER)
    assert [(a["amount"], a["source"]) for a in listed.json()] == [(1000.0, "erp")]


@pytest.mark.parametrize("body", [
    [{"unit_id": MKT_RES, "period": "2026-03", "item_code": "marketing", "amount": 1, "colour": "red"}],  # unknown
    [{"unit_id": MKT_RES, "period": "2026-03", "item_code": "marketing"}],                               # no amount
    [{"unit_id": "eight", "period": "2026-03", "item_code": "marketing", "amount": 1}],
    {"unit_id": MKT_RES, "period": "2026-03", "item_code": "marketing", "amount": 1},                    # not a list
])
async def test_a_malformed_batch_is_refused_whole_and_stores_nothing(kpi, body):
    good = spend(MKT_RES, "2026-03", "marketing", 1)
    sent = [good, *body] if isinstance(body, list) else body
    r = await kpi.post("/api/kpi/budgets/actuals/batch", json=sent, headers=MKT_MANAGER)
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    assert await stored_actuals(kpi) == 0


async def test_spend_needs_the_plan_right_and_an_api_client_may_hold_it(kpi):
    item = [spend(MKT_RES, "2026-03", "marketing", 1)]
    for who in (NOBODY, MKT_VIEWER):
        assert (await kpi.post("/api/kpi/budgets/actuals/batch", json=item, headers=who)).status_code == 403
    assert (await actuals(kpi, item, headers=OPS_PLANNER))["rejected"] == 1
    assert (await actuals(kpi, item, headers=FINANCE_CLIENT))["created"] == 1
    again = await actuals(kpi, [{**item[0], "amount": 1}], headers=FINANCE_CLIENT)
    assert again["unchanged"] == 1 and await stored_actuals(kpi) == 1
    async with kpi.app.state.db.reader() as s:
        audited = (await s.execute(select(AuditEntry).where(AuditEntry.action == "budget.actuals.batch"))
                   ).scalars().all()
    # one entry for the one write, by the finance system, with the grant that allowed it over the unit
    assert [(a.actor, a.unit_path, a.after) for a in audited] == [("client:erp", DEMO_PATHS["MKT-RES"], {"created": 1})]
    assert audited[0].grant and audited[0].grant["right"] == "plan"


# --- the sequence: plan → budget → actuals → execution rate → warning ------------------------------

async def test_spend_passing_the_plans_budget_crosses_the_execution_rate_to_warning(kpi):
    await deliver(kpi, plan_event(1, [{"amount": 144, "amount_unit": "万元", "budget_item": "marketing"},
                                      {"amount": 12, "amount_unit": "万元", "budget_item": "travel"}]))
    # 130,000 元 a month is the budget; the sections spend under it in January
    first = await actuals(kpi, [spend(MKT_RES, "2026-01", "marketing", 70_000),
                                spend(MKT_PLN, "2026-01", "travel", 8_000)])
    assert first["overruns"] == 0
    jan = (await evaluation(kpi, MKT, "2026-01", headers=MKT_VIEWER))["budget_execution_rate"]
    assert jan["actual"] == pytest.approx(78_000 / 130_000 * 100)
    assert await outbox(kpi) == []
    # in February the research section's campaign passes the department's budget
    feb = await actuals(kpi, [spend(MKT_RES, "2026-02", "marketing", 150_000, ref="PZ-0201")])
    assert feb["overruns"] == 1
    rate = (await evaluation(kpi, MKT, "2026-02", headers=MKT_VIEWER))["budget_execution_rate"]
    assert rate["actual"] == pytest.approx(150_000 / 130_000 * 100) and rate["status"] == "amber"
    crossed = [c.data for c in await outbox(kpi) if c.data["indicator_code"] == "budget_execution_rate"]
    assert [(c["unit_id"], c["period"], c["level"], c["direction"]) for c in crossed] == [
        (MKT, "2026-02", "warning", "worse")]
    overrun = (await outbox(kpi, "kpi.budget.overrun"))[0].data
    assert (overrun["unit_id"], overrun["period"], overrun["level"]) == (MKT, "2026-02", "warning")
    page = await execution(kpi, MKT, "2026-02")
    marketing = next(i for i in page["items"] if i["item_code"] == "marketing")
    assert (marketing["budget"], marketing["actual"], marketing["over_budget"]) == (120_000.0, 150_000.0, True)
    assert page["total"]["over_budget"] and page["budget_holders"] == [{"unit_id": MKT, "unit_name": "市场部"}]
    # a correction brings February back under: the level returns to normal, once
    await actuals(kpi, [spend(MKT_RES, "2026-02", "marketing", 100_000, ref="PZ-0201")])
    levels = [c.data["level"] for c in await outbox(kpi) if c.data["indicator_code"] == "budget_execution_rate"]
    assert levels == ["warning", "normal"]
    # the quarter is Σ actual ÷ Σ budget of its months, and the months add up
    q1 = await execution(kpi, MKT, "2026-Q1")
    assert q1["total"]["actual"] == pytest.approx(178_000) and q1["total"]["budget"] == pytest.approx(390_000)
    assert sum(m["actual"] for m in q1["months"]) == pytest.approx(178_000)


async def test_a_budget_cut_by_revision_raises_the_warning_for_spend_already_reported(kpi):
    await deliver(kpi, plan_event(1, [{"amount": 1_200_000, "budget_item": "marketing"}]))
    await actuals(kpi, [spend(MKT_RES, "2026-03", "marketing", 90_000)])
    assert await outbox(kpi, "kpi.budget.overrun") == []
    await deliver(kpi, plan_event(2, [{"amount": 600_000, "budget_item": "marketing"}], "revised"))
    overruns = await outbox(kpi, "kpi.budget.overrun")
    assert [(o.data["unit_id"], o.data["period"]) for o in overruns] == [(MKT, "2026-03")]


async def test_late_spend_raises_its_own_months_warning(kpi):
    await deliver(kpi, plan_event(1, [{"amount": 1_200_000, "budget_item": "marketing"}]))
    await actuals(kpi, [spend(MKT_RES, "2026-05", "marketing", 90_000)])
    late = await actuals(kpi, [spend(MKT_PLN, "2026-04", "marketing", 110_000, "bank")])
    assert late["overruns"] == 1
    crossed = [(c.data["period"], c.data["level"]) for c in await outbox(kpi)
               if c.data["indicator_code"] == "budget_execution_rate"]
    assert crossed == [("2026-04", "warning")]
    assert (await evaluation(kpi, MKT, "2026-05", headers=MKT_VIEWER))["budget_execution_rate"]["status"] == "green"


async def test_concurrent_batches_never_count_spend_twice(kpi):
    await deliver(kpi, plan_event(1, [{"amount": 1_200_000, "budget_item": "marketing"}]))
    batches = [[spend(unit, f"2026-{m:02d}", "marketing", 1000.0 * m, source) for m in range(1, 13)
                for unit in (MKT_RES, MKT_PLN)] for source in ("erp", "erp", "bank", "erp")]
    responses = await asyncio.gather(*[kpi.post("/api/kpi/budgets/actuals/batch", json=b, headers=MKT_MANAGER)
                                       for b in batches])
    assert all(r.status_code in (200, 409) for r in responses), [r.text for r in responses]
    stored = {(a.unit_id, a.period, a.source): a.amount for a in await _all_actuals(kpi)}
    # every stored spend counts once in the execution and in the KPI
    total = sum(stored.values())
    assert (await execution(kpi, MKT, "2026"))["total"]["actual"] == pytest.approx(total)
    assert (await evaluation(kpi, MKT, "2026", headers=MKT_VIEWER))["budget_actual"]["actual"] == pytest.approx(total)
    # whatever was refused for the race is stored when sent again
    for b in batches:
        await actuals(kpi, b)
    assert (await execution(kpi, MKT, "2026"))["total"]["actual"] == pytest.approx(2 * 2 * 1000 * 78)


async def _all_actuals(kpi) -> list:
    async with kpi.app.state.db.reader() as s:
        return list((await s.execute(select(BudgetActual))).scalars())


# --- budget vs actual over the tree ------------------------------------------------------------------

async def test_a_department_plan_covers_its_sections_and_the_company_sums_its_departments(kpi):
    await deliver(kpi, plan_event(1, [{"amount": 1_200_000, "budget_item": "marketing"}]))
    await deliver(kpi, plan_event(1, [{"amount": 240_000, "budget_item": "marketing"}], plan_id=22, unit_id=MKT_RES))
    await deliver(kpi, plan_event(1, [{"amount": 600_000, "budget_item": "maintenance"}], plan_id=23, unit_id=OPS))
    # 市场部's own plan is its budget: the section's is part of it, never added to it
    assert (await execution(kpi, MKT, "2026"))["total"]["budget"] == pytest.approx(1_200_000)
    assert (await execution(kpi, MKT_RES, "2026"))["total"]["budget"] == pytest.approx(240_000)
    company = await execution(kpi, 1, "2026", headers=ADMIN)
    assert company["total"]["budget"] == pytest.approx(1_800_000)
    assert {h["unit_id"] for h in company["budget_holders"]} == {MKT, OPS}
    assert (await evaluation(kpi, 1, "2026", headers=ADMIN))["budget_amount"]["actual"] == pytest.approx(1_800_000)
    assert (await evaluation(kpi, MKT, "2026", headers=MKT_VIEWER))["budget_amount"]["actual"] == \
        pytest.approx(1_200_000)
    assert (await kpi.get("/api/kpi/budgets/execution", params={"unit_id": OPS, "period": "2026"},
                          headers=MKT_VIEWER)).status_code == 403
    for bad in ("2026-W10", "2026-13", "soon"):
        r = await kpi.get("/api/kpi/budgets/execution", params={"unit_id": MKT, "period": bad}, headers=MKT_VIEWER)
        assert r.status_code == 422, bad


async def test_the_execution_table_exports_in_yuan(kpi):
    await deliver(kpi, plan_event(1, [{"amount": 1_200_000, "budget_item": "marketing"}]))
    await actuals(kpi, [spend(MKT_RES, "2026-03", "marketing", 150_000), spend(MKT_RES, "2026-03", "office", 2_000)])
    r = await kpi.get("/api/kpi/budgets/execution/export", params={"unit_id": MKT, "period": "2026-Q1"},
                      headers=MKT_VIEWER)
    assert r.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(r.content))["预算执行表"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:5] == ("预算科目", "科目编码", "预算（元）", "实际（元）", "执行率（%）")
    assert rows[1][:4] == ("营销费", "marketing", 300_000, 150_000)
    assert rows[2][:4] == ("办公费", "office", 0, 2_000) and rows[2][6] == "是"
    assert rows[3][0] == "合计"


# --- the XLSX import ---------------------------------------------------------------------------------

def workbook(rows: list[list]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "实际支出"
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def upload(kpi, content: bytes, preview: bool = False, headers=MKT_MANAGER):
    return await kpi.post("/api/kpi/budgets/actuals/import", params={"preview": preview}, headers=headers,
                          files={"file": ("spend.xlsx", content, XLSX)})


async def test_an_import_with_a_bad_cell_is_refused_whole_naming_row_and_column(kpi):
    content = workbook([["unit_code", "period", "item_code", "amount", "source", "ref"],
                        ["MKT-RES", "2026-03", "营销费", 1200, "erp", "PZ-1"],
                        ["MKT-RES", "2026-Q1", "marketing", 100, "erp", None],
                        ["NOPE", "2026-03", "marketing", 100, "erp", None],
                        ["OPS", "2026-03", "marketing", "lots", "erp", None],
                        ["MKT-PLN", "2026-03", "gifts", 100, "erp", None]])
    preview = await upload(kpi, content, preview=True)
    assert preview.status_code == 200, preview.text
    assert [(e["row"], e["column"]) for e in preview.json()["errors"]] == [
        (3, "period"), (4, "unit_code"), (5, "amount"), (6, "item_code")]
    refused = await upload(kpi, content)
    assert refused.status_code == 422 and "row 3" in refused.json()["detail"]
    assert await stored_actuals(kpi) == 0
    good = workbook([["单位编码", "期间", "预算科目", "金额（元）", "来源", "凭证号"],
                     ["MKT-RES", "2026-03", "营销费", 1200, "erp", "PZ-1"],
                     ["MKT-PLN", "2026-03", "travel", "3,500.5", None, None]])
    done = await upload(kpi, good)
    assert done.status_code == 200, done.text
    assert (done.json()["status"], done.json()["created"]) == ("imported", 2)
    assert (await upload(kpi, good, headers=OPS_PLANNER)).status_code == 422


async def test_the_import_template_lists_the_chart(kpi):
    r = await kpi.get("/api/kpi/budgets/actuals/template", headers=MKT_VIEWER)
    assert r.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    assert [c.value for c in wb["实际支出"][1]] == ["unit_code", "period", "item_code", "amount", "source", "ref"]
    assert ("labor", "人工成本", "是") in list(wb["预算科目"].iter_rows(values_only=True))
    # the template's own example rows import
    ok = await upload(kpi, r.content, preview=True, headers=ADMIN)
    assert ok.json()["errors"] == [] and ok.json()["rows"] == 2


async def test_budgets_are_kept_per_unit_and_period_in_the_database(kpi):
    await deliver(kpi, plan_event(1, [{"amount": 10, "amount_unit": "万元"}], period="2026-Q4", plan_id=30))
    async with kpi.app.state.db.reader() as s:
        rows = (await s.execute(select(Budget))).scalars().all()
    assert [(b.unit_id, b.period, b.item_code, b.amount) for b in rows] == [(MKT, "2026-Q4", "other", 100_000.0)]
    assert (await execution(kpi, MKT, "2026-11"))["total"]["budget"] == pytest.approx(100_000 / 3)


async def test_spend_follows_a_team_moved_to_another_department(kpi):
    from tests.kpi.conftest import ORG_SERVICE

    await actuals(kpi, [spend(MKT_PLN, "2026-01", "marketing", 500), spend(MKT_RES, "2026-01", "marketing", 300)])
    moved = event("org.unit.moved", {"id": MKT_PLN, "parent_id": OPS, "name": "市场策划组", "code": "MKT-PLN",
                                     "kind": "team", "path": "/1/2/9/", "version": 2, "old_path": "/1/7/9/",
                                     "new_path": "/1/2/9/", "units_moved": 1}, subject=str(MKT_PLN))
    assert (await kpi.post("/api/kpi/events", json=moved, headers=ORG_SERVICE)).json() == {"status": "applied"}
    assert (await execution(kpi, MKT, "2026-01"))["total"]["actual"] == pytest.approx(300)
    assert (await execution(kpi, OPS, "2026-01", headers=ADMIN))["total"]["actual"] == pytest.approx(500)
