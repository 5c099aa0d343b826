"""Load-or-404 dependencies of the kpi routers and the typed permission aliases over them.

``TargetToPlan`` loads the target named by the path (404 otherwise) and lets the caller through
when they hold ``plan`` over its unit (403 naming the right and the unit otherwise); the grant
travels on to the service layer for the audit chain. Checks that depend on the request body
(the unit a new target is set for) are the service layer's (``guards.authorize``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.audit_api import require_admin
from services.common.authz import Principal, Right
from services.common.db import Session
from services.common.guards import Allowed, Place, allowed
from services.common.problems import NotFound
from services.common.security import CurrentPrincipal
from services.kpi.lookups import indicator_by_code
from services.kpi.measurements.service import Writer, writer_of
from services.kpi.models import (
    AnomalyRule,
    Assessment,
    Benchmark,
    ImprovementAction,
    Indicator,
    Scorecard,
    Target,
    ThresholdRule,
)


async def company_admin(principal: CurrentPrincipal) -> Principal:
    """The caller, when they hold ``admin`` over the company (the indicator library, benchmarks)."""
    require_admin(principal)
    return principal


CompanyAdmin = Annotated[Principal, Depends(company_admin)]


# --- indicators ------------------------------------------------------------------------------

async def load_indicator(code: str, session: Session) -> Indicator:
    return await indicator_by_code(session, code, missing="404")


ValidIndicator = Annotated[Indicator, Depends(load_indicator)]


# --- targets ---------------------------------------------------------------------------------

async def load_target(target_id: int, session: Session) -> Target:
    t = await session.get(Target, target_id)
    if t is None:
        raise NotFound(f"There is no target with id {target_id}.", zh=f"没有编号为 {target_id} 的目标。")
    return t


async def target_place(session: AsyncSession, t: Target) -> Place:
    return Place(t.unit_path, "this target's unit")


TargetToView = Annotated[Allowed[Target], Depends(allowed(load_target, target_place, Right.view))]
TargetToPlan = Annotated[Allowed[Target], Depends(allowed(load_target, target_place, Right.plan))]


# --- thresholds, anomaly rules, benchmarks ---------------------------------------------------

async def load_threshold(threshold_id: int, session: Session) -> ThresholdRule:
    t = await session.get(ThresholdRule, threshold_id)
    if t is None:
        raise NotFound(f"There is no threshold with id {threshold_id}.", zh=f"没有编号为 {threshold_id} 的单元阈值。")
    return t


async def threshold_place(session: AsyncSession, t: ThresholdRule) -> Place:
    return Place(t.unit_path, "this threshold's unit")


ThresholdToAdmin = Annotated[Allowed[ThresholdRule], Depends(allowed(load_threshold, threshold_place, Right.admin))]


async def load_anomaly_rule(rule_id: int, session: Session) -> AnomalyRule:
    r = await session.get(AnomalyRule, rule_id)
    if r is None:
        raise NotFound(f"There is no anomaly rule with id {rule_id}.", zh=f"没有编号为 {rule_id} 的异常规则。")
    return r


ValidAnomalyRule = Annotated[AnomalyRule, Depends(load_anomaly_rule)]


async def load_benchmark(benchmark_id: int, session: Session) -> Benchmark:
    b = await session.get(Benchmark, benchmark_id)
    if b is None:
        raise NotFound(f"There is no benchmark with id {benchmark_id}.", zh=f"没有编号为 {benchmark_id} 的行业标杆。")
    return b


ValidBenchmark = Annotated[Benchmark, Depends(load_benchmark)]


# --- scorecards and assessments --------------------------------------------------------------

async def load_scorecard(scorecard_id: int, session: Session) -> Scorecard:
    card = await session.get(Scorecard, scorecard_id)
    if card is None:
        raise NotFound(f"There is no scorecard with id {scorecard_id}.", zh=f"没有编号为 {scorecard_id} 的考核模板。")
    return card


async def scorecard_place(session: AsyncSession, card: Scorecard) -> Place:
    return Place(card.unit_path, "this scorecard's unit")


ScorecardToView = Annotated[Allowed[Scorecard], Depends(allowed(load_scorecard, scorecard_place, Right.view))]
ScorecardToAssess = Annotated[Allowed[Scorecard], Depends(allowed(load_scorecard, scorecard_place, Right.assess))]


async def load_assessment(assessment_id: int, session: Session) -> Assessment:
    a = await session.get(Assessment, assessment_id)
    if a is None:
        raise NotFound(f"There is no assessment with id {assessment_id}.", zh=f"没有编号为 {assessment_id} 的考核。")
    return a


async def assessment_place(session: AsyncSession, a: Assessment) -> Place:
    return Place(a.unit_path, "this assessment's unit")


AssessmentToView = Annotated[Allowed[Assessment], Depends(allowed(load_assessment, assessment_place, Right.view))]
AssessmentToAssess = Annotated[Allowed[Assessment], Depends(allowed(load_assessment, assessment_place, Right.assess))]


# --- improvement actions ---------------------------------------------------------------------

async def load_action(action_id: int, session: Session) -> ImprovementAction:
    a = await session.get(ImprovementAction, action_id)
    if a is None:
        raise NotFound(f"There is no improvement action with id {action_id}.",
                       zh=f"没有编号为 {action_id} 的改进措施。")
    return a


async def action_place(session: AsyncSession, a: ImprovementAction) -> Place:
    return Place(a.unit_path, "this action's unit")


# Who raises an action (plan or assess over its unit) also changes it.
ValidAction = Annotated[ImprovementAction, Depends(load_action)]
ActionToRaise = Annotated[Allowed[ImprovementAction],
                          Depends(allowed(load_action, action_place, Right.plan, Right.assess))]


# --- measurements ----------------------------------------------------------------------------

async def measurement_writer(principal: CurrentPrincipal) -> Writer:
    """Who may send points: a holder of ``plan`` somewhere (each point is then checked against its unit)."""
    return writer_of(principal)


MeasurementWriter = Annotated[Writer, Depends(measurement_writer)]
