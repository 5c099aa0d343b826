"""On-site inspections: templates by guide, scheduling by assess, performing by the inspector position's holder."""

from datetime import timedelta

from services.common import clock
from services.common.authz import Grant
from tests.kpi.conftest import ADMIN, OPS, outbox
from tests.support import DEMO_IDS, DEMO_PATHS, bearer, make_token

SUP, SAF, MKT_RES = DEMO_IDS["OPS-SUP"], DEMO_IDS["OPS-SAF"], DEMO_IDS["MKT-RES"]
INSPECTOR_POSITION = 31


def _token(*grants: tuple, sub: str, name: str, position: int) -> dict[str, str]:
    held = DEMO_PATHS["OPS"]
    return bearer(make_token(*[Grant(r, p, m, held, f"position:{position}") for r, p, m in grants], sub=sub,
                             name=name))


# 运营总监: guide, assess and view over the operations department's sections
DIRECTOR = _token(("guide", DEMO_PATHS["OPS"], "subtree"), ("assess", DEMO_PATHS["OPS"], "descendants"),
                  ("view", DEMO_PATHS["OPS"], "subtree"), sub="3", name="李运营总监", position=3)
# 安全员: holds the inspector position (view over the safety section only)
INSPECTOR = _token(("view", DEMO_PATHS["OPS-SAF"], "exact"), sub="31", name="孙安全员", position=INSPECTOR_POSITION)
# another employee of the operations department, not holding the inspector position
COLLEAGUE = _token(("view", DEMO_PATHS["OPS"], "subtree"), sub="32", name="周专员", position=32)
# 市场部经理: assess and guide in marketing, nothing over operations
MARKETING = _token(("guide", DEMO_PATHS["MKT"], "subtree"), ("assess", DEMO_PATHS["MKT"], "subtree"),
                   ("view", DEMO_PATHS["MKT"], "subtree"), sub="4", name="张市场部经理", position=4)

ITEMS = [
    {"key": "leak", "text": "加气机及管线无泄漏", "criterion": "检漏仪读数为 0", "weight": 3, "kind": "pass_fail",
     "severity": "major"},
    {"key": "extinguisher", "text": "灭火器在有效期内", "criterion": "压力表指针在绿区", "weight": 1},
    {"key": "training", "text": "员工安全培训", "criterion": "抽查 3 人", "weight": 1, "kind": "score",
     "max_score": 10},
]


def template_body(**kw):
    return {"name": "加气站安全检查表", "unit_kind": "section", "unit_id": OPS, "items": ITEMS, **kw}


def due(days: int = 7) -> str:
    return (clock.today() + timedelta(days=days)).isoformat()


async def make_template(kpi, **kw) -> dict:
    r = await kpi.post("/api/kpi/inspection-templates", json=template_body(**kw), headers=DIRECTOR)
    assert r.status_code == 201, r.text
    return r.json()


async def schedule(kpi, template_id: int, *, unit_id: int = SAF, frequency: str = "once", headers=DIRECTOR,
                   **kw) -> dict:
    r = await kpi.post("/api/kpi/inspections", headers=headers, json={
        "template_id": template_id, "unit_id": unit_id, "inspector_position_id": INSPECTOR_POSITION,
        "inspector_title": "安全员", "due": due(), "frequency": frequency, **kw})
    assert r.status_code == 201, r.text
    return r.json()


async def results(kpi, inspection_id: int, rows: list[dict], headers=INSPECTOR, **extra):
    return await kpi.post(f"/api/kpi/inspections/{inspection_id}/results", json={"results": rows},
                          headers={**headers, **extra})


FAILING = [{"key": "leak", "outcome": "fail", "note": "3号加气机接头有气味"},
           {"key": "extinguisher", "outcome": "pass"}, {"key": "training", "score": 8}]


# --- templates -------------------------------------------------------------------------------

