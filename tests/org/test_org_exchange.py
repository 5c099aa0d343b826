"""The org's Excel round trip: an export imported again changes nothing; a file adding a department, a
position and two people previews exactly that and applies it through org's services (an event and an audit
entry per change); one bad row changes nothing and names sheet, row and column; an apply after the org changed
is refused; formulas, macros and non-workbooks are refused; only administrators import; a department head
exports only their subtree."""

from __future__ import annotations

import io
import zipfile

import openpyxl
from sqlalchemy import func, select

from services.org.identity.linking import NO_PASSWORD
from services.org.models import AuditEntry, OutboxEvent, Unit, User
from tests.org.conftest import auth, unit_by_code

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZH = {"Accept-Language": "zh-CN"}
EN = {"Accept-Language": "en"}
EXPORT = "/api/org/exchange/org.xlsx"
IMPORTS = "/api/org/exchange/imports"


def sheets_of(content: bytes) -> dict[str, list[list]]:
    wb = openpyxl.load_workbook(io.BytesIO(content))
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def workbook_of(sheets: dict[str, list[list]]) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


async def export(org, headers, **params) -> bytes:
    r = await org.get(EXPORT, headers=headers, params=params)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == XLSX
    return r.content


async def upload(org, headers, content: bytes, name: str = "org.xlsx", ctype: str = XLSX):
    return await org.post(IMPORTS, headers=headers, files={"file": (name, content, ctype)})


async def counts(org) -> tuple[int, int]:
    async with org.app.state.db.reader() as s:
        audits = (await s.execute(select(func.count()).select_from(AuditEntry))).scalar_one()
        events = (await s.execute(select(func.count()).select_from(OutboxEvent))).scalar_one()
    return audits, events


async def test_the_export_has_three_sheets_with_chinese_headers_frozen_and_lists(org):
    admin = await auth(org, "admin") | ZH
    content = await export(org, admin)
    wb = openpyxl.load_workbook(io.BytesIO(content))
    assert wb.sheetnames[:3] == ["组织单元", "岗位", "人员"]
    units, positions, people = (wb[n] for n in ("组织单元", "岗位", "人员"))
    assert [c.value for c in units[1]] == ["编码", "名称", "类型", "上级编码"]
    assert [c.value for c in positions[1]] == ["单位编码", "岗位名称", "角色", "是否负责人", "职责"]
    assert [c.value for c in people[1]] == ["用户名", "姓名", "邮箱", "状态", "单位编码", "岗位名称", "任职开始",
                                            "任职结束"]
    assert units.freeze_panes == "A2" and people.freeze_panes == "A2"
    assert units.column_dimensions["B"].width == 28
    lists = [dv.formula1 for dv in units.data_validations.dataValidation]
    assert '"公司,分公司,部门,科,组"' in lists
    assert any("选项" in (dv.formula1 or "") for dv in positions.data_validations.dataValidation)
    rows = {r[0]: r for r in sheets_of(content)["组织单元"][1:]}
    assert rows["MKT-RES"] == ["MKT-RES", "市场调研组", "组", "MKT"]
    assert rows["HDGAS"][3] is None
    english = openpyxl.load_workbook(io.BytesIO(await export(org, await auth(org, "admin") | EN)))
    assert english.sheetnames[:3] == ["Units", "Positions", "People"]
    assert [c.value for c in english["People"][1]][:4] == ["Username", "Name", "E-mail", "Status"]


async def test_an_export_imported_again_changes_nothing(org):
    admin = await auth(org, "admin") | ZH
    r = await upload(org, admin, await export(org, admin))
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["errors"] == [] and body["changes"] == []
    assert body["counts"]["units"] == {"rows": 13, "create": 0, "update": 0, "unchanged": 13, "errors": 0}
    assert body["counts"]["people"]["unchanged"] == body["counts"]["people"]["rows"] == 7
    assert body["note"].startswith("文件中没有的单元、岗位和人员保持不变")
    assert body["can_apply"] is False
    # the English export reads back the same
    en = await auth(org, "admin") | EN
    again = (await upload(org, en, await export(org, en))).json()
    assert again["changes"] == [] and again["errors"] == []


