"""Comments and @mentions on planning's records with the demo company's people (a real org answering who may see
a unit's records): a mention of someone who may see the plan is stored and told through the outbox; a mention of
anyone else refuses the whole comment; the people who may not see a plan read and write none of its comments."""

from __future__ import annotations

from sqlalchemy import select

from services.planning.models import AuditEntry, Comment, OutboxEvent
from tests.planning.conftest import annual
from tests.planning.test_proposals import allow_anonymous, submit


def zh(headers: dict[str, str]) -> dict[str, str]:
    return {**headers, "Accept-Language": "zh-CN"}


def base(kind: str, rid: int) -> str:
    return f"/api/planning/records/{kind}/{rid}/comments"


async def mentioned_events(c) -> list[dict]:
    async with c.planning.app.state.db.reader() as s:
        return [e.data for e in (await s.execute(select(OutboxEvent).where(
            OutboxEvent.type == "planning.comment.mentioned").order_by(OutboxEvent.seq))).scalars()]


async def stored(c) -> int:
    async with c.planning.app.state.db.reader() as s:
        return len((await s.execute(select(Comment))).scalars().all())


async def test_a_mention_of_someone_who_sees_the_plan_is_stored_named_by_org_and_told(company):
    c = company
    plan = await c.create("market_mgr", **annual("MKT", "市场部2027年度运营计划"))
    ops = await c.user_id("ops_director")
    mgr = await c.as_("market_mgr")

    picker = await c.planning.get(f"{base('plan', plan['id'])}/mentionable", params={"q": "运营"}, headers=mgr)
    assert picker.status_code == 200, picker.text
    found = {p["name"]: p for p in picker.json()}
    assert found["李运营总监"]["user_id"] == ops
    assert found["李运营总监"]["units"] == ["运营管理部"] and found["李运营总监"]["positions"] == ["运营总监"]
    everyone = [p["name"] for p in (await c.planning.get(f"{base('plan', plan['id'])}/mentionable",
                                                         headers=mgr)).json()]
    assert "张市场部经理" not in everyone  # never the writer
    assert "陈分公司总经理" not in everyone and "刘市场调研专员" not in everyone  # they hold no view over 市场部

    # the name written in the token is whatever the writer typed; org's name is what is kept
    r = await c.planning.post(base("plan", plan["id"]), headers=mgr,
                              json={"body": f"@[李总](user:{ops}) 请审阅第三季度的销售目标。"})
    assert r.status_code == 201, r.text
    comment = r.json()
    assert comment["body"] == f"@[李运营总监](user:{ops}) 请审阅第三季度的销售目标。"
    assert comment["mentions"] == [{"user_id": ops, "name": "李运营总监"}]
    assert comment["author_name"] == "张市场部经理" and comment["mine"] is True
    assert r.headers["etag"] == f'"comment-{comment["id"]}-v1"'

    [event] = await mentioned_events(c)
    assert event["mentioned"] == [ops] and event["record_kind"] == "plan" and event["record_id"] == plan["id"]
    assert event["link"] == f"/plans/{plan['id']}" and event["title"] == "市场部2027年度运营计划"
    assert event["excerpt"] == "@李运营总监 请审阅第三季度的销售目标。" and event["author_name"] == "张市场部经理"

    # the mentioned person reads it; a reply mentions nobody and tells nobody
    threads = (await c.planning.get(base("plan", plan["id"]), headers=await c.as_("ops_director"))).json()
    assert [t["body"] for t in threads] == [comment["body"]] and threads[0]["mine"] is False
    r = await c.planning.post(base("plan", plan["id"]), headers=await c.as_("ops_director"),
                              json={"body": "收到，周五前回复。", "reply_to": comment["id"]})
    assert r.status_code == 201 and r.json()["parent_id"] == comment["id"]
    assert len(await mentioned_events(c)) == 1

    async with c.planning.app.state.db.reader() as s:
        actions = (await s.execute(select(AuditEntry.action).where(
            AuditEntry.subject_type == "plan", AuditEntry.subject_id == str(plan["id"]),
            AuditEntry.action.like("comment.%")))).scalars().all()
    assert actions == ["comment.added", "comment.added"]


async def test_mentioning_someone_who_cannot_see_the_plan_refuses_the_whole_comment(company):
    c = company
    plan = await c.create("market_mgr", **annual("MKT", "市场部2027年度运营计划"))
    ops, branch = await c.user_id("ops_director"), await c.user_id("branch_gm")
    r = await c.planning.post(base("plan", plan["id"]), headers=zh(await c.as_("market_mgr")), json={
        "body": f"@[李运营总监](user:{ops}) 和 @[陈总](user:{branch}) 一起看看"})
    assert r.status_code == 422, r.text
    problem = r.json()
    assert "陈总" in problem["detail"] and "提及不会授予任何权限" in problem["detail"]
    assert problem["not_allowed"] == ["陈总"]
    assert await stored(c) == 0 and await mentioned_events(c) == []