async def test_a_template_needs_guide_over_its_owning_unit_and_a_sound_checklist(kpi):
    url = "/api/kpi/inspection-templates"
    assert (await kpi.post(url, json=template_body(), headers=MARKETING)).status_code == 403
    assert (await kpi.post(url, json=template_body(), headers=INSPECTOR)).status_code == 403
    unknown = await kpi.post(url, json=template_body(owner="me"), headers=DIRECTOR)
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "owner"
    twice = await kpi.post(url, json=template_body(items=[ITEMS[0], ITEMS[0]]), headers=DIRECTOR)
    assert twice.status_code == 422
    no_max = await kpi.post(url, json=template_body(items=[{**ITEMS[2], "max_score": None}]), headers=DIRECTOR)
    assert no_max.status_code == 422
    assert (await kpi.get(url, headers=DIRECTOR)).json()["items"] == []
    t = await make_template(kpi)
    assert (t["revision"], t["status"], t["unit_name"], t["family_id"]) == (1, "active", "运营管理部", t["id"])
    # anyone with view somewhere in the company reads the active templates
    listed = await kpi.get(url, headers=MARKETING)
    assert [x["id"] for x in listed.json()["items"]] == [t["id"]]
    nobody = bearer(make_token(sub="99", name="nobody"))
    assert (await kpi.get(url, headers=nobody)).json()["items"] == []


async def test_editing_a_used_template_writes_a_new_revision_and_the_inspection_keeps_its_items(kpi):
    t = await make_template(kpi)
    url = f"/api/kpi/inspection-templates/{t['id']}"
    # unused: edited in place
    r = await kpi.patch(url, json={"description": "每月一次"}, headers=DIRECTOR)
    assert r.status_code == 200 and (r.json()["id"], r.json()["revision"]) == (t["id"], 1)
    i = await schedule(kpi, t["id"])
    stale = await kpi.patch(url, json={"name": "改"}, headers={**DIRECTOR, "If-Match": r.headers["etag"].replace(
        f"-v{r.json()['version']}", "-v1")})
    assert stale.status_code == 412
    assert (await kpi.patch(url, json={"name": "改"}, headers=MARKETING)).status_code == 403
    revised = await kpi.patch(url, json={"items": ITEMS[:2]}, headers={**DIRECTOR, "If-Match": r.headers["etag"]})
    assert revised.status_code == 200, revised.text
    new = revised.json()
    assert (new["revision"], new["family_id"], len(new["items"])) == (2, t["id"], 2) and new["id"] != t["id"]
    assert (await kpi.get(url, headers=DIRECTOR)).json()["status"] == "superseded"
    assert (await kpi.patch(url, json={"name": "再改"}, headers=DIRECTOR)).status_code == 409
    kept = (await kpi.get(f"/api/kpi/inspections/{i['id']}", headers=DIRECTOR)).json()
    assert [x["key"] for x in kept["items"]] == ["leak", "extinguisher", "training"]
    # the old revision no longer schedules
    old = await kpi.post("/api/kpi/inspections", headers=DIRECTOR, json={
        "template_id": t["id"], "unit_id": SAF, "inspector_position_id": 31, "inspector_title": "安全员", "due": due()})
    assert old.status_code == 422 and old.json()["errors"][0]["field"] == "template_id"
    retired = await kpi.post(f"/api/kpi/inspection-templates/{new['id']}/retire", headers=DIRECTOR)
    assert retired.status_code == 200 and retired.json()["status"] == "retired"
    assert (await kpi.get("/api/kpi/inspection-templates", headers=DIRECTOR)).json()["items"] == []


# --- scheduling ------------------------------------------------------------------------------

