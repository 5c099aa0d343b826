"""Load-or-404 dependencies of the kpi routers and the typed permission aliases over them.

``TargetToPlan`` loads the target named by the path (404 otherwise) and lets the caller through
when they hold ``plan`` over its unit (403 naming the right and the unit otherwise); the grant
travels on to the service layer for the audit chain. Checks that depend on the request body
(the unit a new target is set for) are the service layer's (``guards.authorize``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.api import load_or_404
from services.common.audit_api import require_admin
from services.common.authz import Principal, Right
from services.common.db import Session
from services.common.guards import Allowed, Place, allowed
from services.common.problems import Forbidden
from services.common.records import Record
from services.common.security import CurrentPrincipal
from services.kpi.lookups import indicator_by_code
from services.kpi.measurements.service import Writer, writer_of
from services.kpi.models import (
    AnomalyRule,
    Assessment,
    Audit,
    Benchmark,
    ChecklistTemplate,
    Finding,
    ImprovementAction,
    Indicator,
    Inspection,
    InspectionSchedule,
    KpiFile,
    OrgUnit,
    Sanction,
    SanctionScale,
    Scorecard,
    Target,
    ThresholdRule,
)
from services.kpi.records import RECORDS


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

load_target = load_or_404(Target, "target_id", what="target", what_zh="目标")


async def target_place(session: AsyncSession, t: Target) -> Place:
    return Place(t.unit_path, "this target's unit")


TargetToView = Annotated[Allowed[Target], Depends(allowed(load_target, target_place, Right.view))]
TargetToPlan = Annotated[Allowed[Target], Depends(allowed(load_target, target_place, Right.plan))]


# --- thresholds, anomaly rules, benchmarks ---------------------------------------------------

load_threshold = load_or_404(ThresholdRule, "threshold_id", what="threshold", what_zh="单元阈值")


async def threshold_place(session: AsyncSession, t: ThresholdRule) -> Place:
    return Place(t.unit_path, "this threshold's unit")


ThresholdToAdmin = Annotated[Allowed[ThresholdRule], Depends(allowed(load_threshold, threshold_place, Right.admin))]


load_anomaly_rule = load_or_404(AnomalyRule, "rule_id", what="anomaly rule", what_zh="异常规则")


ValidAnomalyRule = Annotated[AnomalyRule, Depends(load_anomaly_rule)]


load_benchmark = load_or_404(Benchmark, "benchmark_id", what="benchmark", what_zh="行业标杆")


ValidBenchmark = Annotated[Benchmark, Depends(load_benchmark)]


# --- scorecards and assessments --------------------------------------------------------------

load_scorecard = load_or_404(Scorecard, "scorecard_id", what="scorecard", what_zh="考核模板")


async def scorecard_place(session: AsyncSession, card: Scorecard) -> Place:
    return Place(card.unit_path, "this scorecard's unit")


ScorecardToView = Annotated[Allowed[Scorecard], Depends(allowed(load_scorecard, scorecard_place, Right.view))]
ScorecardToAssess = Annotated[Allowed[Scorecard], Depends(allowed(load_scorecard, scorecard_place, Right.assess))]


load_assessment = load_or_404(Assessment, "assessment_id", what="assessment", what_zh="考核")


async def assessment_place(session: AsyncSession, a: Assessment) -> Place:
    return Place(a.unit_path, "this assessment's unit")


AssessmentToView = Annotated[Allowed[Assessment], Depends(allowed(load_assessment, assessment_place, Right.view))]
AssessmentToAssess = Annotated[Allowed[Assessment], Depends(allowed(load_assessment, assessment_place, Right.assess))]


# --- improvement actions ---------------------------------------------------------------------

load_action = load_or_404(ImprovementAction, "action_id", what="improvement action", what_zh="改进措施")


async def action_place(session: AsyncSession, a: ImprovementAction) -> Place:
    return Place(a.unit_path, "this action's unit")


# Who raises an action (plan or assess over its unit) also changes it.
ValidAction = Annotated[ImprovementAction, Depends(load_action)]
ActionToRaise = Annotated[Allowed[ImprovementAction],
                          Depends(allowed(load_action, action_place, Right.plan, Right.assess))]


# --- special audits --------------------------------------------------------------------------

load_audit = load_or_404(Audit, "audit_id", what="audit", what_zh="专项审计")


async def audit_place(session: AsyncSession, a: Audit) -> Place:
    unit = await session.get(OrgUnit, a.unit_id)
    return Place(a.unit_path, unit.name if unit is not None else "the audited unit")


# The team's steps are allowed by membership (the service checks it); the response by plan over the
# first audited unit.
ValidAudit = Annotated[Audit, Depends(load_audit)]
AuditToRespond = Annotated[Allowed[Audit], Depends(allowed(load_audit, audit_place, Right.plan))]


# --- measurements ----------------------------------------------------------------------------

async def measurement_writer(principal: CurrentPrincipal) -> Writer:
    """Who may send points: a holder of ``plan`` somewhere (each point is then checked against its unit)."""
    return writer_of(principal)


MeasurementWriter = Annotated[Writer, Depends(measurement_writer)]


# --- supervision: findings and evidence files -------------------------------------------------

load_finding = load_or_404(Finding, "finding_id", what="finding", what_zh="发现问题")
ValidFinding = Annotated[Finding, Depends(load_finding)]

load_file = load_or_404(KpiFile, "file_id", what="file", what_zh="文件")
ValidFile = Annotated[KpiFile, Depends(load_file)]


# --- inspections (实地检查) --------------------------------------------------------------------

load_inspection_template = load_or_404(ChecklistTemplate, "template_id", what="checklist template", what_zh="检查表")


async def inspection_template_place(session: AsyncSession, t: ChecklistTemplate) -> Place:
    return Place(t.unit_path, "this template's owning unit")


# Templates are guidance: guide (指导权) over the owning unit changes them.
ValidInspectionTemplate = Annotated[ChecklistTemplate, Depends(load_inspection_template)]
InspectionTemplateToGuide = Annotated[Allowed[ChecklistTemplate],
                                      Depends(allowed(load_inspection_template, inspection_template_place,
                                                      Right.guide))]

load_inspection = load_or_404(Inspection, "inspection_id", what="inspection", what_zh="检查")


async def inspection_place(session: AsyncSession, i: Inspection) -> Place:
    return Place(i.unit_path, "the inspected unit")


# The scheduler (assess over the inspected unit) reassigns and cancels; the inspector position's holder
# performs (checked in the service: it is a position, not a right).
ValidInspection = Annotated[Inspection, Depends(load_inspection)]
InspectionToAssess = Annotated[Allowed[Inspection], Depends(allowed(load_inspection, inspection_place, Right.assess))]

load_inspection_schedule = load_or_404(InspectionSchedule, "schedule_id", what="inspection schedule",
                                       what_zh="检查计划")


async def inspection_schedule_place(session: AsyncSession, s: InspectionSchedule) -> Place:
    return Place(s.unit_path, "the inspected unit")


InspectionScheduleToAssess = Annotated[Allowed[InspectionSchedule],
                                       Depends(allowed(load_inspection_schedule, inspection_schedule_place,
                                                       Right.assess))]
# --- budgets ---------------------------------------------------------------------------------

async def budget_writer(principal: CurrentPrincipal) -> Writer:
    """Who may report actual spend: a holder of ``plan`` somewhere, or an API client granted it (each item is
    then checked against its unit)."""
    if not any(g.right == "plan" for g in principal.grants):
        raise Forbidden("Reporting actual spend needs the 'plan' right over the units (or an API client granted it).",
                        right="plan", zh="报送实际支出需要对相关单位有计划权（或 API 客户端获得了该授权）。")
    return Writer(principal)


BudgetWriter = Annotated[Writer, Depends(budget_writer)]
# --- sanctions (奖惩) ----------------------------------------------------------------------------

load_sanction = load_or_404(Sanction, "sanction_id", what="reward or penalty", what_zh="奖惩记录")
ValidSanction = Annotated[Sanction, Depends(load_sanction)]


async def sanction_place(session: AsyncSession, s: Sanction) -> Place:
    return Place(s.unit_path, "this line's unit")


# Who confirms, changes or dismisses a proposed line: a holder of assess over its unit (a person's: their unit).
SanctionToAssess = Annotated[Allowed[Sanction], Depends(allowed(load_sanction, sanction_place, Right.assess))]


async def load_scale(session: Session) -> SanctionScale | None:
    """The company scale's row (None while the default stands)."""
    return (await session.execute(select(SanctionScale).order_by(SanctionScale.id).limit(1))).scalar_one_or_none()


CurrentScale = Annotated[SanctionScale | None, Depends(load_scale)]


# --- records people discuss (comments, attachments, activity) -------------------------------------

RecordToView = Annotated[Record, Depends(RECORDS.to_view)]
