"""The server answers in the caller's language: Chinese for ``Accept-Language: zh-CN`` (the SPA),
English for ``en`` and for callers that send nothing; field errors name the labels users see."""

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from services.common.api import PeriodText
from services.common.app import create_service_app
from services.common.i18n import field_label, preferred_language
from services.common.problems import Conflict, Invalid
from tests.support import running, settings

ZH = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}
EN = {"Accept-Language": "en-US,en;q=0.9"}

router = APIRouter()


class Target(BaseModel):
    model_config = ConfigDict(extra="forbid")
    indicator_code: str
    value: float


class Review(BaseModel):
    model_config = ConfigDict(extra="forbid")
    comment: str = Field(min_length=1)
    kind: Literal["annual", "quarterly", "monthly"] = "annual"
    period: PeriodText = "2027"
    targets: list[Target] = []


@router.post("/reviews")
async def review(body: Review):
    return body


@router.get("/done")
async def done():
    raise Conflict("This plan is issued already.", zh="此计划已下达。", field="status")


@router.get("/vetoed")
async def vetoed():
    raise Invalid("A veto needs a reason.", zh="否决须填写否决理由。", field="reason")


@router.get("/boom")
async def boom():
    raise RuntimeError("secret internal detail")


async def app_client(databases):
    app = create_service_app(settings("planning", await databases.fresh("planning")), title="t", routers=[router])
    return running(app)


def test_the_preferred_language_follows_the_callers_order_and_weights():
    assert preferred_language("zh-CN") == "zh-CN"
    assert preferred_language("zh-CN,zh;q=0.9,en;q=0.8") == "zh-CN"
    assert preferred_language("en-US,zh-CN;q=0.5") == "en"
    assert preferred_language("en;q=0.4,zh-TW;q=0.8") == "zh-CN"
    assert preferred_language(None) == preferred_language("") == "en"


def test_field_paths_read_as_the_labels_users_see():
    assert field_label("comment") == "意见"
    assert field_label("reason") == "理由"
    assert field_label("targets.2.value") == "业务目标 第 3 项 数值"


async def test_a_refusal_is_answered_in_chinese_for_zh_and_in_english_otherwise(databases):
    async with await app_client(databases) as c:
        zh = (await c.get("/api/planning/done", headers=ZH)).json()
        assert zh["detail"] == "此计划已下达。" and zh["title"] == "与当前状态冲突" and zh["field"] == "status"
        field = (await c.get("/api/planning/vetoed", headers=ZH)).json()
        assert field["errors"] == [{"field": "reason", "message": "否决须填写否决理由。"}]
        for headers in (EN, {}):
            en = (await c.get("/api/planning/done", headers=headers)).json()
            assert en["detail"] == "This plan is issued already." and en["title"] == "Conflict"
            field = (await c.get("/api/planning/vetoed", headers=headers)).json()
            assert field["errors"] == [{"field": "reason", "message": "A veto needs a reason."}]


async def test_a_422_names_the_field_by_its_label_in_chinese_and_keeps_the_json_path(databases):
    async with await app_client(databases) as c:
        r = await c.post("/api/planning/reviews", json={"comment": ""}, headers=ZH)
        body = r.json()
        assert r.status_code == 422 and body["title"] == "输入有误"
        assert body["detail"] == "意见：至少 1 个字符"
        assert body["errors"][0]["field"] == "comment" and body["errors"][0]["message"] == "至少 1 个字符"

        r = await c.post("/api/planning/reviews", json={"comment": "ok", "targets": [{"indicator_code": "sales",
                                                                                    "value": "lots"}]}, headers=ZH)
        body = r.json()
        assert body["detail"] == "业务目标 第 1 项 数值：应为数字"
        assert body["errors"][0]["field"] == "targets.0.value"

        en = (await c.post("/api/planning/reviews", json={"comment": ""})).json()
        assert en["detail"].startswith("comment: String should have at least 1 character")
        assert en["title"] == "Validation error" and en["errors"][0]["message"].startswith("String should")


async def test_chinese_422_messages_per_kind_of_mistake(databases):
    async with await app_client(databases) as c:
        async def first(body):
            r = await c.post("/api/planning/reviews", json=body, headers=ZH)
            assert r.status_code == 422, r.text
            return r.json()["errors"][0]["message"], r.json()["detail"]

        assert await first({}) == ("必填", "意见：必填")
        assert await first({"comment": "ok", "colour": "red"}) == ("不允许的字段", "colour：不允许的字段")
        assert (await first({"comment": "ok", "kind": "weekly"}))[0] == "应为以下之一：annual、quarterly、monthly"
        # a validator's own Chinese (the period parser) reaches the form
        assert (await first({"comment": "ok", "period": "2027-13"}))[1] == "期间：“2027-13”：月份应为 01 至 12"
        several = (await c.post("/api/planning/reviews", json={"comment": "", "kind": "x"}, headers=ZH)).json()
        assert several["detail"] == "意见：至少 1 个字符（另有 1 处）"
        assert [e["field"] for e in several["errors"]] == ["comment", "kind"]


async def test_framework_answers_and_the_500_speak_chinese_too(databases):
    async with await app_client(databases) as c:
        nf = await c.get("/api/planning/nowhere", headers=ZH)
        assert nf.status_code == 404 and nf.json()["title"] == "未找到" and "没有这个地址" in nf.json()["detail"]
        mna = await c.delete("/api/planning/reviews", headers=ZH)
        assert mna.status_code == 405 and mna.json()["detail"] == "此地址不支持这种操作。"
        boom = await c.get("/api/planning/boom", headers=ZH)
        assert boom.status_code == 500 and boom.json()["title"] == "服务器内部错误"
        assert "已记录" in boom.json()["detail"] and "secret" not in boom.text
        assert (await c.get("/api/planning/boom")).json()["title"] == "Internal error"
        assert (await c.get("/api/planning/nowhere")).json()["title"] == "Not found"
