"""Follow-ups anomaly rules open (“order delay > 5 days”), owned by the unit's head by position."""

from __future__ import annotations

import logging
import operator
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common import clock, org_api
from services.common.runtime import Runtime
from services.kpi.actions.service import action_data
from services.kpi.events import ActionData, FollowupRequestedData
from services.kpi.indicators.library import Library
from services.kpi.journal import journal
from services.kpi.lookups import ancestor_ids
from services.kpi.models import AnomalyRule, ImprovementAction

if TYPE_CHECKING:
    from services.kpi.measurements.staging import Batch

log = logging.getLogger("yunguan.kpi")

# (unit id, unit id the position sits in) → the users holding dispatch over the first in a position
# of the second, as org's /authz/holders answers ({"id", "display_name", …})
HoldersLookup = Callable[[int, int], Awaitable[list[dict[str, Any]]]]


def org_holders(rt: Runtime) -> HoldersLookup:
    """Ask org who holds dispatch over a unit in a position of a given unit (as planning asks it
    for countersigning)."""

    async def lookup(unit_id: int, held_in_unit_id: int) -> list[dict[str, Any]]:
        return await org_api.holders(rt, "dispatch", unit_id, held_in_unit_id=held_in_unit_id)

    return lookup


async def unit_head(holders: HoldersLookup | None, unit_path: str) -> tuple[int | None, str]:
    """The head of a unit by position: who holds dispatch (调度权) over it in a position of the unit
    itself, else of the nearest unit above (a section without a head of its own answers to its
    department's). (None, "") when org cannot say: the follow-up still opens, to be given an owner."""
    ids = ancestor_ids(unit_path)
    if holders is None or not ids:
        return None, ""
    try:
        for held_in in reversed(ids):
            users = await holders(ids[-1], held_in)
            if users:
                return int(users[0]["id"]), str(users[0].get("display_name") or users[0].get("username") or "")
    except Exception as exc:  # org unreachable or refusing: never lose the measurement over the owner
        log.warning("the unit's head could not be resolved", extra={"fields": {"unit_path": unit_path,
                                                                                 "error": repr(exc)}})
    return None, ""


_OPS: dict[str, Callable[[float, float], bool]] = {"gt": operator.gt, "gte": operator.ge, "lt": operator.lt,
                                                   "lte": operator.le}


async def apply_anomaly_rules(session: AsyncSession, batch: Batch, *, lib: Library,
                              holders: HoldersLookup | None = None) -> int:
    """Rules such as "order delay > 5 days" open one follow-up per (rule, unit, period).

    The follow-up is one improvement action, for the measured period, owned by the unit's head by
    position (``unit_head``); a meeting rule also asks planning to put it on the weekly meeting's
    agenda (``kpi.followup.requested``, naming the action and its owner), where it is discussed,
    not opened a second time.
    """
    ids = batch.indicator_ids
    rules = (await session.execute(select(AnomalyRule).where(AnomalyRule.indicator_id.in_(sorted(ids)),
                                                             AnomalyRule.active.is_(True)))).scalars().all()
    if not rules:
        return 0
    points = batch.changed_points({r.indicator_id for r in rules})
    created = 0
    heads: dict[str, tuple[int | None, str]] = {}
    for rule in rules:
        for ind_id, unit_id, unit_path, per, value in points:
            if ind_id != rule.indicator_id or not unit_path.startswith(rule.unit_path):
                continue
            if not _OPS[rule.operator](value, rule.value):
                continue
            ref = f"rule:{rule.id}:{unit_id}:{per}"
            if (await session.execute(select(ImprovementAction.id).where(
                    ImprovementAction.origin == "rule", ImprovementAction.origin_ref == ref))).first():
                continue
            ind = lib.by_id[ind_id]
            title = rule.title.format(indicator=ind.name, value=value, period=per)
            if unit_path not in heads:
                heads[unit_path] = await unit_head(holders, unit_path)
            owner_id, owner_name = heads[unit_path]
            action = ImprovementAction(title=title, unit_id=unit_id, unit_path=unit_path, indicator_id=ind_id,
                                       period=per, origin="rule", origin_ref=ref, owner_id=owner_id,
                                       owner_name=owner_name,
                                       due=clock.today() + timedelta(days=rule.due_days), raised_by="system",
                                       description=f"{ind.name} = {value} ({rule.operator} {rule.value})")
            session.add(action)
            await session.flush()
            await journal.emit(session, "kpi.action.created", action.id, ActionData(**action_data(action, lib)),
                               unit_path)
            if rule.follow_up == "meeting":
                await journal.emit(session, "kpi.followup.requested", action.id, FollowupRequestedData(
                    kind="meeting", rule_id=rule.id, action_id=action.id, indicator_code=ind.code,
                    indicator_name=ind.name, unit_id=unit_id, unit_path=unit_path, period=per, value=value,
                    title=title, owner_id=owner_id, owner_name=owner_name, due=action.due.isoformat()), unit_path)
            created += 1
    return created
