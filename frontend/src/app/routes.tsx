import { lazy, Suspense, type ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { Result, Spin } from 'antd';
import { allows, CONSOLIDATION_ACCESS, type AccessRule } from './access';
import { useSession } from './session';
import { useT } from '../i18n';
import { landingPath } from '../pages/cockpit/cockpit';

// The shell and the sign-in pages load lazily too: the sign-in screen then needs neither the menu nor
// the header, and a signed-in landing needs no sign-in form (frontend/README.md: Bundle).
const AppLayout = lazy(() => import('./Layout').then((m) => ({ default: m.AppLayout })));
const SignInPage = lazy(() => import('../pages/auth/SignInPage'));
const SsoLandingPage = lazy(() => import('../pages/auth/SsoLandingPage'));

const InboxPage = lazy(() => import('../pages/inbox/InboxPage'));
const SearchPage = lazy(() => import('../pages/search/SearchPage'));
const CockpitPage = lazy(() => import('../pages/cockpit/CockpitPage'));
const PlanListPage = lazy(() => import('../pages/plans/PlanListPage'));
const PlanDetailPage = lazy(() => import('../pages/plans/PlanDetailPage'));
const PlanEditorPage = lazy(() => import('../pages/plans/PlanEditorPage'));
const ConsolidationPage = lazy(() => import('../pages/plans/ConsolidationPage'));
const MeetingPage = lazy(() => import('../pages/plans/MeetingPage'));
const WeeklyReportPage = lazy(() => import('../pages/plans/WeeklyReportPage'));
const TasksPage = lazy(() => import('../pages/plans/TasksPage'));
const KpiDashboardPage = lazy(() => import('../pages/kpi/KpiDashboardPage'));
const IndicatorsPage = lazy(() => import('../pages/kpi/IndicatorsPage'));
const ImportPage = lazy(() => import('../pages/kpi/ImportPage'));
const KpiActionsPage = lazy(() => import('../pages/kpi/ActionsPage'));
const KpiTargetsPage = lazy(() => import('../pages/kpi/TargetsPage'));
const KpiRulesPage = lazy(() => import('../pages/kpi/RulesPage'));
const ScorecardsPage = lazy(() => import('../pages/kpi/ScorecardsPage'));
const ScorecardEditorPage = lazy(() => import('../pages/kpi/ScorecardEditorPage'));
const AssessmentsPage = lazy(() => import('../pages/kpi/AssessmentsPage'));
const AssessmentDetailPage = lazy(() => import('../pages/kpi/AssessmentDetailPage'));
const AuditsPage = lazy(() => import('../pages/kpi/audits/AuditsPage'));
const AuditDetailPage = lazy(() => import('../pages/kpi/audits/AuditDetailPage'));
const SanctionsPage = lazy(() => import('../pages/kpi/sanctions/SanctionsPage'));
const MeasurementEntryPage = lazy(() => import('../pages/kpi/MeasurementEntryPage'));
const InspectionsPage = lazy(() => import('../pages/kpi/inspections/InspectionsPage'));
const InspectionPage = lazy(() => import('../pages/kpi/inspections/InspectionPage'));
const InspectionTemplatesPage = lazy(() => import('../pages/kpi/inspections/TemplatesPage'));
const BudgetsPage = lazy(() => import('../pages/kpi/budgets/BudgetsPage'));
const ActualsImportPage = lazy(() => import('../pages/kpi/budgets/ActualsImportPage'));
const RiskRegisterPage = lazy(() => import('../pages/risk/RiskRegisterPage'));
const HeatmapPage = lazy(() => import('../pages/risk/HeatmapPage'));
const RiskDetailPage = lazy(() => import('../pages/risk/RiskDetailPage'));
const AlertsPage = lazy(() => import('../pages/risk/AlertsPage'));
const OrgTreePage = lazy(() => import('../pages/org/OrgTreePage'));
const PositionsPage = lazy(() => import('../pages/org/PositionsPage'));
const DelegationsPage = lazy(() => import('../pages/org/DelegationsPage'));
const StaffingPage = lazy(() => import('../pages/org/staffing/StaffingPage'));
const RolesPage = lazy(() => import('../pages/admin/RolesPage'));
const UsersPage = lazy(() => import('../pages/admin/UsersPage'));
const ExplainPage = lazy(() => import('../pages/admin/ExplainPage'));
const AuditPage = lazy(() => import('../pages/admin/AuditPage'));
const WebhooksPage = lazy(() => import('../pages/admin/WebhooksPage'));
const NotificationsAdminPage = lazy(() => import('../pages/admin/NotificationsAdminPage'));
const NotificationCenterPage = lazy(() => import('../pages/notifications/NotificationCenterPage'));
const NotificationSettingsPage = lazy(() => import('../pages/notifications/NotificationSettingsPage'));
const IdentityPage = lazy(() => import('../pages/admin/IdentityPage'));
const FlowsPage = lazy(() => import('../pages/admin/flows/FlowsPage'));
const ProjectRegisterPage = lazy(() => import('../pages/plans/improvement/ProjectRegisterPage'));
const ProjectDetailPage = lazy(() => import('../pages/plans/improvement/ProjectDetailPage'));
const SubmitProposalPage = lazy(() => import('../pages/plans/proposals/SubmitProposalPage'));
const MyProposalsPage = lazy(() => import('../pages/plans/proposals/MyProposalsPage'));
const ProposalRegisterPage = lazy(() => import('../pages/plans/proposals/ProposalRegisterPage'));
const ProposalDetailPage = lazy(() => import('../pages/plans/proposals/ProposalDetailPage'));
// training (培训管理, issue 20)
const TrainingPlansPage = lazy(() => import('../pages/org/training/TrainingPlansPage'));
const TrainingSessionsPage = lazy(() => import('../pages/org/training/TrainingSessionsPage'));
const MyTrainingPage = lazy(() => import('../pages/org/training/MyTrainingPage'));
const CertificationsPage = lazy(() => import('../pages/org/training/CertificationsPage'));
// print views (打印 / PDF, issue 21): outside the app's chrome
const PlanPrintPage = lazy(() => import('../pages/print/PlanPrintPage'));
const ConsolidationPrintPage = lazy(() => import('../pages/print/ConsolidationPrintPage'));
const AssessmentPrintPage = lazy(() => import('../pages/print/AssessmentPrintPage'));
const RiskRegisterPrintPage = lazy(() => import('../pages/print/RiskRegisterPrintPage'));
const MeetingPrintPage = lazy(() => import('../pages/print/MeetingPrintPage'));

function RequireSignIn({ children }: { children: ReactNode }) {
  const { signedIn } = useSession();
  const location = useLocation();
  if (!signedIn) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  return <>{children}</>;
}

function Loading({ children }: { children: ReactNode }) {
  return <Suspense fallback={<Spin style={{ display: 'block', margin: '80px auto' }} />}>{children}</Suspense>;
}

/** Where '/' leads once the user's grants are known: the cockpit for leadership, the inbox for everyone else. */
function Landing() {
  const { me, loading } = useSession();
  if (loading || !me) return <Spin style={{ display: 'block', margin: '80px auto' }} />;
  return <Navigate to={landingPath(me.grants)} replace />;
}

function Guard({ rule, children }: { rule: AccessRule; children: ReactNode }) {
  const { access, loading } = useSession();
  const { t } = useT();
  // outside the shell (the print views) nothing else waits for the user's grants: no 403 before them
  if (loading) return <Spin style={{ display: 'block', margin: '80px auto' }} />;
  if (!allows(rule, access)) return <Result status="403" title={t('common.forbiddenTitle')} subTitle={t('common.forbidden')} />;
  return <Loading>{children}</Loading>;
}

function NotFound() {
  const { t } = useT();
  return <Result status="404" title="404" subTitle={t('common.notFound')} />;
}

export function AppRoutes() {
  return (
    <Routes>
      <Route path="/login" element={<Loading><SignInPage /></Loading>} />
      <Route path="/login/sso" element={<Loading><SsoLandingPage /></Loading>} />
      <Route path="/print/plans/:id" element={<RequireSignIn><Guard rule="anyGrant"><PlanPrintPage /></Guard></RequireSignIn>} />
      <Route path="/print/consolidation" element={<RequireSignIn><Guard rule={CONSOLIDATION_ACCESS}><ConsolidationPrintPage /></Guard></RequireSignIn>} />
      <Route path="/print/assessments/:id" element={<RequireSignIn><Guard rule="anyGrant"><AssessmentPrintPage /></Guard></RequireSignIn>} />
      <Route path="/print/risks" element={<RequireSignIn><Guard rule="anyGrant"><RiskRegisterPrintPage /></Guard></RequireSignIn>} />
      <Route path="/print/meetings/:week" element={<RequireSignIn><Guard rule="anyGrant"><MeetingPrintPage /></Guard></RequireSignIn>} />
      <Route element={<RequireSignIn><Loading><AppLayout /></Loading></RequireSignIn>}>
        <Route index element={<Landing />} />
        <Route path="/inbox" element={<Guard rule="signedIn"><InboxPage /></Guard>} />
        <Route path="/search" element={<Guard rule="signedIn"><SearchPage /></Guard>} />
        <Route path="/cockpit" element={<Guard rule={{ right: 'view' }}><CockpitPage /></Guard>} />
        <Route path="/notifications" element={<Guard rule="signedIn"><NotificationCenterPage /></Guard>} />
        <Route path="/settings/notifications" element={<Guard rule="signedIn"><NotificationSettingsPage /></Guard>} />
        <Route path="/plans" element={<Guard rule="anyGrant"><PlanListPage /></Guard>} />
        <Route path="/plans/new" element={<Guard rule={{ right: 'plan' }}><PlanEditorPage /></Guard>} />
        <Route path="/plans/consolidation" element={<Guard rule={CONSOLIDATION_ACCESS}><ConsolidationPage /></Guard>} />
        <Route path="/plans/meeting" element={<Guard rule="anyGrant"><MeetingPage /></Guard>} />
        <Route path="/plans/tasks" element={<Guard rule="anyGrant"><TasksPage /></Guard>} />
        <Route path="/plans/:id" element={<Guard rule="anyGrant"><PlanDetailPage /></Guard>} />
        <Route path="/plans/:id/edit" element={<Guard rule={{ right: 'plan' }}><PlanEditorPage /></Guard>} />
        <Route path="/plans/:id/report" element={<Guard rule="anyGrant"><WeeklyReportPage /></Guard>} />
        <Route path="/improvement/projects" element={<Guard rule="anyGrant"><ProjectRegisterPage /></Guard>} />
        <Route path="/improvement/projects/:id" element={<Guard rule="anyGrant"><ProjectDetailPage /></Guard>} />
        <Route path="/kpi" element={<Guard rule="anyGrant"><KpiDashboardPage /></Guard>} />
        <Route path="/kpi/indicators" element={<Guard rule="anyGrant"><IndicatorsPage /></Guard>} />
        <Route path="/kpi/import" element={<Guard rule={{ right: 'plan' }}><ImportPage /></Guard>} />
        <Route path="/kpi/actions" element={<Guard rule="anyGrant"><KpiActionsPage /></Guard>} />
        <Route path="/kpi/targets" element={<Guard rule="anyGrant"><KpiTargetsPage /></Guard>} />
        <Route path="/kpi/rules" element={<Guard rule="anyGrant"><KpiRulesPage /></Guard>} />
        <Route path="/kpi/measurements/new" element={<Guard rule={{ right: 'plan' }}><MeasurementEntryPage /></Guard>} />
        <Route path="/kpi/scorecards" element={<Guard rule="anyGrant"><ScorecardsPage /></Guard>} />
        <Route path="/kpi/scorecards/new" element={<Guard rule={{ right: 'assess' }}><ScorecardEditorPage /></Guard>} />
        <Route path="/kpi/scorecards/:id/edit" element={<Guard rule={{ right: 'assess' }}><ScorecardEditorPage /></Guard>} />
        <Route path="/kpi/assessments" element={<Guard rule="anyGrant"><AssessmentsPage /></Guard>} />
        <Route path="/kpi/assessments/:id" element={<Guard rule="anyGrant"><AssessmentDetailPage /></Guard>} />
        <Route path="/kpi/audits" element={<Guard rule="signedIn"><AuditsPage /></Guard>} />
        <Route path="/kpi/audits/:id" element={<Guard rule="signedIn"><AuditDetailPage /></Guard>} />
        <Route path="/kpi/inspections" element={<Guard rule="anyGrant"><InspectionsPage /></Guard>} />
        <Route path="/kpi/inspections/:id" element={<Guard rule="anyGrant"><InspectionPage /></Guard>} />
        <Route path="/kpi/inspection-templates" element={<Guard rule="anyGrant"><InspectionTemplatesPage /></Guard>} />
        <Route path="/kpi/budgets" element={<Guard rule="anyGrant"><BudgetsPage /></Guard>} />
        <Route path="/kpi/budgets/import" element={<Guard rule={{ right: 'plan' }}><ActualsImportPage /></Guard>} />
        <Route path="/kpi/sanctions" element={<Guard rule="anyGrant"><SanctionsPage /></Guard>} />
        <Route path="/risk" element={<Guard rule="anyGrant"><RiskRegisterPage /></Guard>} />
        <Route path="/risk/heatmap" element={<Guard rule="anyGrant"><HeatmapPage /></Guard>} />
        <Route path="/risk/alerts" element={<Guard rule="anyGrant"><AlertsPage /></Guard>} />
        <Route path="/risk/:id" element={<Guard rule="anyGrant"><RiskDetailPage /></Guard>} />
        <Route path="/org/tree" element={<Guard rule="anyGrant"><OrgTreePage /></Guard>} />
        <Route path="/org/positions" element={<Guard rule="anyGrant"><PositionsPage /></Guard>} />
        <Route path="/org/delegations" element={<Guard rule="anyGrant"><DelegationsPage /></Guard>} />
        <Route path="/org/staffing" element={<Guard rule={{ right: 'view' }}><StaffingPage /></Guard>} />
        <Route path="/org/training/plans" element={<Guard rule={{ anyOf: ['plan', 'guide', 'view'] }}><TrainingPlansPage /></Guard>} />
        <Route path="/org/training/plans/:id" element={<Guard rule={{ anyOf: ['plan', 'guide', 'view'] }}><TrainingPlansPage /></Guard>} />
        <Route path="/org/training/sessions" element={<Guard rule="anyGrant"><TrainingSessionsPage /></Guard>} />
        <Route path="/org/training/mine" element={<Guard rule="anyGrant"><MyTrainingPage /></Guard>} />
        <Route path="/org/training/certifications" element={<Guard rule="anyGrant"><CertificationsPage /></Guard>} />
        <Route path="/admin/roles" element={<Guard rule={{ right: 'admin' }}><RolesPage /></Guard>} />
        <Route path="/admin/users" element={<Guard rule={{ right: 'admin' }}><UsersPage /></Guard>} />
        <Route path="/admin/explain" element={<Guard rule={{ right: 'admin' }}><ExplainPage /></Guard>} />
        <Route path="/admin/audit" element={<Guard rule={{ right: 'admin' }}><AuditPage /></Guard>} />
        <Route path="/admin/webhooks" element={<Guard rule={{ right: 'admin' }}><WebhooksPage /></Guard>} />
        <Route path="/admin/notifications" element={<Guard rule={{ right: 'admin' }}><NotificationsAdminPage /></Guard>} />
        <Route path="/admin/identity" element={<Guard rule={{ right: 'admin' }}><IdentityPage /></Guard>} />
        <Route path="/admin/flows" element={<Guard rule={{ right: 'admin' }}><FlowsPage /></Guard>} />
        <Route path="/proposals" element={<Guard rule={{ anyOf: ['view', 'admin'] }}><ProposalRegisterPage /></Guard>} />
        <Route path="/proposals/new" element={<Guard rule="signedIn"><SubmitProposalPage /></Guard>} />
        <Route path="/proposals/mine" element={<Guard rule="signedIn"><MyProposalsPage /></Guard>} />
        <Route path="/proposals/:id" element={<Guard rule="signedIn"><ProposalDetailPage /></Guard>} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}
