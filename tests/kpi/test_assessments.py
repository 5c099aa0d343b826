"""Assessments: scoring rules, qualitative items, assess rights, immutable once finalised."""

import pytest

from services.kpi.assessments import scoring
from tests.kpi.conftest import ADMIN, MKT, MKT_MANAGER, MKT_PLN, MKT_RES, MKT_VIEWER, OPS_PLANNER, batch, outbox, point


@pytest.mark.parametrize("rule, attainment, score", [
    ({"type": "linear_cap", "cap": 1.2}, 0.8, 80.0),
    ({"type": "linear_cap", "cap": 1.2}, 1.5, 120.0),
    ({"type": "tiered", "tiers": [{"min": 1.0, "score": 100}, {"min": 0.9, "score": 80}]}, 0.95, 80.0),
    ({"type": "tiered", "tiers": [{"min": 1.0, "score": 100}, {"min": 0.9, "score": 80}]}, 0.5, 0.0),
    ({"type": "deduction", "per_percent": 2}, 0.9, 80.0),   # 10 % short × 2 points
    ({"type": "deduction", "per_percent": 5}, 0.5, 0.0),    # floored at 0
    ({"type": "deduction", "per_percent": 2}, 1.1, 100.0),
    ({"type": "veto", "floor": 1.0}, 0.99, 0.0),
    ({"type": "veto", "floor": 1.0}, 1.0, 100.0),
])
def test_scoring_rules(rule, attainment, score):
    assert scoring.score_item(rule, attainment)[0] == pytest.approx(score)


def test_an_item_without_data_has_no_score_and_vetoes_nothing():
    assert scoring.score_item({"type": "veto", "floor": 1.0}, None) == (None, False)
    assert scoring.score_item({"type": "linear_cap"}, None) == (None, False)


def test_a_missed_veto_item_zeroes_the_total():
    items = [{"kind": "indicator", "key": "a", "weight": 80, "score": 100.0, "attainment": 1.0},
             {"kind": "indicator", "key": "b", "weight": 20, "score": 0.0, "attainment": 0.5, "vetoed": True}]
    t = scoring.total_of(items, {})
    assert (t.total, t.vetoed, t.incomplete) == (0.0, True, False)


def test_the_total_is_taken_over_the_items_with_data_and_says_which_are_missing():
    items = [{"kind": "indicator", "key": "a", "weight": 60, "score": 90.0, "attainment": 0.9},
             {"kind": "indicator", "key": "b", "weight": 20, "score": None, "attainment": None, "no_data": True},
             {"kind": "indicator", "key": "v", "weight": 10, "score": None, "attainment": None, "no_data": True,
              "rule": {"type": "veto"}},
             {"kind": "qualitative", "key": "q", "weight": 10, "max_score": 10}]
    t = scoring.total_of(items, {"q": {"score": 6}})
    # (60×90 + 10×60) / 70, not (60×90 + 10×60) / 100: the items without data are not zeros
    assert t.total == pytest.approx(6000 / 70) and t.vetoed is False
    assert (t.missing, t.weight_counted, t.incomplete) == (["b", "v"], 70, True)


CARD = {"name": "市场部季度考核", "unit_id": MKT, "subject_kind": "unit",
        "items": [{"key": "sales", "kind": "indicator", "name": "销售额", "weight": 60, "indicator_code": "sales",
                   "rule": {"type": "linear_cap", "cap": 1.2}},
                  {"key": "ratio", "kind": "indicator", "name": "成本费用率", "weight": 20,
                   "indicator_code": "cost_expense_ratio", "rule": {"type": "deduction", "per_percent": 2}},
                  {"key": "team", "kind": "qualitative", "name": "团队管理", "weight": 20, "max_score": 10}],
        "outcomes": {"B": [{"kind": "reward", "type": "certificate", "note": "表彰"}]}}


