"""Process optimisation projects: every step refused for someone without the right or in the wrong state,
and a refused request changes nothing; unknown fields; stale If-Match; the review-due scan says it once."""

from datetime import timedelta

from sqlalchemy import select, update

from services.common import clock
from services.planning.improvement.service import flag_reviews_due
from services.planning.models import ImprovementProject, OutboxEvent
from tests.planning.test_improvement import BASE, call, document_and_advance, fetch, start
from tests.support import DEMO_IDS


async def unchanged(company, pid: int, before: dict) -> None:
    after, _ = await fetch(company, "ops_director", pid)
    assert after == {**before, "can": after["can"]}, "a refused request changed the project"


async def test_starting_a_project_needs_plan_over_its_unit(company):
    body = {"unit_id": DEMO_IDS["MKT"], "title": "报装流程优化"}
    for user in ("analyst", "branch_gm", "supply_head"):  # a specialist; other units' managers
        r = await call(company, user, "POST", BASE, json=body, zh=True)
        assert r.status_code == 403 and "计划权" in r.json()["detail"], (user, r.text)
    unknown = await call(company, "market_mgr", "POST", BASE, json={**body, "unit_id": 999})
    assert unknown.status_code == 404
    assert (await call(company, "market_mgr", "GET", BASE)).json()["items"] == []
    # by hand, the planner owns it unless they name someone
    r = await call(company, "market_mgr", "POST", BASE, json=body)
    assert r.status_code == 201 and r.json()["owner_name"] == "张市场部经理" and r.json()["origin"] == "manual"


async def test_unknown_fields_are_refused_on_every_body(company):
    p = await start(company)
    pid, tag = p["id"], (await fetch(company, "analyst", p["id"]))[1]
    cases = [("POST", BASE, {"unit_id": DEMO_IDS["MKT"], "title": "x", "priority": "high"}),
             ("POST", BASE, {"unit_id": DEMO_IDS["MKT"], "title": "x", "links": [{"ref": "a", "url": "b"}]}),
             ("PATCH", f"{BASE}/{pid}", {"title": "y", "status": "closed"}),
             ("PUT", f"{BASE}/{pid}/documents/research", {"summary": "s", "attachments": []}),
             ("POST", f"{BASE}/{pid}/advance", {"comment": "", "stage": "implementation"}),
             ("POST", f"{BASE}/{pid}/milestones", {"title": "m", "due": "2027-01-01", "done": True}),
             ("POST", f"{BASE}/{pid}/reviews", {"outcome": "effective", "score": 5})]
    before, _ = await fetch(company, "ops_director", pid)
    for method, url, body in cases:
        r = await call(company, "market_mgr", method, url, json=body, etag=tag)
        assert r.status_code == 422, (url, r.text)
    await unchanged(company, pid, before)
    bad_link = await call(company, "market_mgr", "POST", BASE,
                          json={"unit_id": DEMO_IDS["MKT"], "title": "x", "links": [{"ref": "kpi:finding:abc"}]})
    assert bad_link.status_code == 422


async def test_a_stale_if_match_is_refused_and_changes_nothing(company):
    p = await start(company)
    pid = p["id"]
    _, old = await fetch(company, "analyst", pid)
    r = await call(company, "analyst", "PUT", f"{BASE}/{pid}/documents/research", etag=old,
                   json={"summary": "第一版", "body": ""})
    assert r.status_code == 200 and r.headers["ETag"] != old
    current, _ = await fetch(company, "ops_director", pid)
    for method, url, body in [("PUT", f"{BASE}/{pid}/documents/research", {"summary": "覆盖", "body": ""}),
                              ("POST", f"{BASE}/{pid}/advance", {}),
                              ("POST", f"{BASE}/{pid}/milestones", {"title": "m", "due": "2027-01-01"}),
                              ("PATCH", f"{BASE}/{pid}", {"title": "改名"})]:
        stale = await call(company, "analyst", method, url, json=body, etag=old, zh=True)
        assert stale.status_code == 412, (url, stale.text)
        assert "已被他人修改" in stale.json()["detail"]
    await unchanged(company, pid, current)
    assert current["documents"][0]["summary"] == "第一版"


async def test_who_may_see_and_act_on_a_project(company):
    p = await start(company)  # 市场部, owned by the specialist 刘 (who holds nothing over 市场部 itself)
    pid = p["id"]
    before, tag = await fetch(company, "analyst", pid)  # the owner sees it
    assert before["can"] == {"edit": True, "record_document": True, "advance": True, "reassign": False,
                             "milestones": True, "review": False}
    for user in ("branch_gm", "supply_head"):  # nothing over 市场部: the project is not there for them
        assert (await call(company, user, "GET", f"{BASE}/{pid}")).status_code == 404
        r = await call(company, user, "PUT", f"{BASE}/{pid}/documents/research", json={"summary": "x"})
        assert r.status_code == 404
        assert pid not in [x["id"] for x in (await call(company, user, "GET", BASE)).json()["items"]]
    # the owner may not hand the project to someone else: a planner does
    r = await call(company, "analyst", "PATCH", f"{BASE}/{pid}", etag=tag, json={"owner_id": 1, "owner_name": "x"},
                   zh=True)
    assert r.status_code == 403 and "计划权" in r.json()["detail"]
    await unchanged(company, pid, before)
    r = await call(company, "market_mgr", "PATCH", f"{BASE}/{pid}", etag=tag,
                   json={"owner_id": await company.user_id("market_mgr"), "owner_name": "张市场部经理"})
    assert r.status_code == 200, r.text
    # now the specialist (建议权 over 市场部 lets them read it) may no longer act on it
    r = await call(company, "analyst", "PUT", f"{BASE}/{pid}/documents/research", json={"summary": "x"})
    assert r.status_code == 403