async def test_scheduling_needs_assess_over_the_unit_and_a_template_for_its_kind(kpi):
    t = await make_template(kpi)
    body = {"template_id": t["id"], "unit_id": SAF, "inspector_position_id": INSPECTOR_POSITION,
            "inspector_title": "安全员", "due": due()}
    url = "/api/kpi/inspections"
    assert (await kpi.post(url, json=body, headers=INSPECTOR)).status_code == 403
    assert (await kpi.post(url, json=body, headers=MARKETING)).status_code == 403
    # the director assesses the sections under operations, not the department itself
    ops = await kpi.post(url, json={**body, "unit_id": OPS}, headers=DIRECTOR)
    assert ops.status_code == 403
    admin_ops = await kpi.post(url, json={**body, "unit_id": OPS}, headers=ADMIN)
    assert admin_ops.status_code == 422 and admin_ops.json()["errors"][0]["field"] == "unit_id"
    past = await kpi.post(url, json={**body, "due": (clock.today() - timedelta(days=1)).isoformat()}, headers=DIRECTOR)
    assert past.status_code == 422 and past.json()["errors"][0]["field"] == "due"
    extra = await kpi.post(url, json={**body, "inspector": "me"}, headers=DIRECTOR)
    assert extra.status_code == 422
    assert (await kpi.post(url, json={**body, "frequency": "daily"}, headers=DIRECTOR)).status_code == 422
    assert (await kpi.get(url, headers=DIRECTOR)).json()["items"] == []
    r = await kpi.post(url, json=body, headers=DIRECTOR)
    assert r.status_code == 201, r.text
    i = r.json()
    assert (i["status"], i["unit_name"], i["total_items"], i["can_manage"], i["is_inspector"]) == \
        ("scheduled", "安全科", 3, True, False)
    [e] = await outbox(kpi, "kpi.inspection.scheduled")
    assert (e.data["id"], e.data["inspector_position_id"]) == (i["id"], INSPECTOR_POSITION)
    # the inspector sees it in their to-do list (the inbox part); others' positions do not
    mine = await kpi.get(url, params={"mine": "true", "open": "true"}, headers=INSPECTOR)
    assert [x["id"] for x in mine.json()["items"]] == [i["id"]] and mine.json()["items"][0]["is_inspector"]
    assert (await kpi.get(url, params={"mine": "true"}, headers=COLLEAGUE)).json()["items"] == []
    assert (await kpi.get(url, headers=MARKETING)).json()["items"] == []
    assert (await kpi.get(f"{url}/{i['id']}", headers=MARKETING)).status_code == 403


async def test_the_scheduler_reassigns_and_cancels_and_the_inspector_cannot(kpi):
    t = await make_template(kpi)
    i = await schedule(kpi, t["id"])
    url = f"/api/kpi/inspections/{i['id']}"
    assert (await kpi.post(url + "/cancel", json={"reason": "不去了"}, headers=INSPECTOR)).status_code == 403
    moved = await kpi.patch(url, json={"inspector_position_id": 32, "inspector_title": "专员"}, headers=DIRECTOR)
    assert moved.status_code == 200 and moved.json()["inspector_title"] == "专员"
    assert (await results(kpi, i["id"], FAILING[:1])).status_code == 403  # no longer the inspector
    assert (await results(kpi, i["id"], FAILING[:1], headers=COLLEAGUE)).status_code == 200
    assert (await kpi.post(url + "/cancel", json={}, headers=DIRECTOR)).status_code == 422
    gone = await kpi.post(url + "/cancel", json={"reason": "安全科整体搬迁"}, headers=DIRECTOR)
    assert gone.status_code == 200 and gone.json()["status"] == "cancelled"
    [e] = await outbox(kpi, "kpi.inspection.cancelled")
    assert e.data["cancel_reason"] == "安全科整体搬迁"
    assert (await kpi.post(url + "/cancel", json={"reason": "again"}, headers=DIRECTOR)).status_code == 409
    assert (await results(kpi, i["id"], FAILING[:1], headers=COLLEAGUE)).status_code == 409


# --- performing ------------------------------------------------------------------------------