async def setup(kpi):
    await batch(kpi, [point("sales", MKT_RES, "2026-01", 300), point("sales", MKT_PLN, "2026-02", 150),
                      point("cost", MKT_RES, "2026-01", 270), point("cost", MKT_PLN, "2026-03", 90)])
    for code, value in (("sales", 500), ("cost_expense_ratio", 72)):
        r = await kpi.post("/api/kpi/targets", headers=MKT_MANAGER,
                           json={"indicator_code": code, "unit_id": MKT, "period": "2026-Q1", "value": value})
        assert r.status_code == 201
    r = await kpi.post("/api/kpi/scorecards", json=CARD, headers=MKT_MANAGER)
    assert r.status_code == 201, r.text
    return r.json()["id"]


async def test_an_assessment_is_scored_finalised_and_then_immutable(kpi):
    card = await setup(kpi)
    r = await kpi.post("/api/kpi/assessments", headers=MKT_MANAGER,
                       json={"scorecard_id": card, "unit_id": MKT, "period": "2026-Q1", "kind": "routine"})
    assert r.status_code == 201, r.text
    a = r.json()
    items = {i["key"]: i for i in a["items"]}
    # sales 450 / 500 = 0.9 → 90 points; ratio 360/450 = 80 % vs 72 target → attainment 0.9 → 100 - 10×2 = 80
    assert items["sales"]["score"] == pytest.approx(90.0)
    assert items["ratio"]["attainment"] == pytest.approx(0.9) and items["ratio"]["score"] == pytest.approx(80.0)
    assert a["total"] is None and a["status"] == "draft"
    url = f"/api/kpi/assessments/{a['id']}"
    early = await kpi.post(url + "/finalize", json={}, headers=MKT_MANAGER)
    assert early.status_code == 409 and early.json()["missing"] == ["team"]
    too_high = await kpi.put(url + "/scores", json={"qualitative": {"team": {"score": 11}}}, headers=MKT_MANAGER)
    assert too_high.status_code == 422
    scored = await kpi.put(url + "/scores", json={"qualitative": {"team": {"score": 7, "note": "稳定"}}},
                           headers=MKT_MANAGER)
    assert scored.status_code == 200
    # (60×90 + 20×80 + 20×70) / 100 = 84 → B
    assert scored.json()["total"] == pytest.approx(84.0) and scored.json()["grade"] == "B"
    tag = scored.headers["etag"]
    assert (await kpi.post(url + "/finalize", json={}, headers={**MKT_MANAGER, "If-Match": '"assessment-1-v1"'})
            ).status_code == 412
    done = await kpi.post(url + "/finalize", json={}, headers={**MKT_MANAGER, "If-Match": tag})
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["grade"]) == ("finalized", "B")
    assert done.json()["outcomes"] == [{"kind": "reward", "type": "certificate", "amount": None, "note": "表彰"}]
    [e] = await outbox(kpi, "kpi.assessment.finalized")
    assert e.data["grade"] == "B" and e.data["total"] == pytest.approx(84.0)
    # immutable: new data, new scores, a second finalisation all leave the result alone
    await batch(kpi, [point("sales", MKT_RES, "2026-03", 1000)])
    assert (await kpi.put(url + "/scores", json={"qualitative": {"team": {"score": 10}}},
                          headers=MKT_MANAGER)).status_code == 409
    assert (await kpi.post(url + "/recompute", headers=MKT_MANAGER)).status_code == 409
    assert (await kpi.post(url + "/finalize", json={}, headers=MKT_MANAGER)).status_code == 409
    after = await kpi.get(url, headers=MKT_VIEWER)
    assert after.json()["total"] == pytest.approx(84.0) and after.json()["items"] == done.json()["items"]


async def test_only_assess_holders_over_the_unit_create_score_and_finalise(kpi):
    card = await setup(kpi)
    body = {"scorecard_id": card, "unit_id": MKT, "period": "2026-Q1"}
    assert (await kpi.post("/api/kpi/assessments", json=body, headers=MKT_VIEWER)).status_code == 403
    assert (await kpi.post("/api/kpi/assessments", json=body, headers=OPS_PLANNER)).status_code == 403
    assert (await kpi.post("/api/kpi/scorecards", json=CARD, headers=MKT_VIEWER)).status_code == 403
    a = (await kpi.post("/api/kpi/assessments", json=body, headers=MKT_MANAGER)).json()
    assert (await kpi.post("/api/kpi/assessments", json=body, headers=MKT_MANAGER)).status_code == 409
    url = f"/api/kpi/assessments/{a['id']}"
    assert (await kpi.put(url + "/scores", json={"qualitative": {"team": {"score": 5}}},
                          headers=MKT_VIEWER)).status_code == 403
    assert (await kpi.post(url + "/finalize", json={}, headers=MKT_VIEWER)).status_code == 403
    assert (await kpi.get(url, headers=OPS_PLANNER)).status_code == 403


