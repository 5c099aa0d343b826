"""The demo company's special audits: one finalised with findings (one withdrawn), one waiting for the
audited unit's response, each made through the audit service by the people org names."""

from sqlalchemy import select

from services.common import org_api
from services.kpi.app import create_app
from services.kpi.audits.demo import seed_audits
from services.kpi.demo import seed_demo
from services.kpi.models import OrgUnit
from tests.support import DEMO_IDS, bearer, load_demo_units, make_token, running, settings, use_test_keys

# who org names for (right, unit, held in): the demo's operations director, general manager, 供应科主管,
# branch general manager and analyst
PEOPLE = {("assess", "OPS-SUP", "OPS"): 3, ("assess", "SZ-SALES", "HDGAS"): 2, ("plan", "OPS-SUP", "OPS-SUP"): 6,
          ("plan", "SZ-SALES", "SZ"): 5, ("view", "MKT-RES", "MKT-RES"): 7}
CODES = {v: k for k, v in DEMO_IDS.items()}


async def fake_holders(rt, right, unit_id, *, held_in_unit_id=None):
    uid = PEOPLE.get((right, CODES[unit_id], CODES.get(held_in_unit_id or 0, "")))
    return [{"id": uid, "display_name": f"演示用户{uid}"}] if uid else []


async def test_the_demo_has_a_finalised_audit_and_one_awaiting_the_branchs_response(databases, monkeypatch):
    monkeypatch.setattr(org_api, "holders", fake_holders)
    app = create_app(settings("kpi", await databases.fresh("kpi"), demo=True))
    use_test_keys(app)
    async with running(app) as kpi:
        await load_demo_units(app)
        assert await seed_demo(app.state.runtime) is True
        admin = bearer(make_token(("view", "/1/", "subtree"), sub="1", name="admin"))
        audits = (await kpi.get("/api/kpi/audits", headers=admin)).json()["items"]
        assert [a["status"] for a in audits] == ["final", "draft_report"]
        final = (await kpi.get(f"/api/kpi/audits/{audits[0]['id']}", headers=admin)).json()
        assert len(final["findings"]) == 3
        assert sorted(f["status"] for f in final["findings"]) == ["open", "open", "withdrawn"]
        assert final["resolutions"][0]["decision"] == "withdraw"
        branch_gm = bearer(make_token(("plan", "/1/11/", "subtree"), ("view", "/1/11/", "subtree"), sub="5",
                                      name="branch_gm"))
        waiting = (await kpi.get("/api/kpi/audits/awaiting-me", headers=branch_gm)).json()
        assert [(a["id"], a["next_step"]) for a in waiting] == [(audits[1]["id"], "response")]


async def test_without_orgs_people_the_demo_has_no_audits_rather_than_half_made_ones(databases):
    app = create_app(settings("kpi", await databases.fresh("kpi"), demo=True))
    use_test_keys(app)
    async with running(app):
        await load_demo_units(app)
        async with app.state.db.writer() as s:
            units = {u.code: u for u in (await s.execute(select(OrgUnit))).scalars()}
            assert await seed_audits(s, app.state.runtime, units) == 0
