"""Plans: content, visibility and snapshots."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.authz import Principal
from services.common.periods import period
from services.common.problems import Conflict, Invalid, NotFound
from services.common.scoping import visible_to
from services.planning.flows import KINDS, STATUS_ZH
from services.planning.models import OrgUnit, Plan, PlanResource, PlanTarget, PlanTask

PUBLIC_STATUSES = ("issued", "published", "closed")
EDITABLE_STATUSES = ("draft", "returned")


@dataclass
class Units:
    """The org read-model, indexed the ways planning needs it."""

    by_id: dict[int, Any]

    @property
    def kinds_by_path(self) -> dict[str, str]:
        return {u.path: u.kind for u in self.by_id.values()}

    @property
    def paths_by_code(self) -> dict[str, str]:
        return {u.code: u.path for u in self.by_id.values()}

    def path(self, unit_id: int) -> str:
        unit = self.by_id.get(unit_id)
        if unit is None:
            raise NotFound(f"There is no org unit with id {unit_id} (known to this service).", field="unit_id",
                           zh=f"没有编号为 {unit_id} 的组织单元（本服务未知）。")
        return unit.path

    def children(self, unit_id: int) -> list[Any]:
        return sorted((u for u in self.by_id.values() if u.parent_id == unit_id), key=lambda u: u.id)


async def load_units(session: AsyncSession) -> Units:
    return Units({u.id: u for u in (await session.execute(select(OrgUnit))).scalars()})


def kind_of(period_text: str) -> str:
    return KINDS[period(period_text).kind.value]


def root_of(path: str) -> str:
    return "/" + path.strip("/").split("/")[0] + "/"


def can_see(principal: Principal, plan: Plan, unit_path: str) -> bool:
    """Drafts: the unit and anyone holding a right over it. Issued or published (and revisions of
    what was issued): the whole company."""
    if plan.status in PUBLIC_STATUSES or plan.issued_at is not None:
        root = root_of(unit_path)
        return any(g.unit_path.startswith(root) for g in principal.grants)
    return any(g.covers(g.right, unit_path) for g in principal.grants)


def can_see_unit(principal: Principal, unit_path: str) -> bool:
    return any(g.covers(g.right, unit_path) for g in principal.grants)


def require_visible(principal: Principal, plan: Plan, unit_path: str) -> None:
    if not can_see(principal, plan, unit_path):
        # 404, not 403: whether someone else's draft exists is not the caller's business.
        raise NotFound(f"There is no plan with id {plan.id}.", zh=f"没有编号为 {plan.id} 的计划。")


def visible_clause(principal: Principal):
    """SQL over (Plan, OrgUnit) rows: what :func:`can_see` allows."""
    clauses = [visible_to(principal, None, OrgUnit.path)]
    roots = sorted({root_of(g.unit_path) for g in principal.grants})
    if roots:
        public = Plan.status.in_(PUBLIC_STATUSES) | Plan.issued_at.is_not(None)
        clauses.append(public & or_(*[OrgUnit.path.startswith(r) for r in roots]))
    return or_(*clauses)


async def live_plan(session: AsyncSession, unit_id: int, period_text: str) -> Plan | None:
    """The unit's one live (not vetoed) plan for the period, if there is one."""
    return (await session.execute(select(Plan).where(Plan.unit_id == unit_id, Plan.period == period_text,
                                                     Plan.status != "vetoed"))).scalars().first()


def second_live_plan(existing: Plan, unit_name: str) -> Conflict:
    return Conflict(f"{unit_name} already has a plan for {existing.period}: '{existing.title}' (id {existing.id}). "
                    "Revise that plan, or veto it before drafting another.",
                    zh=f"{unit_name}已有{existing.period}的计划「{existing.title}」（编号 {existing.id}）。"
                       "请调整该计划，或先否决它再另行编制。",
                    existing_plan={"id": existing.id, "title": existing.title, "status": existing.status})


