// Aliases over the generated OpenAPI types (schema.d.ts): names only, no hand-written shapes.
import type { components, paths } from './schema';

type S = components['schemas'];

export type Paths = paths;
export type MeRead = S['org.MeRead'];
export type GrantRead = S['org.GrantRead'];
export type TokenResponse = S['org.TokenResponse'];
export type UnitTree = S['org.UnitTree'];
export type UnitRead = S['org.UnitRead'];
export type PositionRead = S['org.PositionRead'];
export type PositionUpdate = S['org.PositionUpdate'];
export type RoleRead = S['org.RoleRead'];
export type RoleUpdate = S['org.RoleUpdate'];
export type RightScope = S['org.RightScope'];
export type Right = RightScope['right'];
export type Scope = RightScope['scope'];
export type UserRead = S['org.UserRead'];
export type UserCreate = S['org.UserCreate'];
export type AssignmentRead = S['org.AssignmentRead'];
export type AssignmentCreate = S['org.AssignmentCreate'];
export type DelegationRead = S['org.DelegationRead'];
export type DelegationCreate = S['org.DelegationCreate'];
export type ExplainRead = S['org.ExplainRead'];
export type AuditEntryRead = S['org.AuditEntryRead'];
export type AuditVerifyRead = S['org.AuditVerifyRead'];
export type WebhookRead = S['org.WebhookRead'];
export type WebhookCreate = S['org.WebhookCreate'];
export type WebhookWithSecret = S['org.WebhookWithSecret'];
export type DeliveryRead = S['org.DeliveryRead'];

export type PlanSummary = S['planning.PlanSummary'];
export type PlanRead = S['planning.PlanRead'];
export type PlanCreate = S['planning.PlanCreate'];
export type PlanUpdate = S['planning.PlanUpdate'];
export type TargetIn = S['planning.TargetIn'];
export type TaskIn = S['planning.TaskIn'];
export type ResourceIn = S['planning.ResourceIn'];
export type TaskRead = S['planning.TaskRead'];
export type StageRead = S['planning.StageRead'];
export type ActionRead = S['planning.ActionRead'];
export type HistoryRead = S['planning.HistoryRead'];
export type SuggestionRead = S['planning.SuggestionRead'];
export type GuidanceRead = S['planning.GuidanceRead'];
export type ReportIn = S['planning.ReportIn'];
export type ReportItem = S['planning.ReportItem'];
export type ReportRead = S['planning.ReportRead'];
export type DecisionRead = S['planning.DecisionRead'];
export type DecisionIn = S['planning.DecisionIn'];
export type AdjustmentIn = S['planning.AdjustmentIn'];
export type TaskStatus = ReportItem['status'];
export type ResourceKind = ResourceIn['kind'];

export type Page<T> = { items: T[]; next_cursor?: string | null };

/** The two planning answers the service does not yet declare a response model for
 * (GET /consolidation and GET /meetings/{week}/agenda answer a bare object in the OpenAPI
 * document). Their shapes follow services/planning/api; replace with generated types as soon
 * as the service declares response_model for them. */
export type ConsolidationLine = {
  indicator_code: string;
  aggregation: string;
  reference: number | null;
  combined: number | null;
  gap: number | null;
  gap_ratio: number | null;
  status: 'balanced' | 'under' | 'over' | 'no_reference' | 'no_children' | string;
  contributors: { label: string; plan_id: number | null; value: number }[];
  missing: string[];
};
export type Consolidation = {
  unit_id: number;
  unit_name: string;
  period: string;
  plan: { id: number; title: string; status: string } | null;
  lines: ConsolidationLine[];
  units_missing_plan: { unit_id: number; name: string }[];
  adjustments: { id: number; indicator_code: string; value: number; reason: string; author_name: string; created_at: string }[];
};
export type Agenda = {
  week: string;
  reports: { unit_id: number; unit_name: string; plan_id: number; plan_title: string; report: ReportRead; problems: ReportItem[] }[];
  overdue_tasks: TaskRead[];
  decisions: DecisionRead[];
};

/** GET /api/me/inbox (gateway aggregation). */
export type AlertRead = S['risk.AlertRead'];
export type ImprovementActionRead = S['kpi.ActionRead'];

/** GET /api/me/inbox (gateway aggregation; the gateway does not put it in the merged OpenAPI
 * document yet, so its envelope is composed here from the generated item types). */
export type Inbox = {
  pending_approvals: PlanRead[];
  my_tasks: TaskRead[];
  open_alerts: AlertRead[];
  my_actions: ImprovementActionRead[];
  errors: Record<string, string>;
};

export type EvaluationPage = S['kpi.EvaluationPage'];
export type EvaluationRow = S['kpi.EvaluationRow'];
export type SeriesRead = S['kpi.SeriesRead'];
export type SeriesPoint = S['kpi.SeriesPoint'];
export type ImportReport = S['kpi.ImportReport'];
export type ImportRowError = S['kpi.ImportError_'];
export type KpiActionComplete = S['kpi.ActionComplete'];
export type KpiActionVerify = S['kpi.ActionVerify'];

export type RiskRead = S['risk.RiskRead'];
export type RiskLevel = S['risk.Level'];
export type RiskStatus = S['risk.Status'];
export type RiskStrategy = S['risk.Strategy'];
export type RiskCategory = S['risk.Category'];
export type HeatmapRead = S['risk.HeatmapRead'];
export type HeatmapCell = S['risk.HeatmapCell'];
export type RiskAssessmentRead = S['risk.AssessmentRead'];
export type RiskAssessmentCreate = S['risk.AssessmentCreate'];
export type RiskAssessmentResult = S['risk.AssessmentResult'];
export type RiskActionRead = S['risk.ActionRead'];
export type AlertStatus = S['risk.AlertStatus'];
