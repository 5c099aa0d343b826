"""Planning's org read-model is read once per change, not once per request, and never served stale."""

from __future__ import annotations

from sqlalchemy import event

from services.common.authz import Grant
from services.common.org_units import apply_unit_event
from services.planning.app import create_app as planning_app
from services.planning.models import OrgUnit
from services.planning.units import load_units
from tests.support import DEMO_IDS, bearer, load_demo_units, make_token, running, settings, use_test_keys

GM = bearer(make_token(Grant("view", "/1/", "subtree", "/1/", "position:2")))


def unit_event(change: str, **data) -> dict:
    return {"type": f"org.unit.{change}", "data": data}


async def consolidation(client, unit: str) -> dict:
    r = await client.get("/api/planning/consolidation", params={"unit_id": DEMO_IDS[unit], "period": "2027"},
                         headers=GM)
    assert r.status_code == 200, r.text
    return r.json()


async def test_a_renamed_added_or_moved_unit_shows_in_the_next_answer(databases):
    app = planning_app(settings("planning", await databases.fresh("planning")))
    use_test_keys(app)
    async with running(app) as client:
        await load_demo_units(app)
        before = await consolidation(client, "MKT")
        assert before["unit_name"] == "市场部"
        assert [u["name"] for u in before["units_missing_plan"]] == ["市场调研组", "市场策划组"]

        async with app.state.db.writer() as s:
            await apply_unit_event(s, OrgUnit, unit_event("updated", id=DEMO_IDS["MKT"], parent_id=DEMO_IDS["HDGAS"],
                                                          name="市场营销部", code="MKT", kind="department",
                                                          path="/1/7/", version=2))
            await apply_unit_event(s, OrgUnit, unit_event("created", id=500, parent_id=DEMO_IDS["MKT"],
                                                          name="品牌组", code="MKT-BR", kind="team", path="/1/7/500/",
                                                          version=1))
            await s.commit()
        after = await consolidation(client, "MKT")
        assert after["unit_name"] == "市场营销部"
        assert [u["name"] for u in after["units_missing_plan"]] == ["市场调研组", "市场策划组", "品牌组"]

        # 市场策划组 moves to 财务部: it leaves 市场部's children and joins 财务部's
        async with app.state.db.writer() as s:
            await apply_unit_event(s, OrgUnit, {"type": "org.unit.moved", "data": {
                "id": DEMO_IDS["MKT-PLN"], "parent_id": DEMO_IDS["FIN"], "name": "市场策划组", "code": "MKT-PLN",
                "kind": "team", "path": "/1/10/9/", "version": 2, "old_path": "/1/7/9/", "new_path": "/1/10/9/"}})
            await s.commit()
        left = (await consolidation(client, "MKT"))["units_missing_plan"]
        assert [u["name"] for u in left] == ["市场调研组", "品牌组"]
        assert [u["name"] for u in (await consolidation(client, "FIN"))["units_missing_plan"]] == ["市场策划组"]


async def test_an_unchanged_read_model_costs_one_small_statement_not_every_row(databases):
    app = planning_app(settings("planning", await databases.fresh("planning")))
    async with running(app):
        await load_demo_units(app)
        statements: list[str] = []

        def count(_conn, _cursor, statement, *_args):
            if "org_unit" in statement:
                statements.append(statement)

        engine = app.state.db.engine.sync_engine
        event.listen(engine, "before_cursor_execute", count)
        try:
            async with app.state.db.reader() as s:
                first = await load_units(s)
            read_first = len(statements)
            async with app.state.db.reader() as s:
                again = await load_units(s)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert again is first and len(first.by_id) == 13
        assert read_first == 2 and len(statements) == 3  # fingerprint + rows, then the fingerprint alone
        assert "org_unit.path" not in statements[-1]


async def test_consolidation_reads_its_children_in_the_same_few_statements_however_many_there_are(databases):
    from services.planning.models import Plan, PlanTarget

    app = planning_app(settings("planning", await databases.fresh("planning")))
    use_test_keys(app)
    async with running(app) as client:
        await load_demo_units(app)

        async def add_branches(first: int, n: int) -> None:
            async with app.state.db.writer() as s:
                for uid in range(first, first + n):
                    await apply_unit_event(s, OrgUnit, unit_event("created", id=uid, parent_id=1, name=f"分公司{uid}",
                                                                  code=f"B{uid}", kind="branch", path=f"/1/{uid}/",
                                                                  version=1))
                    plan = Plan(unit_id=uid, period="2027", kind="annual", title=f"分公司{uid}年度计划",
                                status="issued", created_by="system")
                    s.add(plan)
                    await s.flush()
                    s.add(PlanTarget(plan_id=plan.id, indicator_code="sales", value=float(uid)))
                await s.commit()

        async def statements_for_company() -> tuple[int, dict]:
            seen: list[str] = []

            def count(_conn, _cursor, statement, *_args):
                seen.append(statement)

            engine = app.state.db.engine.sync_engine
            event.listen(engine, "before_cursor_execute", count)
            try:
                body = await consolidation(client, "HDGAS")
            finally:
                event.remove(engine, "before_cursor_execute", count)
            return len(seen), body

        await add_branches(600, 3)
        few, small = await statements_for_company()
        await add_branches(700, 40)
        many, large = await statements_for_company()
        assert many <= few + 1  # + the read-model's rows, read again after the change
        sales = next(line for line in large["lines"] if line["indicator_code"] == "sales")
        assert len(large["units_missing_plan"]) == len(small["units_missing_plan"]) == 4  # the demo's own units
        assert len(sales["contributors"]) == 43
        assert sales["combined"] == sum(range(600, 603)) + sum(range(700, 740))
