"""Directory sync from DingTalk, WeCom and Feishu contacts (a local vendor server answering their documented
calls): a dry run reports exactly what would change and changes nothing; applying makes the org (units, users,
负责人/成员 assignments) with one audit entry per change; a changed directory (rename, move, someone leaving,
a department gone) plans exactly those changes; a vendor error or a refused change leaves everything as it was."""

from __future__ import annotations

import logging
import time
from collections import Counter

import pytest
from sqlalchemy import func, select

from services.common import clock
from services.org.models import (
    Assignment,
    AuditEntry,
    ExternalIdentity,
    ExternalUnit,
    IdentityProvider,
    Position,
    Role,
    SyncRun,
    Unit,
    User,
)
from tests.org.conftest import auth
from tests.support.vendors import ROOT, VendorDirectory, VendorServer

ZH = {"Accept-Language": "zh-CN"}


async def add_provider(org, vendors: VendorServer, kind: str, **kw) -> int:
    async with org.app.state.db.writer() as s:
        p = IdentityProvider(**{"key": f"{kind}-corp", "kind": kind, "name": f"{kind} 登录", "sync_enabled": True,
                                "jit": False, **vendors.provider_fields(kind), **kw})
        s.add(p)
        await s.commit()
        return p.id


async def counts(org) -> dict[str, int]:
    async with org.app.state.db.reader() as s:
        return {m.__name__: (await s.execute(select(func.count()).select_from(m))).scalar_one()
                for m in (Unit, User, Position, Assignment, AuditEntry, ExternalUnit, ExternalIdentity)}


async def sync(org, headers, provider_id: int, *, dry_run: bool, status: int = 200) -> dict:
    r = await org.post(f"/api/org/directory/{provider_id}/sync", params={"dry_run": str(dry_run).lower()},
                       headers=headers)
    assert r.status_code == status, r.text
    return r.json()


def big_directory() -> tuple[VendorDirectory, dict[str, str]]:
    """200 departments three levels deep (20 部门 × 3 科 × 2 组), 10 people in each, the first its leader."""
    people = VendorDirectory()
    parent_of: dict[str, str] = {}
    n = 100
    for a in range(20):
        dept = str(n := n + 1)
        people.department(dept, f"部门{a + 1}")
        parent_of[dept] = ROOT
        for b in range(3):
            section = str(n := n + 1)
            people.department(section, f"部门{a + 1}-科{b + 1}", parent=dept)
            parent_of[section] = dept
            for c in range(2):
                team = str(n := n + 1)
                people.department(team, f"部门{a + 1}-科{b + 1}-组{c + 1}", parent=section)
                parent_of[team] = section
    assert len(parent_of) == 200
    k = 0
    for dept in parent_of:
        for i in range(10):
            k += 1
            people.user(f"u{k:04d}", f"员工{k:04d}", departments=[dept], leader_of=[dept] if i == 0 else [],
                        email=f"u{k:04d}@corp.example")
    return people, parent_of


