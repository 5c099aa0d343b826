"""Flow editing's signer preview: who would sign each stage for a plan of a unit, derived from org's
authority model (never a hand-picked list), for the saved flow or a draft not yet saved."""

from datetime import UTC, datetime, timedelta

from tests.support import DEMO_IDS

ZH = {"Accept-Language": "zh-CN"}


async def preview(company, kind: str, unit: str, stages=None, username: str = "admin", **extra):
    body = {"unit_id": DEMO_IDS[unit], **({"stages": stages} if stages is not None else {}), **extra}
    return await company.planning.post(f"/api/planning/flows/{kind}/preview", json=body,
                                       headers={**await company.as_(username), **ZH})


def names(stage: dict) -> set[str]:
    return {p["name"] for p in stage["people"]}


async def test_the_saved_annual_flow_names_the_operations_director_then_the_general_manager(company):
    r = await preview(company, "annual", "MKT")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["draft"] is False and body["unit"] == {"id": DEMO_IDS["MKT"], "name": "市场部"}
    review, leadership = body["stages"]
    assert review["name"] == "运营管理部汇总审核" and names(review) == {"李运营总监"}
    assert review["people"][0]["positions"] == [{"title": "运营总监", "unit_name": "运营管理部", "delegated_by": None}]
    assert review["held_in_unit"] == {"id": DEMO_IDS["OPS"], "name": "运营管理部"}
    assert review["requirement_zh"] == "对全公司（华东燃气有限公司）的计划权，须由运营管理部的岗位持有"
    assert review["signers"] == "any" and review["signers_zh"].startswith("或签")
    # the operations department submitting its own plan passes its review; the last stage is never passed
    assert review["skipped_if_submitter_holds"] is True and leadership["skipped_if_submitter_holds"] is False
    assert names(leadership) == {"王总经理"} and leadership["warning_zh"] is None


async def test_a_department_and_a_branch_have_different_signers_for_their_own_and_parent_units(company):
    stages = [{"key": "own", "name": "本单位负责人审核", "right": "plan", "over": "unit"},
              {"key": "parent", "name": "上级单位审核", "right": "plan", "over": "parent", "held_in": None}]
    dept = (await preview(company, "annual", "MKT-RES", stages)).json()
    branch = (await preview(company, "annual", "SZ-SALES", stages)).json()
    assert dept["draft"] is True
    # the research team's parent is 市场部 (its manager signs); the branch's sales department's is 苏州分公司
    assert names(dept["stages"][1]) == {"张市场部经理", "王总经理", "李运营总监"}
    assert dept["stages"][1]["over_unit"]["name"] == "市场部"
    assert names(branch["stages"][1]) == {"陈分公司总经理", "王总经理", "李运营总监"}
    assert branch["stages"][1]["over_unit"]["name"] == "苏州分公司"
    assert "张市场部经理" not in names(branch["stages"][0]) and "陈分公司总经理" not in names(dept["stages"][0])


async def test_a_countersigned_stage_lists_every_holder(company):
    stages = [{"key": "joint", "name": "联合会签", "right": "plan", "over": "company", "signers": "all"},
              {"key": "ops", "name": "运营审核", "right": "plan", "over": "company", "held_in": "OPS"},
              {"key": "final", "name": "总经理审批", "right": "plan", "over": "company", "held_in": "company"}]
    joint, ops, _ = (await preview(company, "monthly", "MKT", stages)).json()["stages"]
    assert joint["signers"] == "all" and names(joint) == {"王总经理", "李运营总监"}
    assert joint["signers_zh"] == "会签：2 人均须签署"
    assert joint["skipped_if_submitter_holds"] is False and "会签" in joint["skip_note_zh"]
    # submitting stops at the 会签 stage, so the 或签 stage after it is never passed by the submission either
    assert ops["skipped_if_submitter_holds"] is False and ops["skip_note_zh"].startswith("此前有会签环节")


async def test_a_stage_nobody_holds_warns_that_the_plan_could_not_be_approved(company):
    stages = [{"key": "fin", "name": "财务部审核", "right": "dispatch", "over": "company", "held_in": "FIN"},
              {"key": "ghost", "name": "不存在的部门", "right": "plan", "over": "company", "held_in": "NOPE"}]
    fin, ghost = (await preview(company, "annual", "MKT", stages)).json()["stages"]
    for stage in (fin, ghost):
        assert stage["people"] == [] and stage["warning_zh"] == "无人持有此权力，提交后将无法审批"
    assert ghost["held_in_unit"] is None and "NOPE" in ghost["requirement_zh"]


