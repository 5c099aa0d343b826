// Aliases over the generated OpenAPI types (schema.d.ts): names only, no hand-written shapes.
import type { components, paths } from './schema';

type S = components['schemas'];

export type Paths = paths;
export type MeRead = S['org.MeRead'];
export type GrantRead = S['org.GrantRead'];
export type TokenResponse = S['org.TokenResponse'];
export type UnitTree = S['org.UnitTree'];
export type UnitRead = S['org.UnitRead'];
export type OrgImportRead = S['org.OrgImportRead'];
export type OrgImportChange = S['org.ChangeRead'];
export type OrgImportError = S['org.ImportErrorRead'];
export type OrgImportCounts = S['org.ImportCounts'];
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
export type NotificationRead = S['org.NotificationRead'];
export type NotificationPage = S['org.NotificationPage'];
export type UnreadCount = S['org.UnreadCount'];
export type NotificationKind = NotificationRead['kind'];
export type KindChoice = S['org.KindChoice'];
export type NotificationChannel = KindChoice['channels'][number];
export type PreferencesRead = S['org.PreferencesRead'];
export type PreferencesBody = S['org.PreferencesBody'];
export type EmailLanguage = PreferencesRead['language'];
export type QuietHours = S['org.QuietHoursBody'];
export type DefaultsRead = S['org.DefaultsRead'];
export type DefaultsBody = S['org.DefaultsBody'];
export type Marked = S['org.Marked'];
export type ProviderRead = S['org.ProviderRead'];
export type ProviderCreate = S['org.ProviderCreate'];
export type ProviderUpdate = S['org.ProviderUpdate'];
export type SignInOptions = S['org.SignInOptions'];
export type ScimTokenRead = S['org.ScimTokenRead'];
export type ScimTokenCreate = S['org.ScimTokenCreate'];
export type ScimTokenWithSecret = S['org.ScimTokenWithSecret'];
export type SyncRunSummary = S['org.SyncRunSummary'];
export type SyncRunRead = S['org.SyncRunRead'];
export type LogoutResponse = S['org.LogoutResponse'];

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
export type AdjustmentRead = S['planning.AdjustmentRead'];
export type InForceRead = S['planning.InForceRead'];
export type RejectedRevision = S['planning.RejectedRevision'];
export type ResourceRead = S['planning.ResourceRead'];
export type MoneyUnit = ResourceIn['amount_unit'];
export type TaskStatus = ReportItem['status'];
export type ResourceKind = ResourceIn['kind'];

export type Page<T> = { items: T[]; next_cursor?: string | null };

export type ConsolidationRead = S['planning.ConsolidationRead'];
export type Consolidation = ConsolidationRead;
export type ConsolidationLine = S['planning.ConsolidationLine'];
export type AgendaRead = S['planning.AgendaRead'];
export type Agenda = AgendaRead;
export type AgendaReport = S['planning.AgendaReport'];
export type AgendaProblem = S['planning.AgendaProblem'];
export type DecompositionRead = S['planning.DecompositionRead'];
export type DispatchBody = S['planning.DispatchBody'];
export type ProgressIn = S['planning.ProgressIn'];
export type ProgressRead = S['planning.ProgressRead'];

export type AlertRead = S['risk.AlertRead'];
export type ImprovementActionRead = S['kpi.ActionRead'];

/** GET /api/me/inbox (the gateway's aggregation, declared in the merged OpenAPI document). */
export type InboxRead = S['gateway.InboxRead'];
export type Inbox = InboxRead;
export type InboxPart = Exclude<keyof InboxRead, 'errors' | 'counts'>;
export type SuggestionToAnswer = S['planning.SuggestionToAnswer'];
export type PlanToRework = S['planning.PlanToRework'];
export type MyRiskActionRead = S['risk.MyActionRead'];

export type EvaluationPage = S['kpi.EvaluationPage'];
export type EvaluationRow = S['kpi.EvaluationRow'];
export type SeriesRead = S['kpi.SeriesRead'];
export type SeriesPoint = S['kpi.SeriesPoint'];
export type ImportReport = S['kpi.ImportReport'];
export type ImportRowError = S['kpi.ImportError_'];
export type KpiActionComplete = S['kpi.ActionComplete'];
export type KpiActionVerify = S['kpi.ActionVerify'];
export type KpiTargetRead = S['kpi.TargetRead'];
export type KpiTargetCreate = S['kpi.TargetCreate'];
export type KpiTargetUpdate = S['kpi.TargetUpdate'];
export type KpiTargetHistoryRead = S['kpi.TargetHistoryRead'];

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

