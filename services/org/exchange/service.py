"""The org out to Excel and back in: export what the caller may see; stage an upload as a preview (its
changes and every row error); apply a preview whole, or discard it."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common import clock
from services.common.authz import Principal, Right, is_admin
from services.common.db import utcnow
from services.common.files import XLSX, content_disposition
from services.common.guards import authorize
from services.common.i18n import EN, ZH, language
from services.common.problems import Conflict, Forbidden, Invalid, NotFound
from services.org.deps import unit_place_of
from services.org.exchange import applying, plan, sheet
from services.org.exchange.schemas import (
    AssignmentCounts,
    ChangeRead,
    FieldChangeRead,
    ImportCounts,
    ImportErrorRead,
    OrgImportRead,
    SheetCounts,
)
from services.org.exchange.sheet import KIND_LABELS, SHEET_BY_KEY, STATUS_LABELS, YES_NO, RowError
from services.org.journal import journal
from services.org.models import Assignment, OrgImport, Position, Role, Unit, User

NOTE = ("Units, positions and people absent from the file stay as they are: an import never deletes.",
        "文件中没有的单元、岗位和人员保持不变（导入不会删除任何数据）。")


@dataclass
class Download:
    content: bytes
    filename: str
    media_type: str = XLSX

    @property
    def disposition(self) -> str:
        return content_disposition(self.filename, fallback="org")


# --- export ----------------------------------------------------------------------------------


async def export_workbook(session: AsyncSession, *, principal: Principal, unit_id: int | None) -> Download:
    """The org as a workbook: the whole company for an administrator, or a unit's subtree for whoever may view
    it; only the units the caller may see, their positions, and the people holding them now or later."""
    lang = language.get()
    everyone = False
    if unit_id is not None:
        root = await session.get(Unit, unit_id)
        if root is None:
            raise NotFound(f"There is no unit with id {unit_id}.", field="unit_id",
                           zh=f"没有编号为 {unit_id} 的组织单元。")
        authorize(principal, unit_place_of(root), Right.view, Right.admin)
        scope = root.path
    elif is_admin(principal):
        scope, everyone = "/", True
    else:
        raise Forbidden("Exporting the whole org needs the 'admin' right over the company; choose a unit you may "
                        "view (unit_id).", right="admin",
                        zh="导出整个组织需要对全公司有管理权；请选择一个您有查看权的单元导出。")
    all_units = (await session.execute(select(Unit).order_by(Unit.path))).scalars().all()
    by_id = {u.id: u for u in all_units}
    units = [u for u in all_units if u.path.startswith(scope)
             and (principal.can(Right.view, u.path) or principal.can(Right.admin, u.path))]
    units.sort(key=lambda u: (u.path.count("/"), u.path))
    unit_ids = {u.id for u in units}
    roles = {r.id: r for r in (await session.execute(select(Role).order_by(Role.id))).scalars()}
    role_label = {rid: (r.name_en or r.name) if lang == EN else r.name for rid, r in roles.items()}
    positions = [p for p in (await session.execute(select(Position).order_by(Position.id))).scalars()
                 if p.unit_id in unit_ids]
    pos_by_id = {p.id: p for p in positions}
    today = clock.today()
    held = (await session.execute(select(Assignment).where(
        Assignment.position_id.in_(list(pos_by_id)) if pos_by_id else Assignment.id.is_(None),
        (Assignment.end_date.is_(None)) | (Assignment.end_date >= today)).order_by(Assignment.id))).scalars().all()
    users = {u.id: u for u in (await session.execute(select(User).order_by(User.id))).scalars()}
    kinds, yes_no, status = KIND_LABELS[lang], YES_NO[lang], STATUS_LABELS[lang]

    def parent_code(u: Unit) -> str:
        p = by_id.get(u.parent_id) if u.parent_id is not None else None
        return p.code if p else ""

    unit_rows = [[u.code, u.name, kinds.get(u.kind, u.kind), parent_code(u)] for u in units]
    position_rows = [[by_id[p.unit_id].code, p.title, role_label.get(p.role_id, ""),
                      yes_no[0] if p.heads_unit else yes_no[1], "\n".join(p.responsibilities or [])]
                     for p in sorted(positions, key=lambda p: (by_id[p.unit_id].path, p.id))]
    people_rows: list[list[Any]] = []
    seen: set[int] = set()
    for a in sorted(held, key=lambda a: (users[a.user_id].username, a.start_date, a.id)):
        u, p = users[a.user_id], pos_by_id[a.position_id]
        seen.add(u.id)
        people_rows.append([u.username, u.display_name, u.email, status[0] if u.active else status[1],
                            by_id[p.unit_id].code, p.title, a.start_date, a.end_date])
    if everyone:  # people holding no post (yet) belong to the company too
        people_rows += [[u.username, u.display_name, u.email, status[0] if u.active else status[1], "", "", None,
                         None] for u in users.values() if u.id not in seen]
        people_rows.sort(key=lambda r: r[0])
    content = await asyncio.to_thread(sheet.write_workbook, language=lang, units=unit_rows, positions=position_rows,
                                      people=people_rows, role_names=[role_label[r] for r in roles])
    return Download(content, "组织架构.xlsx" if lang == ZH else "org.xlsx")


# --- import ----------------------------------------------------------------------------------


async def _org(session: AsyncSession) -> plan.Org:
    async def all_of(model: Any) -> list[Any]:
        return list((await session.execute(select(model).order_by(model.id))).scalars())

    return plan.Org(units=await all_of(Unit), roles=await all_of(Role), positions=await all_of(Position),
                    users=await all_of(User), assignments=await all_of(Assignment), today=clock.today())


async def stage(session: AsyncSession, *, principal: Principal, content: bytes, filename: str) -> OrgImportRead:
    """Read an uploaded workbook and store its preview: the changes it would make and every row error (the
    rules of the org, the last administrator's among them, judged by making the changes and undoing them)."""
    try:
        # parsed off the event loop: a large file must not stall every other request
        parsed = await asyncio.to_thread(sheet.read_workbook, content, filename)
    except sheet.FileRefused as exc:
        raise Invalid(exc.message, field="file", zh=exc.zh) from exc
    built = plan.build(parsed, await _org(session))
    if not built.errors and built.changes:
        roots = (await session.execute(select(Unit.path).where(Unit.parent_id.is_(None)))).scalars().all()
        plain = (not any(c["op"] in applying.SENSITIVE for c in built.changes)
                 and all(principal.can(Right.admin, path) for path in roots))
        trial = await session.begin_nested()
        try:
            built.errors += await applying.run(session, principal=principal, changes=built.changes,
                                               skip=applying.PLAIN if plain else frozenset())
        finally:
            await trial.rollback()
            session.expire_all()
    item = OrgImport(created_by=principal.sub, filename=(filename or "")[:255], status="staged",
                     plan=built.as_json(), errors=[e.as_json() for e in built.errors])
    session.add(item)
    await session.flush()
    return read(item)


async def apply(session: AsyncSession, *, principal: Principal, item: OrgImport) -> OrgImportRead:
    """Make the staged changes, all or none, through org's own service functions (one audit entry and one
    event per change); 409 when the preview has errors, or the org has changed underneath it."""
    if item.status != "staged":
        raise Conflict(f"This import was {item.status} already.", reason="not_staged",
                       zh=f"此导入已{'导入' if item.status == 'applied' else '放弃'}，不能再导入。")
    if item.errors:
        raise Conflict(f"The preview has {len(item.errors)} error(s); correct the file and upload it again.",
                       reason="has_errors", errors=_errors_json(item.errors),
                       zh=f"预览中有 {len(item.errors)} 处错误；请修改文件后重新上传。")
    changes = list(item.plan.get("changes", []))
    conflicts = await applying.stale(session, changes)
    if not conflicts:
        conflicts = await applying.run(session, principal=principal, changes=changes, trial=False)
    if conflicts:
        first = _render(conflicts[0])
        raise Conflict(f"The org has changed since the preview; nothing was imported: {first.text}",
                       reason="org_changed", errors=_errors_json([c.as_json() for c in conflicts]),
                       zh=f"预览后组织已发生变化，未导入任何数据：{_render(conflicts[0], ZH).text}；请重新上传文件。")
    item.status, item.decided_at, item.decided_by = "applied", utcnow(), principal.sub
    await session.flush()
    await journal.audit(session, actor=principal, action="org_import.applied", subject_type="org_import",
                        subject_id=item.id, after={"filename": item.filename, **_totals(item)})
    return read(item)


async def discard(session: AsyncSession, *, principal: Principal, item: OrgImport) -> None:
    if item.status == "applied":
        raise Conflict("This import was applied; it can no longer be discarded.", reason="applied",
                       zh="此导入已完成，不能再放弃。")
    if item.status == "staged":
        item.status, item.decided_at, item.decided_by = "discarded", utcnow(), principal.sub
        await session.flush()


# --- reading a stored import -----------------------------------------------------------------


def _totals(item: OrgImport) -> dict[str, int]:
    ops = [c["op"] for c in item.plan.get("changes", [])]
    return {"changes": len(ops), "created": sum(o.endswith(".create") for o in ops),
            "updated": sum(not o.endswith(".create") for o in ops)}


def _label(sheet_key: str, column: str, lang: str) -> tuple[str, str]:
    spec = SHEET_BY_KEY.get(sheet_key)
    if spec is None:
        return ("文件" if lang == ZH else "File"), column
    return spec.title(lang), spec.header(column, lang) if column else ""


def _render(e: RowError | dict[str, Any], lang: str | None = None) -> ImportErrorRead:
    d = e.as_json() if isinstance(e, RowError) else e
    lang = lang or language.get()
    sheet_label, column_label = _label(d["sheet"], d["column"], lang)
    message = d["zh"] if lang == ZH else d["en"]
    if lang == ZH:
        where = f"{sheet_label} 第 {d['row']} 行" + (f"「{column_label}」" if column_label else "")
        text = f"{where}：{message}"
    else:
        where = f"{sheet_label} row {d['row']}" + (f", '{column_label}'" if column_label else "")
        text = f"{where}: {message}"
    return ImportErrorRead(sheet=d["sheet"], sheet_label=sheet_label, row=d["row"], column=d["column"],
                           column_label=column_label, message=message, text=text)


def _errors_json(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # Problem details carry them in English; the preview (GET) shows them in the caller's language
    return [{"field": f"{e['sheet']}.{e['row']}.{e['column']}", **_render(e).model_dump()} for e in errors]


def _shown(field: str, value: Any, lang: str) -> str | None:
    if value is None:
        return None
    if field == "kind":
        return KIND_LABELS[lang].get(value, value)
    if field == "status":
        return STATUS_LABELS[lang][0 if value else 1]
    if field == "heads_unit":
        return YES_NO[lang][0 if value else 1]
    if isinstance(value, list):
        return ("；" if lang == ZH else "; ").join(str(v) for v in value)
    return str(value)


def read(item: OrgImport) -> OrgImportRead:
    lang = language.get()
    changes = []
    for c in item.plan.get("changes", []):
        sheet_label, _ = _label(c["sheet"], "", lang)
        action = c["op"].split(".")[1]
        changes.append(ChangeRead(
            op=c["op"], action="create" if action == "create" else "move" if action == "move" else "update",
            sheet=c["sheet"], sheet_label=sheet_label, row=c["row"], key=c["key"],
            fields=[FieldChangeRead(field=f, label=_label(c["sheet"], f, lang)[1], before=_shown(f, ba[0], lang),
                                    after=_shown(f, ba[1], lang)) for f, ba in c["fields"].items()]))
    counts = item.plan.get("counts", {})
    return OrgImportRead(
        id=item.id, status=item.status, filename=item.filename, created_by=item.created_by,
        created_at=item.created_at, decided_at=item.decided_at, decided_by=item.decided_by, version=item.version,
        note=NOTE[1] if lang == ZH else NOTE[0],
        can_apply=item.status == "staged" and not item.errors and bool(changes),
        counts=ImportCounts(units=SheetCounts(**counts.get("units", {})),
                            positions=SheetCounts(**counts.get("positions", {})),
                            people=SheetCounts(**counts.get("people", {})),
                            assignments=AssignmentCounts(**counts.get("assignments", {}))),
        changes=changes, errors=[_render(e) for e in item.errors])
