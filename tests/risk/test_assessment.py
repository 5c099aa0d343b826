"""Assessment: L × I → score and level under the matrix in force, with history, snapshots and events."""

from tests.risk.conftest import ADMIN, MARKET_MGR, OPS_DIRECTOR, SUPPLY_HEAD, P, U, assess, new_risk, outbox

STRICT = {"name": "严格矩阵", "bands": [
    {"level": "low", "label": "低", "min_score": 1, "max_score": 3},
    {"level": "medium", "label": "中", "min_score": 4, "max_score": 7},
    {"level": "high", "label": "高", "min_score": 8, "max_score": 14},
    {"level": "critical", "label": "极高", "min_score": 15, "max_score": 25}]}


async def test_likelihood_4_impact_5_scores_20_and_is_critical(risk):
    r = await new_risk(risk)
    a = await assess(risk, r["id"], 4, 5)
    assert (a["score"], a["level"], a["level_label"], a["kind"]) == (20, "critical", "极高", "inherent")
    assert a["previous_level"] is None and a["level_changed"] is True
    got = (await risk.get(f"/api/risk/risks/{r['id']}", headers=OPS_DIRECTOR)).json()
    assert got["status"] == "assessed" and got["level"] == "critical"
    assert got["inherent"] == {"likelihood": 4, "impact": 5, "score": 20, "level": "critical"}


async def test_default_bands_give_each_level(risk):
    r = await new_risk(risk)
    levels = [(await assess(risk, r["id"], li, im))["level"]
              for li, im in ((2, 2), (1, 5), (3, 3), (2, 5), (4, 4), (5, 5))]
    assert levels == ["low", "medium", "medium", "high", "high", "critical"]


async def test_changing_the_matrix_does_not_change_old_assessments(risk):
    r = await new_risk(risk)
    first = await assess(risk, r["id"], 2, 4)  # 8: medium by default
    created = await risk.post("/api/risk/matrices", headers=ADMIN, json=STRICT)
    assert created.status_code == 201, created.text
    assert (await risk.get("/api/risk/matrix", headers=SUPPLY_HEAD)).json()["name"] == "严格矩阵"
    second = await assess(risk, r["id"], 2, 4)  # 8: high under the new matrix
    assert (first["level"], second["level"]) == ("medium", "high")
    history = (await risk.get(f"/api/risk/risks/{r['id']}/assessments", headers=OPS_DIRECTOR)).json()["items"]
    assert [h["level"] for h in history] == ["medium", "high"]
    assert history[0]["matrix_snapshot"]["bands"][1] == {
        "level": "medium", "label": "中", "min_score": 5, "max_score": 9}
    assert history[1]["matrix_snapshot"]["name"] == "严格矩阵" and history[0]["matrix_id"] != history[1]["matrix_id"]
    matrices = (await risk.get("/api/risk/matrices", headers=SUPPLY_HEAD)).json()["items"]
    assert [m["active"] for m in matrices] == [False, True]


async def test_only_administrators_change_the_matrix_and_bands_must_cover_every_score(risk):
    assert (await risk.post("/api/risk/matrices", headers=OPS_DIRECTOR, json=STRICT)).status_code == 403
    gap = {"name": "缺口", "bands": [{"level": "low", "label": "低", "min_score": 1, "max_score": 4},
                                    {"level": "high", "label": "高", "min_score": 6, "max_score": 25}]}
    r = await risk.post("/api/risk/matrices", headers=ADMIN, json=gap)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "bands" and "5" in r.json()["detail"]
    overlap = {"name": "重叠", "bands": [{"level": "low", "label": "低", "min_score": 1, "max_score": 6},
                                        {"level": "high", "label": "高", "min_score": 5, "max_score": 25}]}
    r = await risk.post("/api/risk/matrices", headers=ADMIN, json=overlap)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "bands.1.min_score"
    backwards = {"name": "倒序", "bands": [{"level": "high", "label": "高", "min_score": 1, "max_score": 9},
                                          {"level": "low", "label": "低", "min_score": 10, "max_score": 25}]}
    assert (await risk.post("/api/risk/matrices", headers=ADMIN, json=backwards)).status_code == 422
    bad_level = {"name": "x", "bands": [{"level": "extreme", "label": "x", "min_score": 1, "max_score": 25}]}
    assert (await risk.post("/api/risk/matrices", headers=ADMIN, json=bad_level)).status_code == 422
    assert (await risk.get("/api/risk/matrix", headers=ADMIN)).json()["name"] == "默认风险矩阵"


async def test_assessing_needs_plan_and_valid_scores(risk):
    r = await new_risk(risk)
    url = f"/api/risk/risks/{r['id']}/assessments"
    assert (await risk.post(url, headers=MARKET_MGR, json={"likelihood": 3, "impact": 3})).status_code == 403
    bad = await risk.post(url, headers=OPS_DIRECTOR, json={"likelihood": 0, "impact": 6})
    assert bad.status_code == 422 and {e["field"] for e in bad.json()["errors"]} == {"likelihood", "impact"}
    assert (await risk.post(url, headers=OPS_DIRECTOR,
                            json={"likelihood": 3, "impact": 3, "kind": "gut"})).status_code == 422
    assert (await risk.post("/api/risk/risks/999/assessments", headers=OPS_DIRECTOR,
                            json={"likelihood": 3, "impact": 3})).status_code == 404
    stale = await risk.post(url, headers=OPS_DIRECTOR | {"If-Match": '"risk-1-v0"'},
                            json={"likelihood": 3, "impact": 3})
    assert stale.status_code == 412


async def test_residual_risk_is_assessed_after_the_inherent_one_and_both_are_kept(risk):
    r = await new_risk(risk)
    early = await risk.post(f"/api/risk/risks/{r['id']}/assessments", headers=OPS_DIRECTOR,
                            json={"likelihood": 2, "impact": 2, "kind": "residual"})
    assert early.status_code == 409 and early.json()["field"] == "kind"
    await assess(risk, r["id"], 4, 4)
    res = await assess(risk, r["id"], 2, 4, kind="residual")
    assert (res["level"], res["previous_level"]) == ("medium", "high")
    got = (await risk.get(f"/api/risk/risks/{r['id']}", headers=OPS_DIRECTOR)).json()
    assert got["inherent"]["level"] == "high" and got["residual"]["level"] == "medium" and got["level"] == "medium"
    only_residual = (await risk.get(f"/api/risk/risks/{r['id']}/assessments", headers=OPS_DIRECTOR,
                                    params={"kind": "residual"})).json()["items"]
    assert [a["score"] for a in only_residual] == [8]


async def test_assessments_emit_risk_assessed_and_level_changes(risk):
    r = await new_risk(risk)
    await assess(risk, r["id"], 2, 2)
    await assess(risk, r["id"], 2, 1)  # still low: no level change
    await assess(risk, r["id"], 4, 5)
    assessed = await outbox(risk, "risk.assessed")
    changed = await outbox(risk, "risk.level.changed")
    assert len(assessed) == 3 and len(changed) == 2
    assert assessed[-1].data | {} == assessed[-1].data and assessed[-1].data["score"] == 20
    assert assessed[-1].unit_path == P["OPS-SUP"] and assessed[-1].subject == str(r["id"])
    assert (changed[-1].data["previous_level"], changed[-1].data["level"]) == ("low", "critical")
    assert changed[-1].data["unit_id"] == U["OPS-SUP"]
