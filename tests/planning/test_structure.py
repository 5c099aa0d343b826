"""Revisions, decomposition, consolidation, flows, 会签 and export."""

import io

from openpyxl import load_workbook

from tests.planning.conftest import annual
from tests.support import DEMO_IDS


async def issue(company, plan):
    await company.act(plan_owner(plan), plan, "submit")
    await company.act("ops_director", plan, "approve")
    await company.act("gm", plan, "approve")
    action = "publish" if plan["kind"] == "monthly" else "issue"
    if plan["kind"] == "monthly":
        r = await company.act("ops_director", plan, action)
    else:
        r = await company.act("gm", plan, action)
    assert r.status_code == 200, r.text
    return r.json()


def plan_owner(plan) -> str:
    return {DEMO_IDS["MKT"]: "market_mgr", DEMO_IDS["HDGAS"]: "gm", DEMO_IDS["SZ"]: "branch_gm",
            DEMO_IDS["OPS"]: "ops_director"}[plan["unit_id"]]


async def test_a_revision_runs_the_flow_again_and_keeps_the_old_version_readable(company):
    plan = await issue(company, await company.create("market_mgr", **annual("MKT", "市场部计划",
                                                                            targets=(("sales", 1000),))))
    assert (await company.act("market_mgr", plan, "revise")).status_code == 422  # a reason is required
    r = await company.act("market_mgr", plan, "revise", "原材料价格大幅上涨")
    assert r.json()["status"] == "draft" and r.json()["revision"] == 2
    # while revised, it stays visible company-wide: it was issued before
    assert (await company.get("analyst", plan)).status_code == 200
    current = await company.get("market_mgr", plan)
    await company.planning.patch(f"/api/planning/plans/{plan['id']}",
                                 headers={**await company.as_("market_mgr"), "If-Match": current.headers["etag"]},
                                 json={"targets": [{"indicator_code": "sales", "value": 900}]})
    reissued = await issue(company, (await company.get("market_mgr", plan)).json())
    assert reissued["revision"] == 2 and reissued["status"] == "issued"
    h = (await company.planning.get(f"/api/planning/plans/{plan['id']}/history",
                                    headers=await company.as_("analyst"), params={"from": 1, "to": 2})).json()
    assert [v["revision"] for v in h["versions"]] == [1, 2]
    assert h["versions"][0]["snapshot"]["targets"][0]["value"] == 1000
    assert {"field": "targets.sales", "before": 1000.0, "after": 900.0} in h["diff"]
    from sqlalchemy import select

    from services.planning.models import OutboxEvent
    async with company.planning.app.state.db.reader() as s:
        revised = (await s.execute(select(OutboxEvent)
                                   .where(OutboxEvent.type == "planning.plan.revised"))).scalars().all()
    assert [e.data["targets"][0]["value"] for e in revised] == [900.0]


async def test_decomposition_shows_gaps_of_uneven_children(company):
    year = await company.create("market_mgr", **annual("MKT", "市场部2027", targets=(("sales", 1200),)))
    year_plan = await company.get("market_mgr", year)
    await company.planning.patch(f"/api/planning/plans/{year['id']}",
                                 headers={**await company.as_("market_mgr"), "If-Match": year_plan.headers["etag"]},
                                 json={"targets": [{"indicator_code": "sales", "value": 1200},
                                                   {"indicator_code": "satisfaction", "value": 90,
                                                    "aggregation": "avg"}]})
    quarters = [("2027-Q1", 300, 88), ("2027-Q2", 300, 92), ("2027-Q3", 250, None), ("2027-Q4", 200, 90)]
    for q, sales, sat in quarters:
        targets = [("sales", sales)] + ([("satisfaction", sat)] if sat is not None else [])
        await company.create("market_mgr", **annual("MKT", f"市场部{q}", targets=targets, period=q,
                                                    parent_plan_id=year["id"]))
    team = await company.create("market_mgr", **annual("MKT-RES", "调研组2027", targets=(("sales", 100),),
                                                       parent_plan_id=year["id"]))
    d = (await company.planning.get(f"/api/planning/plans/{year['id']}/decomposition",
                                    headers=await company.as_("market_mgr"))).json()
    by_period = {ln["indicator_code"]: ln for ln in d["by_period"]}
    assert by_period["sales"]["combined"] == 1050 and by_period["sales"]["gap"] == -150
    assert by_period["sales"]["status"] == "under" and round(by_period["sales"]["gap_ratio"], 4) == -0.125
    assert by_period["satisfaction"]["combined"] == 90 and by_period["satisfaction"]["status"] == "balanced"
    assert by_period["satisfaction"]["missing"] == ["市场部 2027-Q3"]
    assert [(ln["indicator_code"], ln["combined"]) for ln in d["by_unit"]] == [("sales", 100), ("satisfaction", None)]
    assert team["parent_plan_id"] == year["id"]


async def test_child_plans_must_fit_inside_their_parent(company):
    year = await company.create("market_mgr", **annual("MKT", "市场部2027"))
    for body in (annual("MKT", "跨年", period="2028-Q1", parent_plan_id=year["id"]),
                 annual("MKT", "同期同单位", period="2027", parent_plan_id=year["id"]),
                 annual("MKT", "不存在", period="2027-Q1", parent_plan_id=99999)):
        r = await company.planning.post("/api/planning/plans", json=body, headers=await company.as_("market_mgr"))
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "parent_plan_id", r.text
    bad_period = await company.planning.post("/api/planning/plans", headers=await company.as_("market_mgr"),
                                             json=annual("MKT", "周计划", period="2027-W05"))
    assert bad_period.status_code == 422 and bad_period.json()["errors"][0]["field"] == "period"
    dupes = await company.planning.post("/api/planning/plans", headers=await company.as_("market_mgr"),
                                        json=annual("MKT", "重复", targets=(("sales", 1), ("sales", 2))))
    assert dupes.status_code == 422