async def test_a_2000_person_directory_is_planned_then_applied_once_with_one_audit_entry_per_change(org):
    admin = await auth(org, "admin")
    people, parent_of = big_directory()
    async with VendorServer(people) as vendors:
        pid = await add_provider(org, vendors, "dingtalk")
        before = await counts(org)

        started = time.perf_counter()
        plan = await sync(org, admin, pid, dry_run=True)
        dry_seconds = time.perf_counter() - started
        expected = {"unit.create": 200, "position.create": 400, "user.create": 2000, "head.assign": 200,
                    "member.assign": 1800}
        assert plan["counts"] == expected and plan["dry_run"] is True
        assert len(plan["plan"]) == 4600 and plan["kept"] == []
        assert await counts(org) == before  # a dry run changes nothing

        started = time.perf_counter()
        applied = await sync(org, admin, pid, dry_run=False)
        apply_seconds = time.perf_counter() - started
        assert applied["counts"] == expected
        after = await counts(org)
        assert after["AuditEntry"] - before["AuditEntry"] == 4600  # one entry per change
        assert after["Unit"] - before["Unit"] == 200 and after["User"] - before["User"] == 2000
        assert after["Position"] - before["Position"] == 400 and after["Assignment"] - before["Assignment"] == 2000

        async with org.app.state.db.reader() as s:
            unit_of = dict((await s.execute(select(ExternalUnit.external_id, ExternalUnit.unit_id)
                                            .where(ExternalUnit.provider_id == pid))).all())
            units = {u.id: u for u in (await s.execute(select(Unit))).scalars()}
            company = next(u for u in units.values() if u.parent_id is None)
            assert unit_of[ROOT] == company.id
            for dept, parent in parent_of.items():  # the tree as the directory has it, kinds by depth
                unit = units[unit_of[dept]]
                assert unit.parent_id == unit_of[parent]
                assert unit.name == people.departments[dept].name
                assert unit.kind == {1: "department", 2: "section", 3: "team"}[unit.path.count("/") - 2]
            heads = (await s.execute(
                select(Position.unit_id, ExternalIdentity.subject, Role.key)
                .join(Assignment, Assignment.position_id == Position.id)
                .join(ExternalIdentity, ExternalIdentity.user_id == Assignment.user_id)
                .join(Role, Role.id == Position.role_id)
                .where(Position.heads_unit.is_(True), ExternalIdentity.provider_id == pid))).all()
            assert {(u, subject) for u, subject, _ in heads} == {
                (unit_of[d], people.leaders(d)[0]) for d in parent_of}
            assert {role for _, _, role in heads} == {"department_manager"}
            members = Counter(role for (role,) in (await s.execute(
                select(Role.key).join(Position, Position.role_id == Role.id)
                .join(Assignment, Assignment.position_id == Position.id)
                .where(Position.title == "成员"))).all())
            assert members == {"specialist": 1800}
            actions = Counter((await s.execute(select(AuditEntry.action).order_by(AuditEntry.seq.desc())
                                               .limit(4600))).scalars())
            assert actions == {"unit.created": 200, "position.created": 400, "user.created": 2000,
                               "assignment.created": 2000}

        again = await sync(org, admin, pid, dry_run=True)
        assert again["counts"] == {} and again["plan"] == [] and again["kept"] == []
        runs = (await org.get(f"/api/org/directory/{pid}/runs", headers=admin)).json()["items"]
        assert [(r["dry_run"], sum(r["counts"].values())) for r in runs] == [(True, 4600), (False, 4600), (True, 0)]
        print(f"\n2,000 users / 200 departments: dry run {dry_seconds:.1f} s, apply {apply_seconds:.1f} s")


def small_directory() -> VendorDirectory:
    people = VendorDirectory()
    people.department("2", "市场部")
    people.department("3", "工程部")
    people.department("4", "调研科", parent="2")
    people.department("5", "一组", parent="4")
    people.department("6", "旧项目部")
    people.department("7", "临时组")
    people.user("lead2", "市场主管", departments=["2"], leader_of=["2"], email="lead2@corp.example")
    people.user("lead3", "工程主管", departments=["3"], leader_of=["3"], email="lead3@corp.example")
    people.user("m4", "调研员", departments=["4"], email="m4@corp.example")
    people.user("m5", "一组成员", departments=["5"], leader_of=["5"], email="m5@corp.example")
    people.user("m6", "项目成员", departments=["6"], email="m6@corp.example")
    people.user("leaver", "将离职", departments=["3"], email="leaver@corp.example")
    people.user("both", "双部门", departments=["2", "3"], email="both@corp.example")
    return people