async def test_only_the_inspector_records_results_and_wrong_answers_change_nothing(kpi):
    t = await make_template(kpi)
    i = await schedule(kpi, t["id"])
    assert (await results(kpi, i["id"], FAILING, headers=COLLEAGUE)).status_code == 403
    assert (await results(kpi, i["id"], FAILING, headers=DIRECTOR)).status_code == 403
    for bad in ([{"key": "nope", "outcome": "pass"}], [{"key": "leak", "score": 3}],
                [{"key": "training", "outcome": "pass"}], [{"key": "training", "score": 11}],
                [{"key": "leak", "outcome": "maybe"}], [{"key": "leak", "outcome": "pass", "photo": "x"}],
                [{"key": "extinguisher", "outcome": "pass"}, {"key": "nope", "outcome": "pass"}]):
        r = await results(kpi, i["id"], bad)
        assert r.status_code == 422, (bad, r.text)
    same = (await kpi.get(f"/api/kpi/inspections/{i['id']}", headers=INSPECTOR)).json()
    assert (same["status"], same["answered_items"], same["version"]) == ("scheduled", 0, i["version"])
    r = await results(kpi, i["id"], FAILING[:2])
    assert r.status_code == 200, r.text
    got = r.json()
    assert (got["status"], got["answered_items"], got["failed_items"]) == ("in_progress", 2, 1)
    assert [x["passed"] for x in got["items"]] == [False, True, None]
    # stale If-Match: refused, nothing changes
    stale = await results(kpi, i["id"], [{"key": "leak", "outcome": "pass"}], **{"If-Match": r.headers["etag"]
                                                                                 .replace(f"v{got['version']}", "v1")})
    assert stale.status_code == 412
    assert (await kpi.get(f"/api/kpi/inspections/{i['id']}", headers=INSPECTOR)).json()["items"][0]["outcome"] == "fail"
    # submitting needs every item answered
    early = await kpi.post(f"/api/kpi/inspections/{i['id']}/submit", headers=INSPECTOR)
    assert early.status_code == 422 and "training" in early.json()["detail"]


async def test_submitting_fixes_the_score_and_raises_a_finding_for_each_failed_item(kpi):
    t = await make_template(kpi)
    i = await schedule(kpi, t["id"])
    r = await results(kpi, i["id"], FAILING)
    url = f"/api/kpi/inspections/{i['id']}/submit"
    assert (await kpi.post(url, headers=COLLEAGUE)).status_code == 403
    stale = await kpi.post(url, headers={**INSPECTOR, "If-Match": f'"inspection-{i["id"]}-v1"'})
    assert stale.status_code == 412
    done = await kpi.post(url, headers={**INSPECTOR, "If-Match": r.headers["etag"]})
    assert done.status_code == 200, done.text
    s = done.json()
    # (3×0 + 1×1 + 1×0.8) ÷ 5 = 36%
    assert (s["status"], s["score"], s["passed_items"], s["failed_items"]) == ("submitted", 36.0, 2, 1)
    assert s["submitted_by_name"] == "孙安全员"
    [leak] = [x for x in s["items"] if x["key"] == "leak"]
    [finding] = s["findings"]
    assert (leak["finding_id"], finding["source_ref"], finding["severity"]) == (finding["id"], "leak", "major")
    # the finding is an ordinary 整改 action, raised by the inspector, who verifies it
    action = (await kpi.get(f"/api/kpi/actions/{finding['action_id']}", headers=DIRECTOR)).json()
    assert (action["origin"], action["origin_ref"], action["raised_by"], action["status"]) == \
        ("inspection", f"finding:{finding['id']}", "31", "open")
    assert "3号加气机接头有气味" in action["description"]
    [e] = await outbox(kpi, "kpi.inspection.submitted")
    assert (e.data["score"], e.data["failed_items"]) == (36.0, 1)
    assert [f.data["source_ref"] for f in await outbox(kpi, "kpi.finding.raised")] == ["leak"]
    assert (await kpi.post(url, headers=INSPECTOR)).status_code == 409
    assert (await results(kpi, i["id"], FAILING)).status_code == 409


