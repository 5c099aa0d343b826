"""Demo data: seeded once on an empty database, after the org read-model exists."""

from sqlalchemy import func, select

from services.kpi.app import create_app
from services.kpi.demo import seed_demo
from services.kpi.models import Assessment, Measurement, OutboxEvent
from tests.kpi.conftest import ADMIN, MKT, OPS_CS, evaluation
from tests.support import load_demo_units, running, settings, use_test_keys


async def test_demo_data_is_seeded_once_with_misses_crossings_and_a_finalised_assessment(databases):
    app = create_app(settings("kpi", await databases.fresh("kpi"), demo=True))
    use_test_keys(app)
    async with running(app) as kpi:
        await load_demo_units(app)
        assert await seed_demo(app.state.runtime) is True
        assert await seed_demo(app.state.runtime) is False  # never twice
        async with app.state.db.reader() as s:
            points = (await s.execute(select(func.count()).select_from(Measurement))).scalar_one()
            [a] = (await s.execute(select(Assessment).where(Assessment.kind == "annual",
                                                            Assessment.subject_kind == "unit"))).scalars().all()
            crossings = (await s.execute(select(func.count()).select_from(OutboxEvent).where(
                OutboxEvent.type == "kpi.threshold.crossed"))).scalar_one()
        assert points > 1000
        assert a.status == "finalized" and a.grade and a.unit_id == MKT and a.period == "2025"
        assert crossings >= 2
        # the department's routine quarters rolled into its annual assessment, whose bonus waits for confirmation
        assert [r["period"] for r in a.routine["assessments"]] == ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]
        register = (await kpi.get("/api/kpi/sanctions", headers=ADMIN)).json()
        by_status = sorted((s["source"], s["type"], s["status"]) for s in register["items"])
        assert ("assessment", "bonus", "proposed") in by_status and ("assessment", "bonus", "confirmed") in by_status
        assert ("innovation", "bonus", "confirmed") in by_status
        rows = await evaluation(kpi, MKT, "2026-Q3", headers=ADMIN)
        sales = rows["sales"]
        assert sales["actual"] and sales["target"] and sales["last_year"] and sales["previous"]
        # the figures are sized to the plans: a department's quarter lands near its share of the year's target
        assert 0.9 <= sales["attainment"] <= 1.15, sales
        assert 0.9 <= rows["market_share"]["attainment"] <= 1.05, rows["market_share"]
        assert 0.55 <= rows["cost_expense_ratio"]["actual"] / 100 <= 0.8
        cs = await evaluation(kpi, OPS_CS, "2026-09", headers=ADMIN)
        assert cs["customer_satisfaction"]["status"] == "red" or cs["customer_satisfaction"]["actual"] < 85
        assert cs["customer_satisfaction"]["benchmark"]["value"] == 86.0


async def test_demo_seeding_waits_for_the_org_read_model(databases):
    app = create_app(settings("kpi", await databases.fresh("kpi"), demo=True))
    use_test_keys(app)
    async with running(app):
        assert await seed_demo(app.state.runtime) is False


def test_the_demo_targets_of_2026_are_the_issued_demo_plans_targets():
    # planning seeds its demo plans as issued, with no event to bring their targets here: kpi's demo
    # repeats them, and a dashboard that disagreed with its plan would be the first thing a visitor sees
    from services.kpi.demo import TARGETS
    from services.planning.seed import DEMO_PLANS

    for code, (_title, targets, _tasks) in DEMO_PLANS.items():
        for indicator, value, _unit in targets:
            assert TARGETS[(code, "2026")].get(indicator) == value, (code, indicator)