async def test_scorecards_need_weights_adding_to_100_and_known_indicators(kpi):
    bad_weights = {**CARD, "items": [{**CARD["items"][0], "weight": 50}, CARD["items"][2]]}
    r = await kpi.post("/api/kpi/scorecards", json=bad_weights, headers=MKT_MANAGER)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "items"
    unknown = {**CARD, "items": [{**CARD["items"][0], "indicator_code": "nosuch"}, *CARD["items"][1:]]}
    r = await kpi.post("/api/kpi/scorecards", json=unknown, headers=MKT_MANAGER)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "items.0.indicator_code"


async def test_a_missed_one_vote_veto_item_fails_the_assessment(kpi):
    await batch(kpi, [point("sales", MKT_RES, "2026-01", 600), point("policy_compliance", MKT_RES, "2026-01", 80)])
    for code, value in (("sales", 500), ("policy_compliance", 95)):
        await kpi.post("/api/kpi/targets", headers=MKT_MANAGER,
                       json={"indicator_code": code, "unit_id": MKT, "period": "2026-Q1", "value": value})
    card = {"name": "一票否决", "unit_id": MKT, "items": [
        {"key": "sales", "kind": "indicator", "weight": 90, "indicator_code": "sales"},
        {"key": "policy", "kind": "indicator", "weight": 10, "indicator_code": "policy_compliance",
         "rule": {"type": "veto", "floor": 1.0}}]}
    cid = (await kpi.post("/api/kpi/scorecards", json=card, headers=ADMIN)).json()["id"]
    a = (await kpi.post("/api/kpi/assessments", headers=MKT_MANAGER,
                        json={"scorecard_id": cid, "unit_id": MKT, "period": "2026-Q1"})).json()
    assert (a["vetoed"], a["total"], a["grade"]) == (True, 0.0, "D")


async def test_a_template_is_changed_by_assessors_with_if_match_and_its_drafts_follow(kpi):
    card = await setup(kpi)
    url = f"/api/kpi/scorecards/{card}"
    draft = (await kpi.post("/api/kpi/assessments", headers=MKT_MANAGER,
                            json={"scorecard_id": card, "unit_id": MKT, "period": "2026-Q1"})).json()
    assert (draft["scorecard_name"], draft["unit_name"]) == ("市场部季度考核", "市场部")
    tag = (await kpi.get(url, headers=MKT_VIEWER)).headers["etag"]
    assert (await kpi.patch(url, json={"name": "x"}, headers={**MKT_VIEWER, "If-Match": tag})).status_code == 403
    uneven = {"items": CARD["items"][:2]}  # 60 + 20
    bad = await kpi.patch(url, json=uneven, headers={**MKT_MANAGER, "If-Match": tag})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "items"
    no_grades = await kpi.patch(url, json={"grades": []}, headers={**MKT_MANAGER, "If-Match": tag})
    assert no_grades.status_code == 422 and no_grades.json()["errors"][0]["field"] == "grades"
    for junk in ({"items": None, "name": ""}, {"outcomes": {"Z": []}}, {"items": [{"key": "x"}]}):
        assert (await kpi.patch(url, json=junk, headers={**MKT_MANAGER, "If-Match": tag})).status_code == 422, junk
    items = [{**CARD["items"][0], "weight": 80}, CARD["items"][2]]  # the cost ratio item dropped
    ok = await kpi.patch(url, json={"name": "市场部季度考核（修订）", "items": items},
                         headers={**MKT_MANAGER, "If-Match": tag})
    assert ok.status_code == 200, ok.text
    assert [i["key"] for i in ok.json()["items"]] == ["sales", "team"] and ok.json()["grades"][0]["grade"] == "A"
    assert (await kpi.patch(url, json={"name": "y"}, headers={**MKT_MANAGER, "If-Match": tag})).status_code == 412
    again = (await kpi.get(f"/api/kpi/assessments/{draft['id']}", headers=MKT_VIEWER)).json()
    assert [i["key"] for i in again["items"]] == ["sales", "team"] and again["scorecard_name"].endswith("（修订）")
    # a template in use is kept; an unused one can go
    tag = (await kpi.get(url, headers=MKT_VIEWER)).headers["etag"]
    assert (await kpi.delete(url, headers={**MKT_MANAGER, "If-Match": tag})).status_code == 409
    spare = (await kpi.post("/api/kpi/scorecards", json={**CARD, "name": "备用"}, headers=MKT_MANAGER)).json()
    assert (await kpi.delete(f"/api/kpi/scorecards/{spare['id']}", headers=MKT_MANAGER)).status_code == 204
    assert (await kpi.get(f"/api/kpi/scorecards/{spare['id']}", headers=MKT_VIEWER)).status_code == 404


