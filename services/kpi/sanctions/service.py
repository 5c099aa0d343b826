"""Rewards and penalties (奖惩): the company scale, proposals from finalised assessments, their confirmation by
a holder of assess (考核权) over the unit, special innovation rewards, proposal rewards granted in planning, the
register and its payroll export.

A finalised assessment's outcomes (the scorecard's for the grade, the assessor's own, or else the company
scale's for the grade and the subject) become proposed lines; a holder of assess over the assessed unit (for a
person: over their unit) confirms each as proposed, changes it with a reason, or dismisses it with a reason.
Innovation and proposal rewards are decisions already taken: they are recorded confirmed. Every decision is
journalled with the grant that allowed it and evented (``kpi.sanction.proposed|confirmed|dismissed``).
A line is read by holders of assess over its unit and by the person it names.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.common import clock
from services.common.api import paginate
from services.common.authz import Grant, Principal, Right, is_root_path
from services.common.db import utcnow
from services.common.guards import Allowed, Place, authorize
from services.common.i18n import zh_of
from services.common.periods import Period, PeriodError, PeriodKind, of_date
from services.common.periods import period as parse_period
from services.common.problems import Conflict, Forbidden, Invalid
from services.common.runtime import Runtime
from services.common.scoping import visible_to
from services.common.sheets import Column, add_table, workbook_bytes
from services.kpi.events import ProposalRewardedView, SanctionData
from services.kpi.journal import journal
from services.kpi.lookups import unit_or_404, unit_or_422
from services.kpi.models import Assessment, OrgUnit, Sanction, SanctionScale
from services.kpi.sanctions.schemas import (
    KIND_ZH,
    SOURCE_ZH,
    TYPE_ZH,
    InnovationReward,
    SanctionConfirm,
    SanctionDismiss,
    SanctionList,
    SanctionRead,
    SanctionTotals,
    ScaleLine,
    ScaleRead,
    ScaleUpdate,
    check_kind_type,
)

log = logging.getLogger("yunguan.kpi")

# The documents' rewards (bonus, certificate, promotion) and penalties (warning, fine, demotion) by grade, until
# the company admin sets the company's own.
DEFAULT_SCALE: list[dict[str, Any]] = [
    {"grade": "A", "subject_kind": "person", "kind": "reward", "type": "bonus", "amount": 5000.0,
     "note": "年度考核优秀奖金"},
    {"grade": "A", "subject_kind": "person", "kind": "reward", "type": "certificate", "amount": None,
     "note": "优秀员工证书"},
    {"grade": "A", "subject_kind": "unit", "kind": "reward", "type": "bonus", "amount": 20000.0,
     "note": "先进集体奖金"},
    {"grade": "B", "subject_kind": "person", "kind": "reward", "type": "bonus", "amount": 2000.0,
     "note": "考核良好奖金"},
    {"grade": "B", "subject_kind": "unit", "kind": "reward", "type": "certificate", "amount": None,
     "note": "表彰"},
    {"grade": "D", "subject_kind": "any", "kind": "penalty", "type": "warning", "amount": None,
     "note": "考核不合格警告"},
]

PAYROLL_COLUMNS = [Column("姓名", 14), Column("单位", 18), Column("类型", 16), Column("金额（元）", 12),
                   Column("期间", 10), Column("依据", 48)]


def sanction_data(s: Sanction) -> dict[str, Any]:
    return {"id": s.id, "source": s.source, "assessment_id": s.assessment_id, "proposal_id": s.proposal_id,
            "unit_id": s.unit_id, "unit_path": s.unit_path, "subject_kind": s.subject_kind,
            "person_id": s.person_id, "person_name": s.person_name, "kind": s.kind, "type": s.type,
            "amount": s.amount, "period": s.period, "basis": s.basis, "status": s.status, "proposed": s.proposed,
            "reason": s.reason, "decided_by": s.decided_by,
            "decided_at": s.decided_at.isoformat() if s.decided_at else None, "version": s.version}


async def _journal(session: AsyncSession, s: Sanction, *, actor: Principal | str, action: str, grant: Grant | None,
                   before: dict[str, Any] | None = None, note: str = "") -> None:
    after = sanction_data(s)
    await journal.audit(session, actor=actor, action=f"sanction.{action}", subject_type="sanction", subject_id=s.id,
                        unit_path=s.unit_path, grant=grant, before=before, after=after, note=note)
    await journal.emit(session, f"kpi.sanction.{action}", s.id, SanctionData(**after), s.unit_path)


# --- the company scale -----------------------------------------------------------------------

async def scale_row(session: AsyncSession) -> SanctionScale | None:
    return (await session.execute(select(SanctionScale).order_by(SanctionScale.id).limit(1))).scalar_one_or_none()


def scale_read(row: SanctionScale | None) -> ScaleRead:
    if row is None:
        return ScaleRead(lines=[ScaleLine(**line) for line in DEFAULT_SCALE], version=0)
    return ScaleRead(lines=[ScaleLine(**line) for line in row.lines], version=row.version,
                     updated_by=row.updated_by, updated_at=row.updated_at)


async def get_scale(session: AsyncSession) -> ScaleRead:
    return scale_read(await scale_row(session))


async def put_scale(session: AsyncSession, *, principal: Principal, scale: SanctionScale | None,
                    body: ScaleUpdate) -> ScaleRead:
    """The company admin's scale; assessments finalised before keep the lines they proposed."""
    grant = next(g for g in principal.grants if g.right == Right.admin and is_root_path(g.unit_path))
    before = scale_read(scale).model_dump(mode="json")
    lines = [line.model_dump() for line in body.lines]
    if scale is None:
        scale = SanctionScale(lines=lines, updated_by=principal.sub)
        session.add(scale)
    else:
        scale.lines, scale.updated_by = lines, principal.sub
    await session.flush()
    out = scale_read(scale)
    await journal.audit(session, actor=principal, action="sanction_scale.updated", subject_type="sanction_scale",
                        subject_id=scale.id, unit_path=grant.unit_path, grant=grant, before=before,
                        after=out.model_dump(mode="json"))
    return out