@pytest.mark.parametrize("kind", ["dingtalk", "wecom", "feishu"])
async def test_renames_moves_leavers_and_removed_departments_are_planned_and_kept_units_reported(org, kind):
    admin = await auth(org, "admin")
    people = small_directory()
    async with VendorServer(people) as vendors:
        pid = await add_provider(org, vendors, kind)
        first = await sync(org, admin, pid, dry_run=False)
        assert first["counts"] == {"unit.create": 6, "position.create": 7, "user.create": 7, "head.assign": 3,
                                   "member.assign": 5}
        token_calls = sum(n for path, n in vendors.calls.items() if "token" in path)
        assert token_calls == 1  # one app token, cached

        async with org.app.state.db.writer() as s:  # someone Yunguan placed in 临时组 by hand
            unit_of = {ext.removeprefix("od-"): unit for ext, unit in (await s.execute(
                select(ExternalUnit.external_id, ExternalUnit.unit_id))).all()}
            role = (await s.execute(select(Role).where(Role.key == "specialist"))).scalar_one()
            analyst = (await s.execute(select(User).where(User.username == "analyst"))).scalar_one()
            post = Position(unit_id=unit_of["7"], role_id=role.id, title="临时岗位")
            s.add(post)
            await s.flush()
            s.add(Assignment(user_id=analyst.id, position_id=post.id, start_date=clock.today()))
            await s.commit()

        people.departments["2"].name = "市场营销部"  # a rename
        people.departments["5"].parent = "3"  # a move: 组 under 科 → under 部门, so it becomes a 科
        del people.people["leaver"]  # someone leaving
        people.people["m6"].departments = ["3"]  # 旧项目部 emptied, then removed
        people.remove_department("6")
        people.remove_department("7")  # removed although Yunguan placed someone there
        vendors.expire_tokens()  # the cached token is stale now: a new one is fetched once

        before = await counts(org)
        plan = await sync(org, admin | ZH, pid, dry_run=True)
        assert await counts(org) == before
        ops = Counter(c["op"] for c in plan["plan"])
        assert ops == {"unit.rename": 1, "unit.move": 1, "member.unassign": 2, "member.assign": 1,
                       "user.deactivate": 1}
        by_op = {c["op"]: c for c in plan["plan"]}
        assert by_op["unit.rename"]["from"] == "市场部" and by_op["unit.rename"]["to"] == "市场营销部"
        assert by_op["unit.move"]["to_parent"] == unit_of["3"] and by_op["unit.move"]["kind"] == "section"
        assert by_op["user.deactivate"]["subject"] == ("ou_leaver" if kind == "feishu" else "leaver")
        kept = {k["name"]: k["reason"] for k in plan["kept"]}
        assert kept == {"旧项目部": "may_hold_plans", "临时组": "has_people"}
        assert all(k["reason_zh"] for k in plan["kept"])

        applied = await sync(org, admin, pid, dry_run=False)
        assert applied["counts"] == plan["counts"]
        after = await counts(org)
        assert after["AuditEntry"] - before["AuditEntry"] == len(plan["plan"])
        assert after["Unit"] == before["Unit"]  # nothing deleted
        async with org.app.state.db.reader() as s:
            moved = await s.get(Unit, unit_of["5"])
            assert moved is not None and moved.parent_id == unit_of["3"] and moved.kind == "section"
            renamed = await s.get(Unit, unit_of["2"])
            assert renamed is not None and renamed.name == "市场营销部"
            subject = "ou_leaver" if kind == "feishu" else "leaver"
            leaver = (await s.execute(select(User).join(ExternalIdentity, ExternalIdentity.user_id == User.id)
                                      .where(ExternalIdentity.subject == subject))).scalar_one()
            assert leaver.active is False
        final = await sync(org, admin, pid, dry_run=True)
        assert final["counts"] == {}
        assert {k["name"] for k in final["kept"]} == {"旧项目部", "临时组"}