async def test_a_finalised_assessment_keeps_the_items_it_was_scored_on(kpi):
    card = await setup(kpi)
    a = (await kpi.post("/api/kpi/assessments", headers=MKT_MANAGER,
                        json={"scorecard_id": card, "unit_id": MKT, "period": "2026-Q1"})).json()
    url = f"/api/kpi/assessments/{a['id']}"
    await kpi.put(url + "/scores", json={"qualitative": {"team": {"score": 8}}}, headers=MKT_MANAGER)
    done = (await kpi.post(url + "/finalize", json={}, headers=MKT_MANAGER)).json()
    tag = (await kpi.get(f"/api/kpi/scorecards/{card}", headers=MKT_VIEWER)).headers["etag"]
    items = [{**CARD["items"][0], "weight": 80}, CARD["items"][2]]
    assert (await kpi.patch(f"/api/kpi/scorecards/{card}", json={"items": items},
                            headers={**MKT_MANAGER, "If-Match": tag})).status_code == 200
    after = (await kpi.get(url, headers=MKT_VIEWER)).json()
    assert (after["items"], after["total"], after["grade"]) == (done["items"], done["total"], done["grade"])


NO_DATA_CARD = {"name": "市场部季度考核（含满意度）", "unit_id": MKT, "subject_kind": "unit",
                "items": [{"key": "sales", "kind": "indicator", "name": "销售额", "weight": 60,
                           "indicator_code": "sales", "rule": {"type": "linear_cap", "cap": 1.2}},
                          {"key": "csat", "kind": "indicator", "name": "客户满意度", "weight": 30,
                           "indicator_code": "customer_satisfaction"},
                          {"key": "policy", "kind": "indicator", "name": "制度执行率", "weight": 10,
                           "indicator_code": "policy_compliance", "rule": {"type": "veto", "floor": 1.0}}],
                "grades": [{"grade": "A", "min": 90}, {"grade": "B", "min": 80}, {"grade": "C", "min": 0}]}