async def scale_outcomes(session: AsyncSession, *, grade: str | None, subject_kind: str) -> list[dict[str, Any]]:
    """What the company scale gives ``grade`` for a person or a unit, as assessment outcomes. The scale is the
    annual assessment's (routine results roll into it); a routine assessment proposes only what its scorecard
    or its assessor names."""
    if not grade:
        return []
    lines = scale_read(await scale_row(session)).lines
    return [{"kind": line.kind, "type": line.type, "amount": line.amount, "note": line.note}
            for line in lines if line.grade == grade and line.subject_kind in (subject_kind, "any")]


# --- proposals from assessments --------------------------------------------------------------

def _basis(a: Assessment) -> str:
    kind = "年度" if a.kind == "annual" else "日常"
    total = f"，{a.total:.1f} 分" if a.total is not None else ""
    return f"{a.period} {kind}考核 {a.grade or '—'} 级{total}（考核 #{a.id}）"


async def propose_from_assessment(session: AsyncSession, *, a: Assessment, principal: Principal,
                                  grant: Grant | None) -> list[Sanction]:
    """One proposed line per outcome of the finalised assessment, for the person or the unit assessed."""
    out = []
    for n, o in enumerate(a.outcomes or []):
        s = Sanction(source="assessment", origin_ref=f"assessment:{a.id}:{n}", assessment_id=a.id,
                     unit_id=a.unit_id, unit_path=a.unit_path, subject_kind=a.subject_kind,
                     person_id=a.person_id if a.subject_kind == "person" else None,
                     person_name=a.person_name if a.subject_kind == "person" else "",
                     kind=o["kind"], type=o["type"], amount=o.get("amount"), period=a.period, basis=_basis(a),
                     note=o.get("note") or "", status="proposed", reason="", created_by=principal.sub)
        session.add(s)
        await session.flush()
        await _journal(session, s, actor=principal, action="proposed", grant=grant)
        out.append(s)
    return out


# --- reading the register --------------------------------------------------------------------

def _period_or_422(text: str, field: str = "period") -> Period:
    try:
        return parse_period(text)
    except PeriodError as exc:
        raise Invalid(str(exc), field=field, zh=zh_of(exc)) from exc


def _within(p: Period, line_period: str) -> bool:
    try:
        return p.contains(line_period)
    except PeriodError:
        return False


async def reads(session: AsyncSession, principal: Principal, rows: list[Sanction]) -> list[SanctionRead]:
    units = dict((await session.execute(select(OrgUnit.id, OrgUnit.name).where(
        OrgUnit.id.in_({s.unit_id for s in rows})))).all()) if rows else {}
    return [SanctionRead.model_validate(s).model_copy(update={
        "unit_name": units.get(s.unit_id, ""),
        "can_decide": s.status == "proposed" and principal.can(Right.assess, s.unit_path)}) for s in rows]