def with_new_department(content: bytes) -> bytes:
    sheets = sheets_of(content)
    sheets["组织单元"].append(["MKT-DIG", "数字营销组", "组", "MKT"])
    sheets["岗位"].append(["MKT-DIG", "数字营销专员", "专员", "否", "运营线上渠道\n分析投放效果"])
    sheets["人员"].append(["zhou", "周数字", "zhou@hdgas.example", "在职", "MKT-DIG", "数字营销专员", "2026-12-01",
                         None])
    sheets["人员"].append(["wu", "吴数字", "", "在职", "MKT-DIG", "数字营销专员", "2026-12-01", "2027-06-30"])
    return workbook_of(sheets)


async def test_a_file_adding_a_department_a_position_and_two_people_previews_then_applies_exactly_that(org):
    admin = await auth(org, "admin") | ZH
    staged = await upload(org, admin, with_new_department(await export(org, admin)))
    assert staged.status_code == 201, staged.text
    body = staged.json()
    assert body["errors"] == []
    assert [(c["op"], c["key"]) for c in body["changes"]] == [
        ("unit.create", "MKT-DIG"), ("position.create", "MKT-DIG / 数字营销专员"), ("user.create", "zhou"),
        ("user.create", "wu"), ("assignment.create", "zhou @ MKT-DIG / 数字营销专员"),
        ("assignment.create", "wu @ MKT-DIG / 数字营销专员")]
    assert body["counts"]["units"]["create"] == 1 and body["counts"]["units"]["unchanged"] == 13
    assert body["counts"]["assignments"] == {"create": 2, "update": 0}
    unit_change = body["changes"][0]
    assert (unit_change["sheet_label"], unit_change["row"]) == ("组织单元", 15)
    assert {f["label"]: f["after"] for f in unit_change["fields"]} == {"名称": "数字营销组", "类型": "组",
                                                                        "上级编码": "MKT"}
    assert body["can_apply"] is True
    # nothing has changed yet
    async with org.app.state.db.reader() as s:
        assert (await s.execute(select(Unit).where(Unit.code == "MKT-DIG"))).first() is None
    audits, events = await counts(org)

    shown = await org.get(f"{IMPORTS}/{body['id']}", headers=admin)
    assert shown.status_code == 200 and shown.json()["changes"] == body["changes"]
    applied = await org.post(f"{IMPORTS}/{body['id']}/apply", headers=admin | {"If-Match": shown.headers["etag"]})
    assert applied.status_code == 200, applied.text
    assert applied.json()["status"] == "applied"

    async with org.app.state.db.reader() as s:
        unit = (await s.execute(select(Unit).where(Unit.code == "MKT-DIG"))).scalar_one()
        assert unit.kind == "team" and unit.name == "数字营销组"
        zhou = (await s.execute(select(User).where(User.username == "zhou"))).scalar_one()
        assert zhou.password_hash == NO_PASSWORD and zhou.email == "zhou@hdgas.example"
        new_audits = (await s.execute(select(AuditEntry.action).where(AuditEntry.seq > audits)
                                      .order_by(AuditEntry.seq))).scalars().all()
        new_events = (await s.execute(select(OutboxEvent.type).order_by(OutboxEvent.seq)
                                      .offset(events))).scalars().all()
    assert new_audits == ["unit.created", "position.created", "user.created", "user.created", "assignment.created",
                          "assignment.created", "org_import.applied"]
    # (assignments also measure the units' people against plan: org.staffing.measured, issue 20)
    assert [e for e in new_events if e != "org.staffing.measured"] == [
        "org.unit.created", "org.position.created", "org.user.created", "org.user.created",
        "org.assignment.created", "org.assignment.created"]
    # the people hold their post: the new team's people are listed under it
    r = await org.get("/api/org/users", headers=admin, params={"unit_id": unit.id})
    assert {u["username"] for u in r.json()["items"]} == {"zhou", "wu"}
    # an applied import is applied once
    again = await org.post(f"{IMPORTS}/{body['id']}/apply", headers=admin | {"If-Match": applied.headers["etag"]})
    assert again.status_code == 409


