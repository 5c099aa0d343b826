"""The company's working-day calendar: statutory holidays and 调休 as the library knows them, and the company's
overrides, which only administrators of the company set."""

from __future__ import annotations

from services.common import clock
from tests.org.conftest import auth

ZH_HEADERS = {"Accept-Language": "zh-CN"}


async def test_anyone_signed_in_reads_a_years_holidays_and_tiaoxiu_workdays(org):
    r = await org.get("/api/org/calendar", params={"year": 2026}, headers=await auth(org, "analyst"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["year"] == 2026 and body["statutory_covered"] is True
    days = {d["date"]: d for d in body["days"]}
    national = days["2026-10-01"]
    assert (national["workday"], national["source"], national["name"], national["name_en"]) == (
        False, "statutory", "国庆节", "National Day")
    assert (days["2026-09-20"]["workday"], days["2026-09-20"]["name"]) == (True, "国庆节")  # a 调休 Sunday
    assert days["2026-10-10"]["workday"] is True  # a 调休 Saturday
    assert "2026-12-03" not in days and "2026-12-05" not in days  # plain weekdays and weekends are not listed
    assert (await org.get("/api/org/calendar", params={"year": 2026})).status_code == 401
    later = (await org.get("/api/org/calendar", params={"year": 2030}, headers=await auth(org, "analyst"))).json()
    assert later["statutory_covered"] is False and later["days"] == []


async def test_an_admin_overrides_a_day_and_removes_the_override(org):
    admin = await auth(org, "admin")
    r = await org.put("/api/org/calendar/days/2026-12-31", json={"workday": False, "note": "年终盘点"}, headers=admin)
    assert r.status_code == 200, r.text
    assert (r.json()["workday"], r.json()["source"], r.json()["note"]) == (False, "company", "年终盘点")
    days = {d["date"]: d for d in (await org.get("/api/org/calendar", params={"year": 2026},
                                                 headers=await auth(org, "analyst"))).json()["days"]}
    assert (days["2026-12-31"]["workday"], days["2026-12-31"]["source"]) == (False, "company")
    # a statutory day can be overridden too: the company works on 2 October
    r = await org.put("/api/org/calendar/days/2026-10-02", json={"workday": True}, headers=admin)
    assert (r.json()["workday"], r.json()["statutory_workday"], r.json()["name"]) == (True, False, "国庆节")

    gone = await org.delete("/api/org/calendar/days/2026-12-31", headers=admin)
    assert gone.status_code == 204
    days = {d["date"] for d in (await org.get("/api/org/calendar", params={"year": 2026},
                                              headers=admin)).json()["days"]}
    assert "2026-12-31" not in days and "2026-10-02" in days
    missing = await org.delete("/api/org/calendar/days/2026-12-31", headers={**admin, **ZH_HEADERS})
    assert missing.status_code == 404 and "没有调整过" in missing.json()["detail"]
    audit = await org.get("/api/org/audit", params={"subject_type": "calendar_day"}, headers=admin)
    assert sorted(e["action"] for e in audit.json()["items"]) == [
        "calendar.day.removed", "calendar.day.set", "calendar.day.set"]


async def test_calendar_changes_are_refused_to_non_admins_and_bad_bodies(org):
    body = {"workday": False, "note": "公司活动"}
    for who in ("gm", "analyst"):
        refused = await org.put("/api/org/calendar/days/2026-12-31", json=body,
                                headers={**await auth(org, who), **ZH_HEADERS})
        assert refused.status_code == 403 and "管理员" in refused.json()["detail"]
        assert (await org.delete("/api/org/calendar/days/2026-12-31",
                                 headers=await auth(org, who))).status_code == 403
    admin = {**await auth(org, "admin"), **ZH_HEADERS}
    unknown = await org.put("/api/org/calendar/days/2026-12-31", json={**body, "holiday": True}, headers=admin)
    assert unknown.status_code == 422 and "不允许的字段" in unknown.json()["detail"]
    not_bool = await org.put("/api/org/calendar/days/2026-12-31", json={"workday": "maybe"}, headers=admin)
    assert not_bool.status_code == 422 and "应为是或否" in not_bool.json()["detail"]
    long_note = await org.put("/api/org/calendar/days/2026-12-31", json={"workday": False, "note": "节" * 201},
                              headers=admin)
    assert long_note.status_code == 422 and "最多 200 个字符" in long_note.json()["detail"]
    bad_date = await org.put("/api/org/calendar/days/2026-13-01", json=body, headers=admin)
    assert bad_date.status_code == 422
    far = clock.today().replace(year=clock.today().year + 3)
    too_far = await org.put(f"/api/org/calendar/days/{far.isoformat()}", json=body, headers=admin)
    assert too_far.status_code == 422 and "前后 2 年之内" in too_far.json()["detail"]
    # nothing was written
    listed = (await org.get("/api/org/calendar", params={"year": 2026}, headers=admin)).json()["days"]
    assert [d for d in listed if d["source"] == "company"] == []