async def test_whoever_may_not_see_the_plan_reads_and_writes_none_of_its_comments(company):
    c = company
    plan = await c.create("market_mgr", **annual("MKT", "市场部2027年度运营计划"))
    outsider = await c.as_("branch_gm")  # 苏州分公司: nothing over 市场部's draft
    assert (await c.planning.get(base("plan", plan["id"]), headers=outsider)).status_code == 404
    assert (await c.planning.post(base("plan", plan["id"]), headers=outsider,
                                  json={"body": "路过"})).status_code == 404
    assert (await c.planning.get(f"{base('plan', plan['id'])}/mentionable", headers=outsider)).status_code == 404
    assert (await c.planning.get(base("plan", 999999), headers=outsider)).status_code == 404
    assert (await c.planning.get(base("meeting", plan["id"]), headers=outsider)).status_code == 404
    assert (await c.planning.get(base("plan", plan["id"]))).status_code == 401
    assert await stored(c) == 0


async def test_a_comment_must_say_something_and_carry_only_known_fields(company):
    c = company
    plan = await c.create("market_mgr", **annual("MKT", "市场部2027年度运营计划"))
    mgr = zh(await c.as_("market_mgr"))
    r = await c.planning.post(base("plan", plan["id"]), headers=mgr, json={"body": "   "})
    assert r.status_code == 422 and "评论内容不能为空" in r.text
    r = await c.planning.post(base("plan", plan["id"]), headers=mgr, json={"body": "好", "author": "1"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"].endswith("author")
    r = await c.planning.post(base("plan", plan["id"]), headers=mgr, json={"body": "长" * 4001})
    assert r.status_code == 422 and "4000" in r.text
    r = await c.planning.post(base("plan", plan["id"]), headers=mgr, json={"body": "好", "reply_to": 424242})
    assert r.status_code == 422 and "424242" in r.text
    assert await stored(c) == 0


async def test_edits_name_the_version_they_change_and_only_the_author_makes_them(company):
    c = company
    plan = await c.create("market_mgr", **annual("MKT", "市场部2027年度运营计划"))
    mgr = zh(await c.as_("market_mgr"))
    r = await c.planning.post(base("plan", plan["id"]), headers=mgr, json={"body": "初稿"})
    comment, tag = r.json(), r.headers["etag"]
    at = f"{base('plan', plan['id'])}/{comment['id']}"
    v2 = f'"comment-{comment["id"]}-v2"'

    assert (await c.planning.patch(at, headers=mgr, json={"body": "没带版本"})).status_code == 428
    r = await c.planning.patch(at, headers={**mgr, "If-Match": tag}, json={"body": "改稿"})
    assert r.status_code == 200 and r.json()["body"] == "改稿" and r.json()["version"] == 2
    r = await c.planning.patch(at, headers={**mgr, "If-Match": tag}, json={"body": "旧版本上的修改"})
    assert r.status_code == 412 and "已被修改" in r.text
    r = await c.planning.patch(at, headers={**zh(await c.as_("ops_director")), "If-Match": v2},
                               json={"body": "别人的修改"})
    assert r.status_code == 403 and "其他人（包括管理员）都不能修改" in r.text
    r = await c.planning.patch(at, headers={**mgr, "If-Match": v2},
                               json={"body": "改稿", "version": 2})
    assert r.status_code == 422  # no such field: the version travels as If-Match

    r = await c.planning.delete(at, headers={**mgr, "If-Match": v2})
    assert r.status_code == 204
    [thread] = (await c.planning.get(base("plan", plan["id"]), headers=mgr)).json()
    assert thread["deleted"] and thread["body"] == ""


async def test_a_proposer_commenting_on_their_anonymous_proposal_stays_anonymous_to_everyone_else(company):
    c = company
    await allow_anonymous(c, True)
    p = await submit(c, "analyst", anonymous=True)
    r = await c.planning.post(base("proposal", p["id"]), headers=await c.as_("analyst"),
                              json={"body": "补充：问卷可以复用现有模板。"})
    assert r.status_code == 201, r.text
    assert r.json()["author_name"] == "刘市场调研专员"  # to the proposer, their own name

    [seen] = (await c.planning.get(base("proposal", p["id"]), headers=await c.as_("market_mgr"))).json()
    assert seen["author_name"] == "匿名提案人" and seen["author"] is None
    # nor can anyone find the proposer among whom to mention
    names = [x["name"] for x in (await c.planning.get(f"{base('proposal', p['id'])}/mentionable",
                                                      headers=await c.as_("market_mgr"))).json()]
    assert "刘市场调研专员" not in names