async def test_an_indicator_without_data_is_no_data_not_zero_and_finalising_needs_a_reason(kpi):
    await batch(kpi, [point("sales", MKT_RES, "2026-01", 450)])
    await kpi.post("/api/kpi/targets", headers=MKT_MANAGER,
                   json={"indicator_code": "sales", "unit_id": MKT, "period": "2026-Q1", "value": 500})
    cid = (await kpi.post("/api/kpi/scorecards", json=NO_DATA_CARD, headers=MKT_MANAGER)).json()["id"]
    r = await kpi.post("/api/kpi/assessments", headers=MKT_MANAGER,
                       json={"scorecard_id": cid, "unit_id": MKT, "period": "2026-Q1"})
    assert r.status_code == 201, r.text
    a = r.json()
    items = {i["key"]: i for i in a["items"]}
    assert (items["csat"]["score"], items["csat"]["no_data"]) == (None, True)
    # the veto item without data vetoes nothing: it is a gap, listed with the others
    assert (items["policy"]["score"], items["policy"]["no_data"], items["policy"]["vetoed"]) == (None, True, False)
    assert items["sales"]["no_data"] is False
    # 450 / 500 → 90 points over the 60 % of the weight that has data: 90, not 54
    assert (a["total"], a["grade"], a["vetoed"]) == (pytest.approx(90.0), "A", False)
    assert (a["incomplete"], a["missing"], a["weight_counted"]) == (True, ["csat", "policy"], pytest.approx(60.0))
    url = f"/api/kpi/assessments/{a['id']}"
    bare = await kpi.post(url + "/finalize", json={}, headers={**MKT_MANAGER, "accept-language": "zh-CN"})
    assert bare.status_code == 422 and bare.json()["errors"][0]["field"] == "incomplete_reason"
    assert bare.json()["detail"] == ("以下指标项无数据：客户满意度、制度执行率；"
                                     "总分按其余 60% 的权重折算。定稿前请填写理由。")
    blank = await kpi.post(url + "/finalize", json={"incomplete_reason": "  "}, headers=MKT_MANAGER)
    assert blank.status_code == 422 and blank.json()["missing"] == ["csat", "policy"]
    assert (await kpi.get(url, headers=MKT_VIEWER)).json()["status"] == "draft"  # refused: nothing changed
    reason = "满意度调查本季度未开展，按销售额定稿"
    done = await kpi.post(url + "/finalize", json={"incomplete_reason": reason}, headers=MKT_MANAGER)
    assert done.status_code == 200, done.text
    assert (done.json()["status"], done.json()["incomplete"], done.json()["incomplete_reason"]) == \
        ("finalized", True, reason)
    [e] = await outbox(kpi, "kpi.assessment.finalized")
    assert (e.data["incomplete"], e.data["missing"], e.data["incomplete_reason"]) == (True, ["csat", "policy"], reason)
    audit = (await kpi.get("/api/kpi/audit", params={"subject_id": str(a["id"]), "action": "assessment.finalized"},
                           headers=ADMIN)).json()["items"]
    assert [x["after"]["incomplete_reason"] for x in audit] == [reason]


async def test_a_complete_assessment_is_finalised_without_a_reason(kpi):
    await batch(kpi, [point("sales", MKT_RES, "2026-01", 450), point("policy_compliance", MKT_RES, "2026-01", 100),
                      point("customer_satisfaction", MKT_RES, "2026-02", 90)])
    for code, value in (("sales", 500), ("policy_compliance", 95), ("customer_satisfaction", 90)):
        await kpi.post("/api/kpi/targets", headers=MKT_MANAGER,
                       json={"indicator_code": code, "unit_id": MKT, "period": "2026-Q1", "value": value})
    cid = (await kpi.post("/api/kpi/scorecards", json=NO_DATA_CARD, headers=MKT_MANAGER)).json()["id"]
    a = (await kpi.post("/api/kpi/assessments", headers=MKT_MANAGER,
                        json={"scorecard_id": cid, "unit_id": MKT, "period": "2026-Q1"})).json()
    assert (a["incomplete"], a["missing"], a["weight_counted"]) == (False, [], pytest.approx(100.0))
    done = await kpi.post(f"/api/kpi/assessments/{a['id']}/finalize", json={}, headers=MKT_MANAGER)
    assert done.status_code == 200 and done.json()["incomplete_reason"] is None


async def test_the_reason_asked_for_names_unnamed_items_by_their_indicator(kpi):
    card = {**NO_DATA_CARD, "items": [{**i, "name": ""} for i in NO_DATA_CARD["items"]]}
    await batch(kpi, [point("sales", MKT_RES, "2026-01", 450)])
    await kpi.post("/api/kpi/targets", headers=MKT_MANAGER,
                   json={"indicator_code": "sales", "unit_id": MKT, "period": "2026-Q1", "value": 500})
    cid = (await kpi.post("/api/kpi/scorecards", json=card, headers=MKT_MANAGER)).json()["id"]
    a = (await kpi.post("/api/kpi/assessments", headers=MKT_MANAGER,
                        json={"scorecard_id": cid, "unit_id": MKT, "period": "2026-Q1"})).json()
    r = await kpi.post(f"/api/kpi/assessments/{a['id']}/finalize", json={},
                       headers={**MKT_MANAGER, "accept-language": "zh-CN"})
    assert r.status_code == 422 and r.json()["detail"].startswith("以下指标项无数据：客户满意度、制度执行率；")
