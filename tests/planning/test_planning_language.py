"""Planning answers refusals in the caller's language: Chinese with the SPA's words for statuses,
rights and fields for ``Accept-Language: zh-CN``, English for ``en`` and for callers that say nothing."""

from tests.planning.conftest import annual

ZH = {"Accept-Language": "zh-CN"}
EN = {"Accept-Language": "en"}


async def _act(company, username, plan, action, language, **body):
    return await company.planning.post(f"/api/planning/plans/{plan['id']}/{action}", json=body,
                                       headers={**await company.as_(username), **language})


async def test_a_veto_without_reason_is_refused_in_chinese_naming_the_field_label(company):
    plan = await company.create("market_mgr", **annual("MKT", "市场部计划"))
    await company.act("market_mgr", plan, "submit")
    zh = await _act(company, "gm", plan, "veto", ZH)
    assert zh.status_code == 422
    assert zh.json()["detail"] == "否决须说明理由。"
    assert zh.json()["errors"] == [{"field": "reason", "message": "否决须说明理由。"}]
    for language in (EN, {}):
        en = await _act(company, "gm", plan, "veto", language)
        assert en.json()["detail"] == "A veto (否决) needs a reason." and en.json()["title"] == "Validation error"


async def test_status_conflicts_and_refusals_name_statuses_and_people_in_chinese(company):
    plan = await company.create("market_mgr", **annual("MKT", "市场部计划"))
    await company.act("market_mgr", plan, "submit")
    own = await _act(company, "market_mgr", plan, "approve", ZH)
    assert own.status_code == 403 and own.json()["detail"] == "提交人不能批准自己提交的计划。"
    assert own.json()["title"] == "没有权限"
    again = await _act(company, "market_mgr", plan, "submit", ZH)
    assert again.status_code == 409
    assert again.json()["detail"] == "计划当前为已提交，不能提交；须为草稿或已退回。"
    assert "submitted" in (await _act(company, "market_mgr", plan, "submit", EN)).json()["detail"]


async def test_a_form_mistake_names_the_label_the_user_sees(company):
    headers = {**await company.as_("market_mgr"), **ZH}
    body = annual("MKT", "市场部计划", targets=(("sales", 10),))
    body["targets"][0]["value"] = "很多"
    r = await company.planning.post("/api/planning/plans", json=body, headers=headers)
    assert r.status_code == 422
    assert r.json()["detail"] == "业务目标 第 1 项 数值：应为数字"
    assert r.json()["errors"][0]["field"] == "targets.0.value"