async def test_a_file_with_one_bad_row_changes_nothing_and_names_sheet_row_and_column(org):
    admin = await auth(org, "admin") | ZH
    sheets = sheets_of(with_new_department(await export(org, admin)))
    sheets["人员"][7][4] = "XYZ"  # row 8 as the spreadsheet shows it
    english = await auth(org, "admin") | EN
    before = await counts(org)
    r = await upload(org, admin, workbook_of(sheets))
    assert r.status_code == 201, r.text
    body = r.json()
    assert [(e["sheet_label"], e["row"], e["column_label"]) for e in body["errors"]] == [("人员", 8, "单位编码")]
    assert body["errors"][0]["text"] == "人员 第 8 行「单位编码」：没有编码为 XYZ 的组织单元"
    assert body["can_apply"] is False
    en = (await org.get(f"{IMPORTS}/{body['id']}", headers=english)).json()
    assert en["errors"][0]["text"] == "People row 8, 'Unit code': there is no unit with the code XYZ"
    version = {"If-Match": f'"org-import-{body["id"]}-v1"'}
    refused = await org.post(f"{IMPORTS}/{body['id']}/apply", headers=admin | version)
    assert refused.status_code == 409 and refused.json()["reason"] == "has_errors"
    assert "人员 第 8 行「单位编码」" in refused.json()["errors"][0]["text"]
    assert await counts(org) == before
    async with org.app.state.db.reader() as s:
        assert (await s.execute(select(Unit).where(Unit.code == "MKT-DIG"))).first() is None


async def test_the_rules_name_their_rows_unknown_parent_cycle_role_duplicates_email_dates_orphan_last_admin(org):
    admin = await auth(org, "admin") | ZH
    sheets = sheets_of(await export(org, admin))
    units = sheets["组织单元"]
    units.append(["NEW-A", "甲", "部门", "NOPE"])                 # unknown parent
    units.append(["MKT-RES", "重复", "组", "MKT"])                 # duplicate code
    for row in units:
        if row[0] == "MKT":
            row[3] = "MKT-PLN"                                     # 市场部 under its own team: a cycle
        if row[0] == "OPS":
            row[3] = None                                          # cut loose: would orphan its sections
    sheets["岗位"].append(["FIN", "会计", "魔法师", "否", None])      # unknown role
    people = sheets["人员"]
    people.append(["li", "李", "not-an-email", "在职", None, None, None, None])
    people.append(["sun", "孙", "", "在职", "FIN", "财务经理", None, None])  # FIN has no such post
    people.append(["qian", "钱", "", "在职", "HDGAS", "总经理", "2026-05-01", "2026-04-01"])  # ends before it starts
    for row in people:
        if row[0] == "admin":
            row[3] = "停用"                                         # the last administrator
    body = (await upload(org, admin, workbook_of(sheets))).json()
    found = {(e["sheet"], e["column"], e["message"]) for e in body["errors"]}
    assert ("units", "parent_code", "没有编码为 NOPE 的组织单元") in found
    assert any(e["column"] == "code" and "已在第" in e["message"] for e in body["errors"])
    assert any(e["column"] == "parent_code" and "循环" in e["message"] for e in body["errors"])
    assert any(e["column"] == "parent_code" and "不属于任何公司" in e["message"] for e in body["errors"])
    assert any(e["column"] == "role" and "魔法师" in e["message"] for e in body["errors"])
    assert ("people", "email", "“not-an-email”不是有效的邮箱地址") in found
    assert any(e["column"] == "title" and "财务经理" in e["message"] for e in body["errors"])
    assert ("people", "end_date", "任职结束早于任职开始") in found
    # the last administrator is judged by org's own rule, on a file with nothing else wrong
    only_admin = sheets_of(await export(org, admin))
    for row in only_admin["人员"]:
        if row[0] == "admin":
            row[3] = "停用"
    body = (await upload(org, admin, workbook_of(only_admin))).json()
    assert [(e["sheet"], e["column"]) for e in body["errors"]] == [("people", "status")]
    assert "没有管理员" in body["errors"][0]["message"]
    async with org.app.state.db.reader() as s:
        assert (await s.execute(select(User.active).where(User.username == "admin"))).scalar_one() is True