async def check_parent(session: AsyncSession, units: Units, *, parent_id: int, period_text: str,
                       unit_path: str) -> Plan:
    parent = await session.get(Plan, parent_id)
    if parent is None:
        raise Invalid(f"There is no parent plan with id {parent_id}.", field="parent_plan_id",
                      zh=f"没有编号为 {parent_id} 的上级计划。")
    if parent.status == "vetoed":
        raise Invalid("The parent plan was vetoed; choose another.", field="parent_plan_id", zh="上级计划已被否决；请另选一个。")
    parent_path = units.path(parent.unit_id)
    if not unit_path.startswith(parent_path):
        raise Invalid("The parent plan must be for this unit or a unit above it.", field="parent_plan_id",
                      zh="上级计划须属于本单位或其上级单位。")
    pp, cp = period(parent.period), period(period_text)
    if (pp == cp and parent_path == unit_path) or not pp.contains(cp):
        raise Invalid(f"A child plan's period must lie within its parent's ({parent.period}), and a plan for the "
                      "same period must be for a unit below.", field="parent_plan_id",
                      zh=f"下级计划的期间须在上级计划的期间（{parent.period}）之内；同一期间的计划须属于下级单位。")
    return parent


async def replace_content(session: AsyncSession, plan: Plan, *, targets=None, tasks=None, resources=None) -> None:
    """Replace whichever of targets, tasks and resources are given (None leaves them alone)."""
    if targets is not None:
        await session.execute(delete(PlanTarget).where(PlanTarget.plan_id == plan.id))
        session.add_all(PlanTarget(plan_id=plan.id, **t.model_dump()) for t in targets)
    if tasks is not None:
        await session.execute(delete(PlanTask).where(PlanTask.plan_id == plan.id))
        for t in tasks:
            data = t.model_dump(mode="json")
            data["start"], data["due"] = t.start, t.due
            session.add(PlanTask(plan_id=plan.id, **data))
    if resources is not None:
        await session.execute(delete(PlanResource).where(PlanResource.plan_id == plan.id))
        session.add_all(PlanResource(plan_id=plan.id, **r.model_dump()) for r in resources)
    await session.flush()


async def content(session: AsyncSession, plan_id: int) -> tuple[list, list, list]:
    targets = (await session.execute(select(PlanTarget).where(PlanTarget.plan_id == plan_id)
                                     .order_by(PlanTarget.id))).scalars().all()
    tasks = (await session.execute(select(PlanTask).where(PlanTask.plan_id == plan_id)
                                   .order_by(PlanTask.id))).scalars().all()
    resources = (await session.execute(select(PlanResource).where(PlanResource.plan_id == plan_id)
                                       .order_by(PlanResource.id))).scalars().all()
    return list(targets), list(tasks), list(resources)


def overdue(task: PlanTask, today: date) -> tuple[bool, list[str]]:
    if task.status in ("done", "cancelled"):
        return False, []
    late = [m["title"] for m in task.milestones or [] if not m.get("done") and m.get("due") and m["due"] < today.isoformat()]
    return bool(task.due and task.due < today), late


async def snapshot(session: AsyncSession, plan: Plan) -> dict[str, Any]:
    """The plan's content as data, frozen into its version history."""
    targets, tasks, resources = await content(session, plan.id)
    return {
        "title": plan.title, "period": plan.period, "unit_id": plan.unit_id, "guidance": plan.guidance,
        "risk_notes": plan.risk_notes, "parent_plan_id": plan.parent_plan_id,
        "linked_risks": list(plan.linked_risks or []),
        "targets": [{"indicator_code": t.indicator_code, "value": t.value, "unit": t.unit,
                     "aggregation": t.aggregation} for t in targets],
        "tasks": [{"title": t.title, "measures": t.measures, "owner_id": t.owner_id, "owner_name": t.owner_name,
                   "unit_id": t.unit_id, "start": t.start.isoformat() if t.start else None, "due": t.due.isoformat() if t.due else None,
                   "milestones": t.milestones, "status": t.status} for t in tasks],
        "resources": [{"kind": r.kind, "description": r.description, "quantity": r.quantity, "unit": r.unit,
                       "amount": r.amount, "amount_unit": r.amount_unit} for r in resources],
    }


