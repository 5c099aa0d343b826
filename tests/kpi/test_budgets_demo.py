"""The demo company's budgets: the demo plans' budget lines, months of spend, and 市场部 over budget in November."""

from services.common.clock import today
from services.kpi.app import create_app
from services.kpi.demo import DEMO_BUDGETS, seed_demo_budgets
from services.kpi.models import OutboxEvent
from tests.kpi.conftest import ADMIN, MKT, OPS, evaluation
from tests.support import DEMO_IDS, load_demo_units, running, settings, use_test_keys


def test_the_demo_budgets_are_the_demo_plans_budget_lines():
    from services.planning.seed import DEMO_BUDGETS as PLANNED

    assert {code: lines for (code, _per, _title), lines in DEMO_BUDGETS.items()} == PLANNED


async def test_demo_budgets_are_seeded_once_and_one_department_passes_its_budget(databases):
    app = create_app(settings("kpi", await databases.fresh("kpi"), demo=True))
    use_test_keys(app)
    async with running(app) as kpi:
        assert await seed_demo_budgets(app.state.runtime) is False  # no org read-model yet
        await load_demo_units(app)
        assert await seed_demo_budgets(app.state.runtime) is True
        assert await seed_demo_budgets(app.state.runtime) is False
        year = (await kpi.get("/api/kpi/budgets/execution", params={"unit_id": MKT, "period": "2026"},
                              headers=ADMIN)).json()
        assert year["total"]["budget"] == 1_800_000 and year["budget_holders"] == [{"unit_id": MKT,
                                                                                  "unit_name": "市场部"}]
        company = (await kpi.get("/api/kpi/budgets/execution", params={"unit_id": DEMO_IDS["HDGAS"],
                                                                       "period": "2026"}, headers=ADMIN)).json()
        assert company["total"]["budget"] == 9_000_000  # the company's plan covers its departments'
        if today().strftime("%Y-%m") <= "2026-11":
            return  # November's spend is booked once November is over
        nov = (await kpi.get("/api/kpi/budgets/execution", params={"unit_id": MKT, "period": "2026-11"},
                             headers=ADMIN)).json()
        assert nov["total"]["over_budget"] and 100 < nov["total"]["rate"] <= 120
        assert (await evaluation(kpi, MKT, "2026-11", headers=ADMIN))["budget_execution_rate"]["status"] == "amber"
        async with app.state.db.reader() as s:
            from sqlalchemy import select
            overruns = [(e.data["unit_id"], e.data["period"]) for e in (await s.execute(
                select(OutboxEvent).where(OutboxEvent.type == "kpi.budget.overrun"))).scalars()]
        assert overruns == [(MKT, "2026-11")]
        ops = (await kpi.get("/api/kpi/budgets/execution", params={"unit_id": OPS, "period": "2026-Q3"},
                             headers=ADMIN)).json()
        assert 85 <= ops["total"]["rate"] <= 100