def _readable(principal: Principal) -> Any:
    """Lines under the caller's assess right, and their own."""
    mine = Sanction.person_id == principal.user_id if principal.user_id is not None else None
    assess = visible_to(principal, Right.assess, Sanction.unit_path)
    return or_(assess, mine) if mine is not None else assess


async def _query(session: AsyncSession, *, principal: Principal, unit_id: int | None, person_id: int | None,
                 period: str | None, status: str | None, kind: str | None, source: str | None,
                 mine: bool) -> Any:
    assessor = any(g.right == Right.assess for g in principal.grants)
    if person_id is not None and person_id != principal.user_id and not assessor:
        raise Forbidden("Only holders of assess over a unit read other people's rewards and penalties.",
                        right="assess", zh="只有对单位有考核权的人员才能查看他人的奖惩记录。")
    stmt = select(Sanction).where(_readable(principal))
    if mine:
        stmt = stmt.where(Sanction.person_id == principal.user_id) if principal.user_id is not None \
            else stmt.where(Sanction.id.is_(None))
    if unit_id is not None:
        unit = await unit_or_404(session, unit_id)
        stmt = stmt.where(Sanction.unit_path.startswith(unit.path, autoescape=True))
    if person_id is not None:
        stmt = stmt.where(Sanction.person_id == person_id)
    if status:
        stmt = stmt.where(Sanction.status == status)
    if kind:
        stmt = stmt.where(Sanction.kind == kind)
    if source:
        stmt = stmt.where(Sanction.source == source)
    if period:
        p = _period_or_422(period)
        stmt = stmt.where(Sanction.period.startswith(p.text[:4]))
        if p.kind != PeriodKind.year:
            # finer periods: the lines whose period lies within (a year's line is not in its March)
            ids = [s.id for s in (await session.execute(stmt)).scalars() if _within(p, s.period)]
            stmt = select(Sanction).where(Sanction.id.in_(ids))
    return stmt


def _totals(rows: list[tuple[str, str, float | None]]) -> SanctionTotals:
    rewards = sum(a or 0 for k, st, a in rows if st == "confirmed" and k == "reward")
    penalties = sum(a or 0 for k, st, a in rows if st == "confirmed" and k == "penalty")
    proposed = sum(a or 0 for _, st, a in rows if st == "proposed")
    return SanctionTotals(count=len(rows), rewards=round(rewards, 2), penalties=round(penalties, 2),
                          proposed=round(proposed, 2))


async def list_sanctions(session: AsyncSession, *, principal: Principal, limit: int, cursor: str | None,
                         unit_id: int | None, person_id: int | None, period: str | None, status: str | None,
                         kind: str | None, source: str | None, mine: bool) -> SanctionList:
    """The register: the lines the caller may read, the filter's totals over all of them (元)."""
    stmt = await _query(session, principal=principal, unit_id=unit_id, person_id=person_id, period=period,
                        status=status, kind=kind, source=source, mine=mine)
    sub = stmt.subquery()
    totals = _totals([(k, st, a) for k, st, a in (await session.execute(
        select(sub.c.kind, sub.c.status, sub.c.amount))).all()])
    rows, nxt = await paginate(session, stmt, Sanction.id, limit=limit, cursor=cursor)
    return SanctionList(items=await reads(session, principal, list(rows)), next_cursor=nxt, totals=totals)


async def to_confirm(session: AsyncSession, *, principal: Principal, limit: int) -> list[SanctionRead]:
    """Proposed lines waiting on the caller (assess over their unit): the inbox part."""
    stmt = (select(Sanction).where(Sanction.status == "proposed",
                                   visible_to(principal, Right.assess, Sanction.unit_path))
            .order_by(Sanction.id).limit(limit))
    return await reads(session, principal, list((await session.execute(stmt)).scalars()))


async def get_sanction(session: AsyncSession, *, principal: Principal, sanction: Sanction) -> SanctionRead:
    own = sanction.person_id is not None and sanction.person_id == principal.user_id
    if not own:
        authorize(principal, Place(sanction.unit_path, "this line's unit"), Right.assess)
    return (await reads(session, principal, [sanction]))[0]


# --- decisions -------------------------------------------------------------------------------

