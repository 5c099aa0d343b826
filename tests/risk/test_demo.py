"""Demo data: the documents' register, seeded once after the org read-model is in place."""

from services.risk.app import create_app
from services.risk.seed import seed_demo
from tests.risk.conftest import OPS_DIRECTOR, U
from tests.support import load_demo_units, running, settings, use_test_keys


async def test_the_demo_register_is_seeded_once_with_assessments_a_plan_kris_and_an_open_alert(databases):
    app = create_app(settings("risk", await databases.fresh("risk"), demo=True))
    use_test_keys(app)
    async with running(app) as c:
        async with app.state.db.writer() as s:
            assert await seed_demo(s) is False  # no org tree yet: nothing to seed against
        await load_demo_units(app)
        async with app.state.db.writer() as s:
            assert await seed_demo(s) is True
            await s.commit()
        async with app.state.db.writer() as s:
            assert await seed_demo(s) is False  # only on an empty register
        items = (await c.get("/api/risk/risks", headers=OPS_DIRECTOR)).json()["items"]
        titles = {r["title"] for r in items}
        assert {"供应商A交货延迟", "设备B老化故障", "燃气泄漏", "供应中断", "燃气价格政策调整"} <= titles
        assert {r["category"] for r in items} >= {
            "supply_chain", "equipment", "safety", "market", "policy", "personnel"}
        supplier = next(r for r in items if r["title"] == "供应商A交货延迟")
        assert supplier["status"] == "treating" and "供应商B" in supplier["contingency_plan"]["steps"][0]["title"]
        assert all(r["level"] for r in items)
        kris = (await c.get("/api/risk/kris", headers=OPS_DIRECTOR)).json()["items"]
        assert {k["indicator_code"] for k in kris} == {"customer_satisfaction", "order_delay_days"}
        alerts = (await c.get("/api/risk/alerts", headers=OPS_DIRECTOR, params={"status": "open"})).json()["items"]
        assert len(alerts) == 1 and alerts[0]["unit_id"] == U["OPS-CS"] and alerts[0]["level"] == "warning"
        heat = (await c.get("/api/risk/heatmap", headers=OPS_DIRECTOR, params={"unit_id": 1})).json()
        assert heat["total"] == len(items)


async def test_on_first_start_in_demo_mode_the_register_is_seeded_after_the_org_sync(databases):
    """The real start-up path: org sync over HTTP, then the on_org_synced hook seeds (and never twice)."""
    import asyncio

    from fastapi import FastAPI

    from tests.support import demo_unit_rows, serve

    fake_org = FastAPI()

    @fake_org.get("/api/org/units")
    async def units():
        return {"items": demo_unit_rows(), "next_cursor": None}

    class Tokens:
        async def token(self) -> str:
            return "service-token"

    url = await databases.fresh("risk")
    async with serve(fake_org) as org_url:
        for attempt in range(2):
            app = create_app(settings("risk", url, demo=True, relay_enabled=True, org_url=org_url))
            use_test_keys(app)
            app.state.service_tokens = Tokens()
            async with running(app) as c:
                for _ in range(200):
                    items = (await c.get("/api/risk/risks", headers=OPS_DIRECTOR,
                                         params={"limit": 500})).json()["items"]
                    if items:
                        break
                    await asyncio.sleep(0.05)
                await asyncio.sleep(0.3)  # let the second start's hook run too: it must not seed again
                items = (await c.get("/api/risk/risks", headers=OPS_DIRECTOR, params={"limit": 500})).json()["items"]
                assert len(items) == 8, f"start {attempt + 1}"
