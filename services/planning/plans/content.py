"""A plan's content (targets, tasks, resources), frozen into snapshots, restored and compared; which plan is live."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.planning.models import Plan, PlanResource, PlanTarget, PlanTask
from services.planning.plans.schemas import ResourceIn, TargetIn, TaskIn


async def live_plan(session: AsyncSession, unit_id: int, period_text: str) -> Plan | None:
    """The unit's one live (not vetoed) plan for the period, if there is one."""
    return (await session.execute(select(Plan).where(Plan.unit_id == unit_id, Plan.period == period_text,
                                                     Plan.status != "vetoed"))).scalars().first()


async def live_plans(session: AsyncSession, unit_ids: Sequence[int], period_text: str) -> dict[int, Plan]:
    """:func:`live_plan` of many units in one statement, by unit id (units without one left out)."""
    if not unit_ids:
        return {}
    rows = (await session.execute(select(Plan).where(Plan.unit_id.in_(unit_ids), Plan.period == period_text,
                                                     Plan.status != "vetoed").order_by(Plan.id))).scalars()
    out: dict[int, Plan] = {}
    for plan in rows:
        out.setdefault(plan.unit_id, plan)
    return out


async def targets_of(session: AsyncSession, plan_ids: Sequence[int]) -> dict[int, list[PlanTarget]]:
    """The targets of many plans in one statement, by plan id, each plan's in :func:`content`'s order."""
    out: dict[int, list[PlanTarget]] = {pid: [] for pid in plan_ids}
    if plan_ids:
        for t in (await session.execute(select(PlanTarget).where(PlanTarget.plan_id.in_(plan_ids))
                                        .order_by(PlanTarget.id))).scalars():
            out[t.plan_id].append(t)
    return out


async def replace_content(session: AsyncSession, plan: Plan, *, targets: Sequence[TargetIn] | None = None,
                          tasks: Sequence[TaskIn] | None = None, resources: Sequence[ResourceIn] | None = None) -> None:
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


async def content(session: AsyncSession, plan_id: int) -> tuple[list[PlanTarget], list[PlanTask], list[PlanResource]]:
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
    late = [m["title"] for m in task.milestones or []
            if not m.get("done") and m.get("due") and m["due"] < today.isoformat()]
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
                   "unit_id": t.unit_id, "start": t.start.isoformat() if t.start else None,
                   "due": t.due.isoformat() if t.due else None,
                   "milestones": t.milestones, "status": t.status} for t in tasks],
        "resources": [{"kind": r.kind, "description": r.description, "quantity": r.quantity, "unit": r.unit,
                       "amount": r.amount, "amount_unit": r.amount_unit, "budget_item": r.budget_item}
                      for r in resources],
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
            session.add(PlanTask(plan_id=plan.id, **{
                **t, "start": date.fromisoformat(t["start"]) if t.get("start") else None,
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


def _same(a: list[Any], b: list[Any], ignore: tuple[str, ...] = ()) -> bool:
    return len(a) == len(b) and all(_same_item(x, y, ignore) for x, y in zip(a, b, strict=False))


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