def _proposed_only(s: Sanction) -> None:
    if s.status != "proposed":
        raise Conflict(f"This line is {s.status} already; it can no longer be decided.", status_now=s.status,
                       zh="此奖惩已处理，不能再确认或驳回。")


async def confirm(session: AsyncSession, *, sanction: Allowed[Sanction], body: SanctionConfirm) -> SanctionRead:
    """Confirm as proposed, or changed (kind, type, amount) with a reason; the proposal is kept beside."""
    s, principal = sanction.item, sanction.principal
    _proposed_only(s)
    sent = body.model_fields_set
    kind = body.kind if "kind" in sent and body.kind else s.kind
    type_ = body.type if "type" in sent and body.type else s.type
    amount = (body.amount or None) if "amount" in sent else s.amount
    if type_ != s.type and "amount" not in sent and type_ not in ("bonus", "fine"):
        amount = None  # a bonus changed into a certificate carries no money
    changed = (kind, type_, amount) != (s.kind, s.type, s.amount)
    try:
        check_kind_type(kind, type_, amount)
    except ValueError as exc:
        raise Invalid(str(exc), field="type" if type_ != s.type or kind != s.kind else "amount",
                      zh=getattr(exc, "zh", None)) from exc
    reason = body.reason.strip()
    if changed and not reason:
        raise Invalid("Say why the proposed reward or penalty is changed.", field="reason",
                      zh="更改建议的奖惩时须填写理由。")
    before = sanction_data(s)
    if changed:
        s.proposed = {"kind": s.kind, "type": s.type, "amount": s.amount}
        s.kind, s.type, s.amount = kind, type_, amount
    s.status, s.reason, s.decided_by, s.decided_at = "confirmed", reason, principal.sub, utcnow()
    await session.flush()
    await _journal(session, s, actor=principal, action="confirmed", grant=sanction.grant, before=before,
                   note=reason)
    return (await reads(session, principal, [s]))[0]


async def dismiss(session: AsyncSession, *, sanction: Allowed[Sanction], body: SanctionDismiss) -> SanctionRead:
    s, principal = sanction.item, sanction.principal
    _proposed_only(s)
    reason = body.reason.strip()
    if not reason:
        raise Invalid("Say why it is dismissed.", field="reason", zh="驳回时须填写理由。")
    before = sanction_data(s)
    s.status, s.reason, s.decided_by, s.decided_at = "dismissed", reason, principal.sub, utcnow()
    await session.flush()
    await _journal(session, s, actor=principal, action="dismissed", grant=sanction.grant, before=before,
                   note=reason)
    return (await reads(session, principal, [s]))[0]


def _this_month() -> str:
    return of_date(clock.today(), PeriodKind.month).text


async def grant_innovation(session: AsyncSession, *, principal: Principal, body: InnovationReward) -> SanctionRead:
    """A special reward for innovation (创新奖励) by a holder of assess over the unit: recorded confirmed."""
    unit = await unit_or_422(session, body.unit_id)
    grant = authorize(principal, Place(unit.path, unit.name), Right.assess)
    linked = f"（合理化建议 #{body.proposal_id}）" if body.proposal_id else ""
    s = Sanction(source="innovation", origin_ref=None, proposal_id=body.proposal_id, unit_id=unit.id,
                 unit_path=unit.path, subject_kind="person", person_id=body.person_id,
                 person_name=body.person_name.strip(), kind="reward", type=body.type, amount=body.amount,
                 period=body.period or _this_month(), basis=f"创新奖励{linked}：{body.reason.strip()}"[:500],
                 note="", status="confirmed", reason=body.reason.strip(), created_by=principal.sub,
                 decided_by=principal.sub, decided_at=utcnow())
    session.add(s)
    await session.flush()
    await _journal(session, s, actor=principal, action="confirmed", grant=grant, note=body.reason.strip())
    return (await reads(session, principal, [s]))[0]