async def test_a_specialist_who_sees_a_project_may_not_act_on_it(company):
    p = await start(company, unit="MKT-RES", owner_id=await company.user_id("market_mgr"), owner_name="张")
    pid = p["id"]
    before, tag = await fetch(company, "analyst", pid)  # view over 市场调研组
    assert not any(before["can"].values())
    for method, url, body in [("PUT", f"{BASE}/{pid}/documents/research", {"summary": "x"}),
                              ("POST", f"{BASE}/{pid}/advance", {}),
                              ("POST", f"{BASE}/{pid}/milestones", {"title": "m", "due": "2027-01-01"}),
                              ("PATCH", f"{BASE}/{pid}", {"title": "改名"})]:
        r = await call(company, "analyst", method, url, json=body, etag=tag)
        assert r.status_code == 403, (url, r.text)
    await unchanged(company, pid, before)


async def test_each_stage_refuses_the_wrong_state_and_changes_nothing(company):
    p = await start(company)
    pid = p["id"]
    before, tag = await fetch(company, "analyst", pid)
    # another stage's document, advancing without the document, a review before review, milestones done early
    refusals = [("PUT", f"{BASE}/{pid}/documents/diagnosis", {"summary": "x"}, 409),
                ("PUT", f"{BASE}/{pid}/documents/review", {"summary": "x"}, 422),
                ("POST", f"{BASE}/{pid}/advance", {}, 409),
                ("POST", f"{BASE}/{pid}/advance", {"next_review": "2030-01-01"}, 409),
                ("POST", f"{BASE}/{pid}/reviews", {"outcome": "effective", "next_review": "2030-01-01"}, 409)]
    for method, url, body, status in refusals:
        r = await call(company, "analyst", method, url, json=body, etag=tag)
        assert r.status_code == status, (url, body, r.text)
    await unchanged(company, pid, before)
    r = await call(company, "analyst", "POST", f"{BASE}/{pid}/milestones", etag=tag,
                   json={"title": "试运行", "due": "2030-01-01"})
    assert r.status_code == 201
    mid, tag = r.json()["milestones"][0]["id"], r.headers["ETag"]
    early = await call(company, "analyst", "PATCH", f"{BASE}/{pid}/milestones/{mid}", etag=tag, json={"done": True})
    assert early.status_code == 409
    assert (await call(company, "analyst", "PATCH", f"{BASE}/{pid}/milestones/99999", etag=tag,
                       json={"done": True})).status_code == 404


async def test_passing_evaluation_needs_assess_and_implementation_needs_its_milestones(company):
    p = await start(company)
    pid = p["id"]
    for stage in ("research", "diagnosis", "proposal"):
        await document_and_advance(company, pid, "analyst", stage)
    _, tag = await fetch(company, "analyst", pid)
    r = await call(company, "analyst", "PUT", f"{BASE}/{pid}/documents/evaluation", etag=tag,
                   json={"summary": "评估意见"})
    assert r.status_code == 200
    before, tag = await fetch(company, "analyst", pid)
    assert before["can"]["advance"] is False
    # the owner, and the operations director (计划权 over the company, 考核权 only over 运营管理部), may not
    for user in ("analyst", "ops_director"):
        r = await call(company, user, "POST", f"{BASE}/{pid}/advance", etag=tag, json={}, zh=True)
        assert r.status_code == 403 and "考核权" in r.json()["detail"], (user, r.text)
    await unchanged(company, pid, before)
    r = await call(company, "gm", "POST", f"{BASE}/{pid}/advance", etag=tag, json={"comment": "同意实施"})
    assert r.status_code == 200 and r.json()["stage"] == "implementation"
    tag = r.headers["ETag"]
    r = await call(company, "analyst", "POST", f"{BASE}/{pid}/milestones", etag=tag,
                   json={"title": "新流程试运行", "due": (clock.today() + timedelta(days=5)).isoformat()})
    r = await call(company, "analyst", "PUT", f"{BASE}/{pid}/documents/implementation", etag=r.headers["ETag"],
                   json={"summary": "实施总结"})
    before, tag = await fetch(company, "analyst", pid)
    r = await call(company, "analyst", "POST", f"{BASE}/{pid}/advance", etag=tag, json={}, zh=True)
    assert r.status_code == 409 and "新流程试运行" in r.json()["detail"]
    past = await call(company, "analyst", "POST", f"{BASE}/{pid}/milestones/{before['milestones'][0]['id']}",
                      etag=tag, json={})
    assert past.status_code == 405
    await unchanged(company, pid, before)


