"""Who may see a plan: drafts and plans in review are seen by anyone holding a right over their unit;
issued or published plans (and revisions of what was issued) by the whole company; and a plan someone
was copied on (抄送, issue 23) by them, that plan only (reading it is all a copy gives)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.authz import Grant, Principal
from services.common.problems import NotFound
from services.common.scoping import visible_to
from services.planning.models import OrgUnit, Plan, PlanCc
from services.planning.units import root_of

PUBLIC_STATUSES = ("issued", "published", "closed")


def visible_grant(principal: Principal, plan: Plan, unit_path: str) -> Grant | None:
    """The grant that lets the caller see the plan (None: they may not)."""
    if plan.status in PUBLIC_STATUSES or plan.issued_at is not None:
        root = root_of(unit_path)
        return next((g for g in principal.grants if g.unit_path.startswith(root)), None)
    return next((g for g in principal.grants if g.covers(g.right, unit_path)), None)


def can_see_unit(principal: Principal, unit_path: str) -> bool:
    return any(g.covers(g.right, unit_path) for g in principal.grants)


def plan_not_found(plan_id: int) -> NotFound:
    return NotFound(f"There is no plan with id {plan_id}.", zh=f"没有编号为 {plan_id} 的计划。")


def copy_grant(plan: Plan, unit_path: str) -> Grant:
    """What a copy (抄送) gives its reader: seeing this plan, nothing more (no right any decision asks for)."""
    return Grant(right="view", unit_path=unit_path, mode="exact", held_at="", via=f"cc:plan:{plan.id}")


async def copied_to(session: AsyncSession, plan: Plan, principal: Principal) -> bool:
    return (await session.execute(select(PlanCc.id).where(PlanCc.plan_id == plan.id,
                                                          PlanCc.user_id == principal.sub))).first() is not None


async def require_visible(session: AsyncSession, principal: Principal, plan: Plan, unit_path: str) -> Grant:
    grant = visible_grant(principal, plan, unit_path)
    if grant is None:
        if await copied_to(session, plan, principal):
            return copy_grant(plan, unit_path)
        # 404, not 403: whether someone else's draft exists is not the caller's business.
        raise plan_not_found(plan.id)
    return grant


def visible_clause(principal: Principal) -> Any:
    """SQL over (Plan, OrgUnit) rows: what :func:`visible_grant` allows."""
    clauses = [visible_to(principal, None, OrgUnit.path),
               Plan.id.in_(select(PlanCc.plan_id).where(PlanCc.user_id == principal.sub))]
    roots = sorted({root_of(g.unit_path) for g in principal.grants})
    if roots:
        public = Plan.status.in_(PUBLIC_STATUSES) | Plan.issued_at.is_not(None)
        clauses.append(public & or_(*[OrgUnit.path.startswith(r) for r in roots]))
    return or_(*clauses)