async def restore(session: AsyncSession, plan: Plan, snap: dict[str, Any]) -> None:
    """Put a frozen version's content back (a vetoed revision gives way to the version in force).
    Lists that did not change are left alone, so tasks keep their ids, progress and reports."""
    for key in ("title", "guidance", "risk_notes"):
        if key in snap:
            setattr(plan, key, snap[key])
    plan.linked_risks = list(snap.get("linked_risks") or [])
    now = await snapshot(session, plan)
    if not _same(now["targets"], snap.get("targets", [])):
        await session.execute(delete(PlanTarget).where(PlanTarget.plan_id == plan.id))
        session.add_all(PlanTarget(plan_id=plan.id, **t) for t in snap.get("targets", []))
    # a task's status moves with its progress reports, not with revisions: only what was planned counts
    if not _same(now["tasks"], snap.get("tasks", []), ignore=("status",)):
        await session.execute(delete(PlanTask).where(PlanTask.plan_id == plan.id))
        for t in snap.get("tasks", []):
            session.add(PlanTask(plan_id=plan.id, **{**t, "start": date.fromisoformat(t["start"]) if t.get("start") else None,
                                                     "due": date.fromisoformat(t["due"]) if t.get("due") else None}))
    if not _same(now["resources"], snap.get("resources", [])):
        await session.execute(delete(PlanResource).where(PlanResource.plan_id == plan.id))
        session.add_all(PlanResource(plan_id=plan.id, **r) for r in snap.get("resources", []))
    await session.flush()


def _same_item(a: Any, b: Any, ignore: tuple[str, ...] = ()) -> bool:
    # snapshots from before a key existed (a task's unit, a resource's amount unit) lack it: compare the rest
    if isinstance(a, dict) and isinstance(b, dict):
        return all(a[k] == b[k] for k in a.keys() & b.keys() if k not in ignore)
    return a == b


def _same(a: list, b: list, ignore: tuple[str, ...] = ()) -> bool:
    return len(a) == len(b) and all(_same_item(x, y, ignore) for x, y in zip(a, b))


def diff(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """What changed between two snapshots, field by field (targets by indicator, lists by position)."""
    out: list[dict[str, Any]] = []
    for key in ("title", "guidance", "risk_notes", "period", "parent_plan_id"):
        if old.get(key) != new.get(key):
            out.append({"field": key, "before": old.get(key), "after": new.get(key)})
    # snapshots taken before plans linked risks have no such key: read it as no links
    if (old.get("linked_risks") or []) != (new.get("linked_risks") or []):
        out.append({"field": "linked_risks", "before": old.get("linked_risks") or [],
                    "after": new.get("linked_risks") or []})
    ot = {t["indicator_code"]: t for t in old.get("targets", [])}
    nt = {t["indicator_code"]: t for t in new.get("targets", [])}
    for code in sorted(set(ot) | set(nt)):
        if ot.get(code) != nt.get(code):
            out.append({"field": f"targets.{code}", "before": ot.get(code, {}).get("value"),
                        "after": nt.get(code, {}).get("value")})
    for key in ("tasks", "resources"):
        a, b = old.get(key, []), new.get(key, [])
        for i in range(max(len(a), len(b))):
            x, y = (a[i] if i < len(a) else None), (b[i] if i < len(b) else None)
            if not _same_item(x, y):
                out.append({"field": f"{key}[{i}]", "before": x, "after": y})
    return out


def require_editable(plan: Plan) -> None:
    if plan.status not in EDITABLE_STATUSES:
        raise Conflict(f"A {plan.status} plan cannot be edited; only drafts and returned plans can "
                       "(revise an issued plan to change it).", status_now=plan.status,
                       zh=f"{STATUS_ZH.get(plan.status, plan.status)}的计划不能编辑；只有草稿和已退回的计划可以编辑（已下达的计划请通过调整修改）。")