async def test_an_apply_after_the_org_changed_underneath_is_refused(org):
    admin = await auth(org, "admin") | ZH
    sheets = sheets_of(await export(org, admin))
    for row in sheets["组织单元"]:
        if row[0] == "FIN":
            row[1] = "财务管理部"
    body = (await upload(org, admin, workbook_of(sheets))).json()
    assert [(c["op"], c["key"]) for c in body["changes"]] == [("unit.update", "FIN")]
    fin = await unit_by_code(org, admin, "FIN")
    url = f"/api/org/units/{fin['id']}"
    etag = (await org.get(url, headers=admin)).headers["etag"]
    assert (await org.patch(url, headers=admin | {"If-Match": etag}, json={"name": "财务部（新）"})).status_code == 200
    r = await org.post(f"{IMPORTS}/{body['id']}/apply", headers=admin | {"If-Match": f'"org-import-{body["id"]}-v1"'})
    assert r.status_code == 409, r.text
    assert r.json()["reason"] == "org_changed" and "在预览后已被他人修改" in r.json()["detail"]
    assert (await unit_by_code(org, admin, "FIN"))["name"] == "财务部（新）"
    # without If-Match the apply is not attempted; with an old version it is refused
    assert (await org.post(f"{IMPORTS}/{body['id']}/apply", headers=admin)).status_code == 428
    assert (await org.post(f"{IMPORTS}/{body['id']}/apply",
                           headers=admin | {"If-Match": '"org-import-1-v9"'})).status_code == 412
    # discarded, it stays discarded
    assert (await org.delete(f"{IMPORTS}/{body['id']}", headers=admin)).status_code == 204
    assert (await org.get(f"{IMPORTS}/{body['id']}", headers=admin)).json()["status"] == "discarded"