async def test_the_monthly_pass_rate_is_measured_for_the_unit(kpi):
    t = await make_template(kpi)
    for rows in (FAILING, [{"key": "leak", "outcome": "pass"}, {"key": "extinguisher", "outcome": "na"},
                           {"key": "training", "score": 4}]):
        i = await schedule(kpi, t["id"])
        await results(kpi, i["id"], rows)
        assert (await kpi.post(f"/api/kpi/inspections/{i['id']}/submit", headers=INSPECTOR)).status_code == 200
    month = clock.today().isoformat()[:7]
    r = await kpi.get("/api/kpi/measurements", headers=ADMIN,
                      params={"indicator_code": "inspection_pass_rate", "unit_id": SAF, "period": month})
    assert r.status_code == 200, r.text
    [point] = [p for p in r.json()["items"] if p["source"] == "inspection"]
    # 2 of 3 passed, then 1 of 2 (the na item counts nowhere): 3 of 5
    assert (point["value"], point["period"]) == (60.0, month)
    # an ordinary measurement: below the indicator's critical value (80%) it crosses, as any indicator does
    crossed = [e.data for e in await outbox(kpi) if e.data["indicator_code"] == "inspection_pass_rate"]
    assert [(c["unit_id"], c["period"], c["level"]) for c in crossed][-1] == (SAF, month, "critical")


async def test_a_recurring_inspection_generates_the_next_once(kpi):
    t = await make_template(kpi)
    first = await schedule(kpi, t["id"], frequency="monthly")
    assert first["frequency"] == "monthly" and first["schedule_id"] is not None
    gen = "/api/kpi/inspection-schedules/generate"
    assert (await kpi.post(gen, headers=DIRECTOR)).status_code == 403
    assert (await kpi.post(gen, headers=ADMIN)).json() == {"generated": 0}  # the first is still open
    await results(kpi, first["id"], FAILING)
    assert (await kpi.post(f"/api/kpi/inspections/{first['id']}/submit", headers=INSPECTOR)).status_code == 200
    listed = (await kpi.get("/api/kpi/inspections", params={"open": "true"}, headers=DIRECTOR)).json()["items"]
    [nxt] = listed
    assert nxt["schedule_id"] == first["schedule_id"] and nxt["id"] != first["id"]
    assert nxt["due"] > first["due"]
    assert (await kpi.post(gen, headers=ADMIN)).json() == {"generated": 0}
    # stopping the schedule: cancelling the open one generates nothing more
    [sched] = (await kpi.get("/api/kpi/inspection-schedules", headers=DIRECTOR)).json()["items"]
    stop = f"/api/kpi/inspection-schedules/{sched['id']}/stop"
    assert (await kpi.post(stop, headers=INSPECTOR)).status_code == 403
    assert (await kpi.post(stop, headers=DIRECTOR)).json()["active"] is False
    await kpi.post(f"/api/kpi/inspections/{nxt['id']}/cancel", json={"reason": "停止"}, headers=DIRECTOR)
    assert (await kpi.get("/api/kpi/inspections", params={"open": "true"}, headers=DIRECTOR)).json()["items"] == []
    assert (await kpi.post(gen, headers=ADMIN)).json() == {"generated": 0}


