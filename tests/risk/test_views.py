"""Views: the heat map over a subtree, reviews due."""

import random
from datetime import timedelta

from services.common import clock
from tests.risk.conftest import ANALYST, MARKET_MGR, OPS_DIRECTOR, SUPPLY_HEAD, P, U, assess, new_risk


async def test_the_heat_map_counts_match_the_register_over_a_subtree(risk):
    rng = random.Random(7)
    units = ["OPS", "OPS-SUP", "OPS-DIS", "OPS-SAF", "OPS-CS", "MKT", "MKT-RES", "SZ"]
    expected: dict[str, dict[tuple[int, int], set[int]]] = {"current": {}, "residual": {}}
    ops_ids = set()
    for n in range(24):
        code = units[n % len(units)]
        r = await new_risk(risk, title=f"风险{n}", unit_id=U[code])
        inside_ops = P[code].startswith(P["OPS"])
        if inside_ops:
            ops_ids.add(r["id"])
        if n % 5 == 4:
            continue  # left unassessed
        li, im = rng.randint(1, 5), rng.randint(1, 5)
        await assess(risk, r["id"], li, im)
        cell = (li, im)
        if n % 3 == 0:
            cell = (max(1, li - 1), max(1, im - 1))
            await assess(risk, r["id"], *cell, kind="residual")
            if inside_ops:
                expected["residual"].setdefault(cell, set()).add(r["id"])
        if inside_ops:
            expected["current"].setdefault(cell, set()).add(r["id"])
    closed = await new_risk(risk, title="已关闭", unit_id=U["OPS-SUP"])
    await assess(risk, closed["id"], 5, 5)
    await risk.patch(f"/api/risk/risks/{closed['id']}", headers=OPS_DIRECTOR, json={"status": "closed"})

    for basis in ("current", "residual"):
        r = await risk.get("/api/risk/heatmap", headers=OPS_DIRECTOR, params={"unit_id": U["OPS"], "basis": basis})
        assert r.status_code == 200, r.text
        body = r.json()
        assert len(body["cells"]) == 25 and body["total"] == len(ops_ids)
        got = {(c["likelihood"], c["impact"]): {x["id"] for x in c["risks"]} for c in body["cells"] if c["count"]}
        assert got == expected[basis]
        assert all(c["count"] == len(c["risks"]) for c in body["cells"])
        assert sum(c["count"] for c in body["cells"]) + body["unassessed"] == body["total"]
    # the same counts as the register says, cell by cell
    listed = (await risk.get("/api/risk/risks", headers=OPS_DIRECTOR,
                             params={"unit_id": U["OPS"], "limit": 500})).json()["items"]
    live = [x for x in listed if x["status"] != "closed" and x["current"]]
    hm = (await risk.get("/api/risk/heatmap", headers=OPS_DIRECTOR, params={"unit_id": U["OPS"]})).json()
    for c in hm["cells"]:
        assert c["count"] == sum(1 for x in live if (x["current"]["likelihood"], x["current"]["impact"])
                                 == (c["likelihood"], c["impact"]))
        assert c["level"] == {True: "critical", False: c["level"]}[c["score"] >= 20]
    with_closed = (await risk.get("/api/risk/heatmap", headers=OPS_DIRECTOR,
                                  params={"unit_id": U["OPS"], "include_closed": "true"})).json()
    assert with_closed["total"] == hm["total"] + 1


async def test_the_heat_map_needs_view_over_the_unit(risk):
    assert (await risk.get("/api/risk/heatmap", headers=MARKET_MGR, params={"unit_id": U["OPS"]})).status_code == 403
    assert (await risk.get("/api/risk/heatmap", headers=ANALYST, params={"unit_id": U["MKT"]})).status_code == 403
    assert (await risk.get("/api/risk/heatmap", headers=OPS_DIRECTOR, params={"unit_id": 999})).status_code == 404
    assert (await risk.get("/api/risk/heatmap", headers=OPS_DIRECTOR,
                           params={"unit_id": U["OPS"], "basis": "gut"})).status_code == 422
    assert (await risk.get("/api/risk/heatmap", headers=OPS_DIRECTOR)).status_code == 422
    sup = (await risk.get("/api/risk/heatmap", headers=SUPPLY_HEAD, params={"unit_id": U["OPS-SUP"]})).json()
    assert sup["unit_path"] == P["OPS-SUP"] and sup["total"] == 0


async def test_reviews_due_lists_open_risks_whose_review_date_has_come(risk):
    today = clock.today()
    late = await new_risk(risk, title="逾期复核", next_review_date=(today - timedelta(days=3)).isoformat())
    await new_risk(risk, title="下月复核", next_review_date=(today + timedelta(days=30)).isoformat())
    await new_risk(risk, title="未定")
    closed = await new_risk(risk, title="已关闭", next_review_date=(today - timedelta(days=3)).isoformat())
    await risk.patch(f"/api/risk/risks/{closed['id']}", headers=OPS_DIRECTOR, json={"status": "closed"})
    other = await new_risk(risk, title="市场", unit_id=U["MKT"], owner_id=None, next_review_date=today.isoformat())
    due = (await risk.get("/api/risk/reviews/due", headers=OPS_DIRECTOR)).json()["items"]
    assert [(d["risk"]["id"], d["reason"]) for d in due] == [(late["id"], "review_date"), (other["id"], "review_date")]
    scoped = (await risk.get("/api/risk/reviews/due", headers=OPS_DIRECTOR, params={"unit_id": U["OPS"]})).json()
    assert [d["risk"]["id"] for d in scoped["items"]] == [late["id"]]
    ahead = (await risk.get("/api/risk/reviews/due", headers=SUPPLY_HEAD,
                            params={"on": (today + timedelta(days=31)).isoformat()})).json()["items"]
    assert [d["risk"]["title"] for d in ahead] == ["逾期复核", "下月复核"]
    assert [d["risk"]["id"] for d in (await risk.get("/api/risk/reviews/due",
                                                     headers=MARKET_MGR)).json()["items"]] == [other["id"]]