def macro_enabled(content: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            z.writestr(info.filename, src.read(info.filename))
        z.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 not really vba")
    return out.getvalue()


async def test_formulas_macros_and_files_that_are_not_workbooks_are_refused(org):
    admin = await auth(org, "admin") | ZH
    good = await export(org, admin)
    sheets = sheets_of(good)
    sheets["组织单元"].append(["FX", "=CONCAT(\"市\",\"场\")", "部门", "HDGAS"])
    formula = await upload(org, admin, workbook_of(sheets))
    assert formula.status_code == 201
    assert [(e["sheet"], e["row"], e["column"]) for e in formula.json()["errors"]] == [("units", 15, "name")]
    assert "公式" in formula.json()["errors"][0]["message"]
    for content, name in ((macro_enabled(good), "org.xlsx"), (good, "org.xlsm"),
                          (b"code,name\nX,Y\n", "org.xlsx"), (b"PK\x03\x04broken", "org.xlsx")):
        r = await upload(org, admin, content, name)
        assert r.status_code == 422, (name, r.text)
        assert r.json()["errors"][0]["field"] == "file"
    assert "宏" in (await upload(org, admin, macro_enabled(good))).json()["detail"]
    too_big = await upload(org, admin, b"PK" + b"\0" * (5 * 1024 * 1024))
    assert too_big.status_code == 422 and "5 MB" in too_big.json()["detail"]


async def test_who_is_not_an_administrator_may_not_import_nor_export_the_whole_org(org):
    manager = await auth(org, "market_mgr") | ZH
    admin = await auth(org, "admin") | ZH
    good = await export(org, admin)
    r = await upload(org, manager, good)
    assert r.status_code == 403 and "管理员" in r.json()["detail"]
    staged = (await upload(org, admin, good)).json()
    assert (await org.get(f"{IMPORTS}/{staged['id']}", headers=manager)).status_code == 403
    assert (await org.post(f"{IMPORTS}/{staged['id']}/apply", headers=manager | {"If-Match": "*"})).status_code == 403
    assert (await org.get(EXPORT, headers=manager)).status_code == 403


async def test_a_department_head_exports_only_their_subtree(org):
    manager = await auth(org, "market_mgr") | ZH
    mkt = await unit_by_code(org, manager, "MKT")
    sheets = sheets_of(await export(org, manager, unit_id=mkt["id"]))
    assert [r[0] for r in sheets["组织单元"][1:]] == ["MKT", "MKT-RES", "MKT-PLN"]
    assert {r[0] for r in sheets["岗位"][1:]} <= {"MKT", "MKT-RES", "MKT-PLN"}
    assert {r[0] for r in sheets["人员"][1:]} == {"market_mgr", "analyst"}
    ops = await unit_by_code(org, manager, "OPS")
    assert (await org.get(EXPORT, headers=manager, params={"unit_id": ops["id"]})).status_code == 403


async def test_moves_role_changes_renames_ended_posts_and_deactivations_apply_through_the_org_rules(org):
    admin = await auth(org, "admin") | ZH
    sheets = sheets_of(await export(org, admin))
    for row in sheets["组织单元"]:
        if row[0] == "MKT-PLN":
            row[3] = "OPS"
    for row in sheets["岗位"]:
        if row[1] == "市场调研专员":
            row[2], row[3] = "主管", "是"
    for row in sheets["人员"]:
        if row[0] == "analyst":
            row[1], row[3], row[7] = "刘调研", "停用", "2026-12-31"
    body = (await upload(org, admin, workbook_of(sheets))).json()
    assert body["errors"] == []
    assert sorted((c["op"], c["key"]) for c in body["changes"]) == [
        ("assignment.update", "analyst @ MKT-RES / 市场调研专员"), ("position.update", "MKT-RES / 市场调研专员"),
        ("unit.move", "MKT-PLN"), ("user.update", "analyst")]
    person = next(c for c in body["changes"] if c["op"] == "user.update")
    assert {f["label"]: (f["before"], f["after"]) for f in person["fields"]} == {
        "姓名": ("刘市场调研专员", "刘调研"), "状态": ("在职", "停用")}
    audits, _ = await counts(org)
    r = await org.post(f"{IMPORTS}/{body['id']}/apply", headers=admin | {"If-Match": f'"org-import-{body["id"]}-v1"'})
    assert r.status_code == 200, r.text
    async with org.app.state.db.reader() as s:
        actions = (await s.execute(select(AuditEntry.action).where(AuditEntry.seq > audits)
                                   .order_by(AuditEntry.seq))).scalars().all()
        analyst = (await s.execute(select(User).where(User.username == "analyst"))).scalar_one()
    assert actions == ["unit.moved", "position.updated", "assignment.updated", "user.updated", "org_import.applied"]
    assert (analyst.display_name, analyst.active) == ("刘调研", False)
    moved = await unit_by_code(org, admin, "MKT-PLN")
    assert moved["parent_id"] == (await unit_by_code(org, admin, "OPS"))["id"]
    # the same file again: nothing left to change
    again = (await upload(org, admin, workbook_of(sheets))).json()
    assert again["changes"] == [] and again["errors"] == []