async def test_a_vendor_error_half_way_through_the_contacts_changes_nothing(org):
    admin = await auth(org, "admin")
    async with VendorServer(small_directory()) as vendors:
        pid = await add_provider(org, vendors, "wecom")
        before = await counts(org)
        vendors.fail("/cgi-bin/user/list", after=3)
        r = await org.post(f"/api/org/directory/{pid}/sync", params={"dry_run": "false"}, headers=admin | ZH)
        assert r.status_code == 502, r.text
        assert "企业微信" in r.json()["detail"] and "60011" in r.json()["detail"]
        assert await counts(org) == before
        async with org.app.state.db.reader() as s:
            assert (await s.execute(select(func.count()).select_from(SyncRun))).scalar_one() == 0


async def test_a_change_refused_half_way_through_applying_changes_nothing(org):
    """The company's only administrator is linked by e-mail, then leaves the directory while new departments
    and people arrive: deactivating them (the plan's last change) is refused, and so is everything before it."""
    admin = await auth(org, "admin")
    people = small_directory()
    people.user("it-admin", "系统管理员", departments=["3"], email="admin@hdgas.example")
    async with VendorServer(people) as vendors:
        pid = await add_provider(org, vendors, "feishu")
        first = await sync(org, admin, pid, dry_run=False)
        assert first["counts"]["user.link"] == 1
        del people.people["it-admin"]
        people.department("8", "新部门")
        people.user("new1", "新同事", departments=["8"], leader_of=["8"], email="new1@corp.example")
        before = await counts(org)
        plan = await sync(org, admin, pid, dry_run=True)
        assert plan["counts"] == {"unit.create": 1, "position.create": 1, "user.create": 1, "head.assign": 1,
                                  "member.unassign": 1, "user.deactivate": 1}
        r = await org.post(f"/api/org/directory/{pid}/sync", params={"dry_run": "false"}, headers=admin | ZH)
        assert r.status_code == 409, r.text
        assert "管理员" in r.json()["detail"]
        assert await counts(org) == before


async def test_only_a_company_administrator_may_sync(org):
    async with VendorServer(small_directory()) as vendors:
        pid = await add_provider(org, vendors, "dingtalk")
        r = await org.post(f"/api/org/directory/{pid}/sync", headers=await auth(org, "market_mgr"))
        assert r.status_code == 403
        r = await org.get(f"/api/org/directory/{pid}/runs", headers=await auth(org, "gm"))
        assert r.status_code == 403


async def test_the_apps_secret_stays_out_of_logs_runs_and_errors(org, caplog):
    admin = await auth(org, "admin")
    async with VendorServer(small_directory()) as vendors:
        pid = await add_provider(org, vendors, "wecom")
        secret = vendors.apps["wecom"][1]
        with caplog.at_level(logging.INFO, logger="httpx"):
            run = await sync(org, admin, pid, dry_run=True)
            vendors.expire_tokens()
            vendors.fail("/cgi-bin/department/list")
            refused = await org.post(f"/api/org/directory/{pid}/sync", headers=admin)
        logged = [r.getMessage() for r in caplog.records if r.name == "httpx"]
        assert any("corpsecret=redacted" in line for line in logged)  # the calls are logged, masked
        assert any("access_token=redacted" in line for line in logged)
        issued = list(vendors.tokens)
        for text in [*logged, str(run), refused.text]:
            assert secret not in text and not any(token in text for token in issued)


async def test_a_provider_without_directory_sync_is_refused_in_chinese(org):
    admin = await auth(org, "admin")
    async with VendorServer(small_directory()) as vendors:
        pid = await add_provider(org, vendors, "feishu", sync_enabled=False)
        r = await org.post(f"/api/org/directory/{pid}/sync", headers=admin | ZH)
        assert r.status_code == 409 and "未开启通讯录同步" in r.json()["detail"]
        assert vendors.calls == Counter()  # the vendor is not even asked
        r = await org.post("/api/org/directory/9999/sync", headers=admin | ZH)
        assert r.status_code == 404 and "身份源" in r.json()["detail"]