async def test_a_stage_copies_the_holders_of_its_cc_rights(company):
    stages = [{"key": "review", "name": "运营审核", "right": "plan", "over": "company", "held_in": "OPS",
               "cc": [{"right": "plan", "over": "unit", "held_in": "SZ"}, {"right": "assess", "over": "company",
                                                                        "held_in": "FIN"}]}]
    r = await preview(company, "annual", "SZ", stages)
    assert r.status_code == 200, r.text
    branch, finance = r.json()["stages"][0]["cc"]
    assert {p["name"] for p in branch["people"]} == {"陈分公司总经理"} and branch["warning_zh"] is None
    assert finance["people"] == [] and finance["warning_zh"] == "无人持有此权力，无人会收到抄送"


async def test_a_draft_is_validated_as_saving_it_would_be(company):
    bad = await preview(company, "annual", "MKT", [{"key": "x", "name": "未知权力", "right": "rule"}])
    assert bad.status_code == 422
    assert "环节“未知权力”：没有这项权力" in bad.text
    bad_cc = await preview(company, "annual", "MKT", [{"key": "x", "name": "抄送", "right": "plan",
                                                       "cc": [{"right": "nope"}]}])
    assert bad_cc.status_code == 422 and "抄送须指明权力及范围" in bad_cc.text
    assert (await preview(company, "annual", "MKT", [])).status_code == 422
    # saving the same draft is refused the same way
    assert (await company.planning.patch("/api/planning/flows/annual", headers=await company.as_("admin"),
                                         json={"stages": [{"key": "x", "name": "未知权力", "right": "rule"}]})
            ).status_code == 422


async def test_unknown_fields_are_refused(company):
    assert (await preview(company, "annual", "MKT", approvers=["gm"])).status_code == 422
    r = await preview(company, "annual", "MKT", [{"key": "x", "name": "审核", "right": "plan", "approver": "gm"}])
    assert r.status_code == 422
    r = await preview(company, "annual", "MKT", [{"key": "x", "name": "审核", "right": "plan",
                                                  "cc": [{"right": "view", "user_id": 3}]}])
    assert r.status_code == 422


async def test_only_administrators_preview_a_flow(company):
    for username in ("gm", "ops_director", "market_mgr"):
        r = await preview(company, "annual", "MKT", username=username)
        assert r.status_code == 403, username
    assert (await company.planning.post("/api/planning/flows/annual/preview",
                                        json={"unit_id": DEMO_IDS["MKT"]})).status_code == 401


async def test_an_unknown_unit_or_kind_is_not_found(company):
    r = await company.planning.post("/api/planning/flows/annual/preview", json={"unit_id": 9999},
                                    headers={**await company.as_("admin"), **ZH})
    assert r.status_code == 404 and "9999" in r.json()["detail"]
    assert (await preview(company, "weekly", "MKT")).status_code == 404


async def test_cc_entries_are_saved_with_the_flow_and_read_back(company):
    admin = await company.as_("admin")
    flow = await company.planning.get("/api/planning/flows/monthly", headers=admin)
    stages = flow.json()["stages"]
    stages[0]["cc"] = [{"right": "view", "over": "unit", "held_in": None}]
    r = await company.planning.patch("/api/planning/flows/monthly", json={"stages": stages},
                                     headers={**admin, "If-Match": flow.headers["etag"]})
    assert r.status_code == 200, r.text
    assert r.json()["stages"][0]["cc"] == [{"right": "view", "over": "unit", "held_in": None}]
    # a stale version is refused
    stale = await company.planning.patch("/api/planning/flows/monthly", json={"stages": stages},
                                         headers={**admin, "If-Match": flow.headers["etag"]})
    assert stale.status_code == 412


async def test_a_delegate_signs_in_the_delegators_place_and_the_preview_says_so(company):
    now = datetime.now(UTC)
    r = await company.org.post("/api/org/delegations", headers=await company.as_("market_mgr"), json={
        "to_user_id": await company.user_id("analyst"), "starts_at": (now - timedelta(minutes=1)).isoformat(),
        "ends_at": (now + timedelta(hours=2)).isoformat(), "rights": ["plan"], "reason": "休假"})
    assert r.status_code == 201, r.text
    own = {"key": "own", "name": "部门负责人审核", "right": "plan", "over": "unit", "held_in": "MKT"}
    stage = (await preview(company, "annual", "MKT", [own])).json()["stages"][0]
    by_name = {p["name"]: p["positions"] for p in stage["people"]}
    assert by_name["张市场部经理"] == [{"title": "市场部经理", "unit_name": "市场部", "delegated_by": None}]
    assert by_name["刘市场调研专员"] == [{"title": "代理（授权委托）", "unit_name": "市场部", "delegated_by": None}]