async def record_proposal_reward(session: AsyncSession, event: dict[str, Any], reward: ProposalRewardedView) -> None:
    """A proposal reward granted in planning, in the same register as innovation rewards. An anonymous
    proposal's line names nobody (the event does not say who, and kpi does not ask)."""
    ref = f"proposal:{reward.proposal_id}:{event.get('id', '')}"[:120]
    if (await session.execute(select(Sanction.id).where(Sanction.origin_ref == ref))).first():
        return
    unit = await session.get(OrgUnit, reward.unit_id)
    person = None if reward.anonymous or not reward.proposer or not reward.proposer.isdigit() \
        else int(reward.proposer)
    try:
        when = datetime.fromisoformat(str(event.get("occurred_at")))
        period = of_date(clock.local(when).date(), PeriodKind.month).text
    except ValueError:
        period = _this_month()
    s = Sanction(source="proposal", origin_ref=ref, proposal_id=reward.proposal_id, unit_id=reward.unit_id,
                 unit_path=unit.path if unit is not None else reward.unit_path, subject_kind="person",
                 person_id=person, person_name="", kind="reward",
                 type="bonus" if reward.amount else "certificate", amount=reward.amount or None, period=period,
                 basis=f"合理化建议奖励：{reward.title}（{reward.level_name}）"[:500],
                 note="匿名建议" if reward.anonymous else "", status="confirmed", reason="",
                 created_by="planning", decided_by=reward.actor or "planning", decided_at=utcnow())
    try:
        async with session.begin_nested():
            session.add(s)
            await session.flush()
    except IntegrityError:  # the same event recorded by a concurrent delivery
        return
    await _journal(session, s, actor=f"{event.get('source') or 'planning'}:{event.get('type')}", action="confirmed",
                   grant=None,
                   note=f"planning.proposal.rewarded {event.get('id', '')}")


# --- the payroll export ----------------------------------------------------------------------

async def _names(rt: Runtime, authorization: str, ids: set[int]) -> dict[int, str]:
    """People's names from org, asked as the caller (the lines of proposal rewards carry only ids)."""
    if not ids:
        return {}
    try:
        resp = await rt.call("org", "GET", "/api/org/users", params={"limit": 500}, authorization=authorization)
        if resp.status_code != 200:
            return {}
        return {u["id"]: u.get("display_name") or u.get("username", "") for u in resp.json().get("items", [])
                if u.get("id") in ids}
    except Exception as exc:
        log.warning("payroll export without people's names from org", extra={"fields": {"error": str(exc)}})
        return {}


def _who(s: Sanction, names: dict[int, str]) -> str:
    if s.person_name:
        return s.person_name
    if s.person_id is not None:
        return names.get(s.person_id, f"用户 {s.person_id}")
    return "（匿名）" if s.subject_kind == "person" else "（单位）"


def _type_label(s: Sanction) -> str:
    label = TYPE_ZH.get(s.type, s.type)
    return f"{SOURCE_ZH['innovation']}·{label}" if s.source in ("innovation", "proposal") else \
        f"{KIND_ZH.get(s.kind, s.kind)}·{label}"


async def export_payroll(session: AsyncSession, *, rt: Runtime, authorization: str, principal: Principal,
                         period: str, unit_id: int | None) -> bytes:
    """The confirmed lines of ``period`` under the caller's assess right (or under ``unit_id``, which they
    must hold assess over), in the payroll layout: 姓名, 单位, 类型, 金额（元）, 期间, 依据."""
    p = _period_or_422(period)
    stmt = select(Sanction).where(Sanction.status == "confirmed", Sanction.period.startswith(p.text[:4]),
                                  visible_to(principal, Right.assess, Sanction.unit_path))
    if unit_id is not None:
        unit = await unit_or_404(session, unit_id)
        authorize(principal, Place(unit.path, unit.name), Right.assess)
        stmt = stmt.where(Sanction.unit_path.startswith(unit.path, autoescape=True))
    elif not any(g.right == Right.assess for g in principal.grants):
        raise Forbidden("The payroll export is for holders of assess over a unit.", right="assess",
                        zh="只有对单位有考核权的人员才能导出奖惩工资表。")
    rows = [s for s in (await session.execute(stmt.order_by(Sanction.unit_path, Sanction.id))).scalars()
            if _within(p, s.period)]
    units = dict((await session.execute(select(OrgUnit.id, OrgUnit.name).where(
        OrgUnit.id.in_({s.unit_id for s in rows})))).all()) if rows else {}
    names = await _names(rt, authorization, {s.person_id for s in rows if s.person_id and not s.person_name})
    wb = Workbook()
    add_table(wb, "奖惩工资表", PAYROLL_COLUMNS, first=True, rows=[
        (_who(s, names), units.get(s.unit_id, ""), _type_label(s),
         (-s.amount if s.kind == "penalty" else s.amount) if s.amount else None, s.period, s.basis)
        for s in rows])
    return workbook_bytes(wb)