async def in_review(company, owner: str = "analyst") -> dict:
    p = await start(company, owner_id=await company.user_id(owner), owner_name=owner)
    pid = p["id"]
    for stage in ("research", "diagnosis", "proposal"):
        await document_and_advance(company, pid, owner, stage)
    await document_and_advance(company, pid, owner, "evaluation", advancer="gm")
    return await document_and_advance(company, pid, owner, "implementation")


async def test_reviews_are_recorded_by_the_owner_planners_and_assessors_with_a_future_date(company):
    p = await in_review(company)
    pid = p["id"]
    before, tag = await fetch(company, "analyst", pid)
    assert before["can"]["review"] is True and before["can"]["advance"] is False
    past = (clock.today() - timedelta(days=1)).isoformat()
    for body, field in [({"outcome": "effective"}, "next_review"),
                        ({"outcome": "effective", "next_review": past}, "next_review"),
                        ({"outcome": "needs_adjustment", "next_review": "2030-01-01"}, "note"),
                        ({"outcome": "reopen", "note": "x", "next_review": "2030-01-01"}, "next_review")]:
        r = await call(company, "analyst", "POST", f"{BASE}/{pid}/reviews", etag=tag, json=body)
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == field, (body, r.text)
    assert (await call(company, "branch_gm", "POST", f"{BASE}/{pid}/reviews", etag=tag,
                       json={"outcome": "effective", "next_review": "2030-01-01"})).status_code == 404
    # a document or a stage step in review is refused too
    assert (await call(company, "analyst", "PUT", f"{BASE}/{pid}/documents/implementation", etag=tag,
                       json={"summary": "x"})).status_code == 409
    assert (await call(company, "analyst", "POST", f"{BASE}/{pid}/advance", etag=tag, json={})).status_code == 409
    assert (await call(company, "analyst", "POST", f"{BASE}/{pid}/milestones", etag=tag,
                       json={"title": "x", "due": "2030-01-01"})).status_code == 409
    await unchanged(company, pid, before)
    r = await call(company, "gm", "POST", f"{BASE}/{pid}/reviews", etag=tag,
                   json={"outcome": "needs_adjustment", "note": "回访话术需调整", "next_review": "2030-01-01"})
    assert r.status_code == 201 and r.json()["next_review"] == "2030-01-01"


async def test_a_passed_review_date_is_flagged_once_per_date(company):
    p = await in_review(company)
    pid = p["id"]
    async with company.planning.app.state.db.writer() as s:
        assert await flag_reviews_due(s) == 0  # not due yet
        await s.execute(update(ImprovementProject).where(ImprovementProject.id == pid)
                        .values(next_review=clock.today() - timedelta(days=1)))
        await s.commit()
    listed = (await call(company, "analyst", "GET", BASE, params={"review_due": True})).json()["items"]
    assert [x["id"] for x in listed] == [pid] and listed[0]["review_due"] is True
    for expected in (1, 0):
        async with company.planning.app.state.db.writer() as s:
            assert await flag_reviews_due(s) == expected
            await s.commit()
    # a review sets the next date; when that one passes it is said again
    _, tag = await fetch(company, "analyst", pid)
    nxt = (clock.today() + timedelta(days=60)).isoformat()
    r = await call(company, "analyst", "POST", f"{BASE}/{pid}/reviews", etag=tag,
                   json={"outcome": "effective", "next_review": nxt})
    assert r.status_code == 201 and r.json()["review_due"] is False
    async with company.planning.app.state.db.writer() as s:
        await s.execute(update(ImprovementProject).where(ImprovementProject.id == pid)
                        .values(next_review=clock.today()))
        await s.commit()
        assert await flag_reviews_due(s) == 1
        await s.commit()
        events = (await s.execute(select(OutboxEvent).where(OutboxEvent.type == "planning.improvement.review_due")
                                  .order_by(OutboxEvent.seq))).scalars().all()
    assert [(e.data["project_id"], e.data["due"]) for e in events] == [
        (pid, (clock.today() - timedelta(days=1)).isoformat()), (pid, clock.today().isoformat())]


async def test_a_review_is_refused_to_someone_who_only_sees_the_project(company):
    p = await in_review(company, owner="market_mgr")
    pid = p["id"]
    before, tag = await fetch(company, "analyst", pid)  # 建议权 over 市场部: sees it, may not review it
    assert before["can"]["review"] is False
    r = await call(company, "analyst", "POST", f"{BASE}/{pid}/reviews", etag=tag, zh=True,
                   json={"outcome": "effective", "next_review": "2030-01-01"})
    assert r.status_code == 403 and "考核权" in r.json()["detail"]
    await unchanged(company, pid, before)
    # nor may they remove a milestone or write the project's title
    for method, url, body in [("DELETE", f"{BASE}/{pid}/milestones/1", None),
                              ("PATCH", f"{BASE}/{pid}", {"title": "x"})]:
        r = await call(company, "analyst", method, url, etag=tag, **({"json": body} if body else {}))
        assert r.status_code == 403, (url, r.text)
    await unchanged(company, pid, before)