/** org's outgoing channels (admins): group robots per unit, test sends, status, the delivery log. */
export type RobotRead = S['org.RobotRead'];
export type RobotCreate = S['org.RobotCreate'];
export type RobotUpdate = S['org.RobotUpdate'];
export type RobotVendor = RobotCreate['vendor'];
export type SendResult = S['org.SendResult'];
export type ChannelsStatus = S['org.ChannelsStatus'];
export type OutgoingMessageRead = S['org.OutgoingMessageRead'];
export type OutgoingStatus = NonNullable<NonNullable<Paths['/api/org/outgoing-messages']['get']['parameters']['query']>['status']>;

/** org's reminders: what waits on whom (催办), SLA policies, the company's working-day calendar. */
export type WatchRead = S['org.WatchRead'];
export type WatchList = S['org.WatchList'];
export type UrgeBody = S['org.UrgeBody'];
export type UrgeRead = S['org.UrgeRead'];
export type PolicyRead = S['org.PolicyRead'];
export type PolicyList = S['org.PolicyList'];
export type PolicyBody = S['org.PolicyBody'];
export type PolicyKind = PolicyRead['kind'];
export type CalendarYear = S['org.CalendarYear'];
export type CalendarDayRead = S['org.CalendarDayRead'];
export type CalendarDayBody = S['org.CalendarDayBody'];

/** planning's process optimisation projects (流程优化项目). */
export type ProjectRead = S['planning.ProjectRead'];
export type ProjectDetail = S['planning.ProjectDetail'];
export type ProjectCreate = S['planning.ProjectCreate'];
export type ProjectUpdate = S['planning.ProjectUpdate'];
export type ProjectLinkRead = S['planning.ProjectLinkRead'];
export type ProjectStage = ProjectRead['stage'];
export type ProjectOrigin = ProjectRead['origin'];
export type StageDocumentIn = S['planning.StageDocumentIn'];
export type StageDocumentRead = S['planning.StageDocumentRead'];
export type DocumentStage = StageDocumentRead['stage'];
export type ProjectAdvanceIn = S['planning.ProjectAdvanceIn'];
export type ProjectMilestoneIn = S['planning.ProjectMilestoneIn'];
export type ProjectMilestoneUpdate = S['planning.ProjectMilestoneUpdate'];
export type ProjectReviewIn = S['planning.ProjectReviewIn'];
export type ReviewOutcome = ProjectReviewIn['outcome'];
export type ImprovementStepWaiting = S['planning.ImprovementStepWaiting'];
/** planning's improvement proposals (合理化建议): settings, proposals, review, benefit, reward. */
export type ProposalRead = S['planning.ProposalRead'];
export type ProposalDetail = S['planning.ProposalDetail'];
export type ProposalCreate = S['planning.ProposalCreate'];
export type ProposalStepRead = S['planning.ProposalStepRead'];
export type ProposalStatus = ProposalRead['status'];
export type ProposalDecision = NonNullable<ProposalRead['decision']>;
export type ProposalSettingsRead = S['planning.ProposalSettingsRead'];
export type ProposalSettingsUpdate = S['planning.ProposalSettingsUpdate'];
export type ReviewStage = S['planning.ReviewStage'];
export type RewardLevel = S['planning.RewardLevel'];
export type ProposalDecisionBody = S['planning.DecisionBody'];
export type ProposalBenefitBody = S['planning.BenefitBody'];
export type ProposalRewardBody = S['planning.RewardBody'];
// training (培训管理, issue 20)
export type TrainingNeedRead = S['org.NeedRead'];
export type TrainingNeedCreate = S['org.NeedCreate'];
export type TrainingPlanRead = S['org.TrainingPlanRead'];
export type TrainingPlanCreate = S['org.TrainingPlanCreate'];
export type TrainingPlanUpdate = S['org.TrainingPlanUpdate'];
export type TrainingCourseIn = S['org.CourseIn'];
export type TrainingCourseRead = S['org.CourseRead'];
export type TrainingPlanDecision = S['org.PlanDecision'];
export type TrainingSessionRead = S['org.SessionRead'];
export type TrainingSessionCreate = S['org.SessionCreate'];
export type TrainingAttendeeRead = S['org.AttendeeRead'];
export type TrainingAttendanceIn = S['org.AttendanceIn'];
export type TrainingRecordRead = S['org.RecordRead'];
export type TrainingCompletionRead = S['org.CompletionRead'];
export type CertificationRead = S['org.CertificationRead'];
export type CertificationCreate = S['org.CertificationCreate'];

/** GET /api/me/cockpit (经营驾驶舱: the gateway's aggregation of each service's cockpit part). */
export type CockpitRead = S['gateway.CockpitRead'];
export type PlanningCockpit = S['planning.PlanningCockpit'];
export type KpiCockpit = S['kpi.KpiCockpit'];
export type RiskCockpit = S['risk.RiskCockpit'];
export type CockpitScope = S['planning.CockpitScope'];