async def test_consolidation_compares_top_down_with_bottom_up_and_names_missing_units(company):
    await company.create("gm", **annual("HDGAS", "公司2027", targets=(("sales", 50000), ("profit", 6000))))
    await company.create("market_mgr", **annual("MKT", "市场部2027", targets=(("sales", 30000),)))
    await company.create("branch_gm", **annual("SZ", "苏州2027", targets=(("sales", 22000), ("profit", 2500))))
    vetoed = await company.create("ops_director", **annual("OPS", "运营2027", targets=(("sales", 1),)))
    await company.act("gm", vetoed, "veto", "重做")
    c = (await company.planning.get("/api/planning/consolidation", headers=await company.as_("ops_director"),
                                    params={"unit_id": DEMO_IDS["HDGAS"], "period": "2027"})).json()
    lines = {ln["indicator_code"]: ln for ln in c["lines"]}
    assert (lines["sales"]["reference"], lines["sales"]["combined"], lines["sales"]["gap"], lines["sales"]["status"]) \
        == (50000, 52000, 2000, "over")
    assert (lines["profit"]["combined"], lines["profit"]["gap"], lines["profit"]["missing"]) \
        == (2500, -3500, ["市场部"])
    assert [m["name"] for m in c["units_missing_plan"]] == ["运营管理部", "财务部"]
    adj = await company.planning.post("/api/planning/consolidation/adjustments",
                                      headers=await company.as_("ops_director"),
                                      json={"unit_id": DEMO_IDS["HDGAS"], "period": "2027", "indicator_code": "sales",
                                            "value": -2000, "reason": "苏州分公司目标下调以平衡产能"})
    assert adj.status_code == 201
    refused = await company.planning.post("/api/planning/consolidation/adjustments",
                                          headers=await company.as_("market_mgr"),
                                          json={"unit_id": DEMO_IDS["HDGAS"], "period": "2027",
                                                "indicator_code": "sales", "value": 1, "reason": "x"})
    assert refused.status_code == 403
    again = (await company.planning.get("/api/planning/consolidation", headers=await company.as_("gm"),
                                        params={"unit_id": DEMO_IDS["HDGAS"], "period": "2027"})).json()
    assert again["adjustments"][0]["reason"].startswith("苏州")
    assert (await company.planning.get("/api/planning/consolidation", headers=await company.as_("analyst"),
                                       params={"unit_id": DEMO_IDS["HDGAS"], "period": "2027"})).status_code == 403
    xlsx = await company.planning.get("/api/planning/consolidation/export.xlsx", headers=await company.as_("gm"),
                                      params={"unit_id": DEMO_IDS["HDGAS"], "period": "2027"})
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    assert "汇总表" in ws["A1"].value


async def test_countersigned_stages_need_every_holder(company):
    admin = await company.as_("admin")
    flow = await company.planning.get("/api/planning/flows/monthly", headers=admin)
    stages = flow.json()["stages"]
    # Countersign (会签) at company level: plan over the company, held anywhere: gm and ops_director.
    stages = [{"key": "joint", "name": "联合会签", "right": "plan", "over": "company", "held_in": None,
               "signers": "all"}]
    assert (await company.planning.patch("/api/planning/flows/monthly", headers=await company.as_("gm"),
                                         json={"stages": stages})).status_code == 403
    r = await company.planning.patch("/api/planning/flows/monthly", headers={**admin, "If-Match": flow.headers["etag"]},
                                     json={"stages": stages})
    assert r.status_code == 200, r.text
    plan = await company.create("market_mgr", **annual("MKT", "市场部2027年1月", period="2027-01"))
    sub = (await company.act("market_mgr", plan, "submit")).json()
    gm_id, ops_id = await company.user_id("gm"), await company.user_id("ops_director")
    assert sorted(sub["stages"][0]["pending_signers"]) == sorted([str(gm_id), str(ops_id)])
    first = (await company.act("gm", plan, "approve")).json()
    assert first["status"] == "submitted" and first["stages"][0]["pending_signers"] == [str(ops_id)]
    assert (await company.act("gm", plan, "approve")).status_code == 409  # signs once
    done = (await company.act("ops_director", plan, "approve")).json()
    assert done["status"] == "approved"
    assert (await company.act("ops_director", plan, "issue")).status_code == 409  # monthly plans are published
    assert (await company.act("ops_director", plan, "publish")).json()["status"] == "published"


async def test_plan_exports_to_excel(company):
    plan = await company.create("market_mgr", **annual(
        "MKT", "市场部2027年度运营计划", tasks=[{"title": "调研", "owner_name": "刘", "due": "2027-03-01"}]))
    r = await company.planning.get(f"/api/planning/plans/{plan['id']}/export.xlsx",
                                   headers=await company.as_("market_mgr"))
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(r.content)).active
    values = [c for row in ws.iter_rows(values_only=True) for c in row if c]
    assert ws["A1"].value == "市场部2027年度运营计划" and "调研" in values and "sales" in values
    assert (await company.planning.get(f"/api/planning/plans/{plan['id']}/export.xlsx",
                                       headers=await company.as_("branch_gm"))).status_code == 404