async def test_the_register_exports_to_excel_with_chinese_headers(kpi):
    from io import BytesIO

    from openpyxl import load_workbook

    t = await make_template(kpi)
    await schedule(kpi, t["id"])
    r = await kpi.get("/api/kpi/inspections/export.xlsx", headers=DIRECTOR)
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    ws = load_workbook(BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("编号", "被检查单位", "检查表") and rows[1][1] == "安全科" and rows[1][7] == "待检查"
    assert len(list(load_workbook(BytesIO((await kpi.get("/api/kpi/inspections/export.xlsx",
                                                         headers=MARKETING)).content)).active.iter_rows())) == 1


async def test_the_demo_company_has_a_gas_station_checklist_and_a_submitted_inspection_with_a_finding(databases):
    from services.kpi.app import create_app
    from services.kpi.inspections.demo import Inspector, seed_inspections
    from tests.support import load_demo_units, running, settings, use_test_keys

    app = create_app(settings("kpi", await databases.fresh("kpi"), demo=True))
    use_test_keys(app)

    async def director(unit):
        return Inspector(position_id=3, user_id=3, name="李运营总监")

    async with running(app) as kpi:
        rt = app.state.runtime
        assert await seed_inspections(rt, inspector=director) is False  # no org read-model yet
        await load_demo_units(app)
        assert await seed_inspections(rt, inspector=director) is True
        assert await seed_inspections(rt, inspector=director) is False  # never twice
        [t] = [x for x in (await kpi.get("/api/kpi/inspection-templates", headers=DIRECTOR)).json()["items"]
               if x["name"] == "加气站安全检查表"]
        assert t["unit_kind"] == "section" and len(t["items"]) == 8
        register = (await kpi.get("/api/kpi/inspections", headers=ADMIN)).json()["items"]
        assert sorted((i["unit_name"], i["status"]) for i in register) == [
            ("供应科", "scheduled"), ("供应科", "submitted"), ("调度科", "scheduled")]
        [done] = [i for i in register if i["status"] == "submitted"]
        detail = (await kpi.get(f"/api/kpi/inspections/{done['id']}", headers=ADMIN)).json()
        assert [f["source_ref"] for f in detail["findings"]] == ["extinguisher"]
        assert 80 < detail["score"] < 100


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


async def test_evidence_photos_are_kept_per_item_for_the_inspector_only(kpi):
    t = await make_template(kpi)
    i = await schedule(kpi, t["id"])
    url = f"/api/kpi/inspections/{i['id']}/items/leak/evidence"

    def photo(content=PNG, name="现场.png"):
        return {"file": (name, content, "image/png")}

    assert (await kpi.post(url, files=photo(), headers=COLLEAGUE)).status_code == 403
    assert (await kpi.post(url, files=photo(), headers=DIRECTOR)).status_code == 403
    bad = await kpi.post(url, files=photo(b"<html><script>alert(1)</script>", "x.png"), headers=INSPECTOR)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "file"
    # checked as every attachment is: a PDF named as a photo is disguised, more than the limit is too large
    disguised = await kpi.post(url, files=photo(b"%PDF-1.4\n%%EOF\n", "现场.png"),
                               headers={**INSPECTOR, "Accept-Language": "zh-CN"})
    assert disguised.status_code == 422 and "伪装" in disguised.json()["detail"]
    big = await kpi.post(url, files=photo(PNG + b"\x00" * (20 * 1024 * 1024)), headers=INSPECTOR)
    assert big.status_code == 413
    nokey = await kpi.post(f"/api/kpi/inspections/{i['id']}/items/nope/evidence", files=photo(), headers=INSPECTOR)
    assert nokey.status_code == 422
    stale = await kpi.post(url, files=photo(), headers={**INSPECTOR, "If-Match": f'"inspection-{i["id"]}-v9"'})
    assert stale.status_code == 412
    same = (await kpi.get(f"/api/kpi/inspections/{i['id']}", headers=INSPECTOR)).json()
    assert (same["version"], same["status"], same["items"][0]["files"]) == (i["version"], "scheduled", [])
    r = await kpi.post(url, files=photo(), headers=INSPECTOR)
    assert r.status_code == 201, r.text
    [f] = r.json()["items"][0]["files"]
    assert (f["name"], f["content_type"], r.json()["status"]) == ("现场.png", "image/png", "in_progress")
    got = await kpi.get(f["url"], params={"inline": 1}, headers=DIRECTOR)  # view over the unit
    assert got.status_code == 200 and got.content == PNG
    assert (await kpi.get(f["url"], headers=MARKETING)).status_code == 403
    await results(kpi, i["id"], FAILING)
    await kpi.post(f"/api/kpi/inspections/{i['id']}/submit", headers=INSPECTOR)
    assert (await kpi.post(url, files=photo(), headers=INSPECTOR)).status_code == 409


async def test_the_inspector_records_a_finding_by_hand_with_a_risk_to_raise(kpi):
    t = await make_template(kpi)
    i = await schedule(kpi, t["id"])
    url = f"/api/kpi/inspections/{i['id']}/findings"
    body = {"title": "LNG 卸车区未设围堰", "description": "现场发现", "severity": "critical", "due": due(5),
            "risk": {"category": "safety", "likelihood": 3, "impact": 5}}
    assert (await kpi.post(url, json=body, headers=DIRECTOR)).status_code == 403
    assert (await kpi.post(url, json={**body, "severity": "grave"}, headers=INSPECTOR)).status_code == 422
    assert (await kpi.post(url, json={**body, "source_ref": "nope"}, headers=INSPECTOR)).status_code == 422
    r = await kpi.post(url, json={**body, "source_ref": "leak"}, headers=INSPECTOR)
    assert r.status_code == 201, r.text
    assert (r.json()["severity"], r.json()["source_ref"]) == ("critical", "leak")
    [raised] = await outbox(kpi, "kpi.finding.raised")
    assert raised.data["risk"]["category"] == "safety"
    # the failed item already has its finding: submitting raises none more for it
    await results(kpi, i["id"], FAILING)
    s = (await kpi.post(f"/api/kpi/inspections/{i['id']}/submit", headers=INSPECTOR)).json()
    assert [f["title"] for f in s["findings"]] == ["LNG 卸车区未设围堰"]


async def test_a_failed_item_is_rectified_overdue_flagged_completed_and_verified_by_the_inspector_closing_it(kpi):
    from services.kpi.actions.service import flag_overdue

    t = await make_template(kpi)
    i = await schedule(kpi, t["id"])
    await results(kpi, i["id"], FAILING)
    s = (await kpi.post(f"/api/kpi/inspections/{i['id']}/submit", headers=INSPECTOR,
                        json={"finding_due": due(3)})).json()
    [finding] = s["findings"]
    action_url = f"/api/kpi/actions/{finding['action_id']}"
    # past its deadline the overdue scan flags it, as every 整改
    async with kpi.app.state.db.writer() as session:
        assert await flag_overdue(session, today=clock.today() + timedelta(days=4)) == 1
        await session.commit()
    assert (await kpi.get(action_url, headers=DIRECTOR)).json()["overdue"] is True
    [overdue] = await outbox(kpi, "kpi.action.overdue")
    assert overdue.data["origin_ref"] == f"finding:{finding['id']}"
    # the section's planner completes it; only the inspector who raised it verifies, which closes the finding
    planner = _token(("plan", DEMO_PATHS["OPS-SAF"], "subtree"), ("view", DEMO_PATHS["OPS-SAF"], "subtree"),
                     sub="33", name="安全科主管", position=33)
    done = await kpi.post(action_url + "/complete", json={"evidence": [{"note": "已更换 2 具灭火器"}]}, headers=planner)
    assert done.status_code == 200, done.text
    assert (await kpi.post(action_url + "/verify", json={"accepted": True}, headers=DIRECTOR)).status_code == 403
    ok = await kpi.post(action_url + "/verify", json={"accepted": True, "note": "现场复查合格"}, headers=INSPECTOR)
    assert ok.status_code == 200, ok.text
    closed = (await kpi.get(f"/api/kpi/inspections/{i['id']}", headers=DIRECTOR)).json()["findings"][0]
    assert (closed["status"], closed["action_status"]) == ("closed", "verified")
    assert [e.data["id"] for e in await outbox(kpi, "kpi.finding.closed")] == [finding["id"]]
