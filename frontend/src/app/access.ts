/** Who may see what: the menu and the routes follow the user's grants from GET /api/org/me. */
import type { GrantRead, Right } from '../api/types';

export type Access = {
  signedIn: boolean;
  anyGrant: boolean;
  rights: ReadonlySet<string>;
  /** holds 'view' over a unit and what lies below it (a unit's head): the cockpit of their unit */
  viewsUnit: boolean;
  /** The rights held over a unit together with everything below it (a grant of mode subtree). */
  subtreeRights: ReadonlySet<string>;
};

/** `over: 'subtree'`: the right must reach a unit and its children (a page that compares a unit with
 * its child units, e.g. 汇总平衡); a grant over one unit alone (专员's view of their own team) does not do. */
export type AccessRule = 'signedIn' | 'anyGrant' | 'viewsUnit' | { right: Right } | { anyOf: Right[]; over?: 'subtree' };

type AccessGrant = Pick<GrantRead, 'right'> & Partial<Pick<GrantRead, 'mode'>>;

export function accessOf(grants: AccessGrant[] | undefined | null, signedIn = true): Access {
  const list = grants ?? [];
  return {
    signedIn,
    anyGrant: list.length > 0,
    rights: new Set(list.map((g) => g.right)),
    viewsUnit: list.some((g) => g.right === 'view' && g.mode === 'subtree'),
    subtreeRights: new Set(list.filter((g) => g.mode === 'subtree').map((g) => g.right)),
  };
}

export function allows(rule: AccessRule, access: Access): boolean {
  if (!access.signedIn) return false;
  if (rule === 'signedIn') return true;
  if (rule === 'anyGrant') return access.anyGrant;
  if (rule === 'viewsUnit') return access.viewsUnit;
  if ('right' in rule) return access.rights.has(rule.right);
  const held = rule.over === 'subtree' ? access.subtreeRights : access.rights;
  return rule.anyOf.some((r) => held.has(r));
}

/** 汇总平衡 compares a unit's plan with its child units' plans: the API asks for view or plan over the
 * unit (planning consolidation/service.py), and the page lists the children's plans. */
export const CONSOLIDATION_ACCESS: AccessRule = { anyOf: ['plan', 'view'], over: 'subtree' };

export type MenuNode = {
  key: string;
  labelKey: string;
  path?: string;
  access: AccessRule;
  children?: MenuNode[];
};

/** The menu a user sees: items their access allows, groups only when a child is left. */
export function visibleMenu(nodes: MenuNode[], access: Access): MenuNode[] {
  const out: MenuNode[] = [];
  for (const node of nodes) {
    if (!allows(node.access, access)) continue;
    if (node.children) {
      const children = visibleMenu(node.children, access);
      if (children.length === 0) continue;
      out.push({ ...node, children });
    } else {
      out.push(node);
    }
  }
  return out;
}

/** The whole menu; routes.tsx maps the same keys to pages with the same rules. */
export const MENU: MenuNode[] = [
  { key: 'inbox', labelKey: 'menu.inbox', path: '/inbox', access: 'signedIn' },
  { key: 'cockpit', labelKey: 'cockpit.menu', path: '/cockpit', access: 'viewsUnit' },
  {
    key: 'plans',
    labelKey: 'menu.plans',
    access: 'anyGrant',
    children: [
      { key: 'plans.list', labelKey: 'menu.planList', path: '/plans', access: 'anyGrant' },
      { key: 'plans.new', labelKey: 'menu.planNew', path: '/plans/new', access: { right: 'plan' } },
      { key: 'plans.consolidation', labelKey: 'menu.consolidation', path: '/plans/consolidation', access: CONSOLIDATION_ACCESS },
      { key: 'plans.meeting', labelKey: 'menu.meeting', path: '/plans/meeting', access: 'anyGrant' },
      { key: 'plans.tasks', labelKey: 'menu.tasks', path: '/plans/tasks', access: 'anyGrant' },
      { key: 'plans.improvement', labelKey: 'menu.improvement', path: '/improvement/projects', access: 'anyGrant' },
    ],
  },
  {
    key: 'kpi',
    labelKey: 'menu.kpi',
    access: 'anyGrant',
    children: [
      { key: 'kpi.dashboard', labelKey: 'menu.kpiDashboard', path: '/kpi', access: 'anyGrant' },
      { key: 'kpi.indicators', labelKey: 'menu.kpiIndicators', path: '/kpi/indicators', access: 'anyGrant' },
      { key: 'kpi.targets', labelKey: 'menu.kpiTargets', path: '/kpi/targets', access: 'anyGrant' },
      { key: 'kpi.rules', labelKey: 'menu.kpiRules', path: '/kpi/rules', access: 'anyGrant' },
      { key: 'kpi.import', labelKey: 'menu.kpiImport', path: '/kpi/import', access: { right: 'plan' } },
      { key: 'kpi.actions', labelKey: 'menu.kpiActions', path: '/kpi/actions', access: 'anyGrant' },
      { key: 'kpi.scorecards', labelKey: 'menu.kpiScorecards', path: '/kpi/scorecards', access: 'anyGrant' },
      { key: 'kpi.assessments', labelKey: 'menu.kpiAssessments', path: '/kpi/assessments', access: 'anyGrant' },
      { key: 'kpi.audits', labelKey: 'menu.kpiAudits', path: '/kpi/audits', access: 'anyGrant' },
      { key: 'kpi.inspections', labelKey: 'menu.kpiInspections', path: '/kpi/inspections', access: 'anyGrant' },
      { key: 'kpi.inspectionTemplates', labelKey: 'menu.kpiInspectionTemplates', path: '/kpi/inspection-templates', access: 'anyGrant' },
      { key: 'kpi.budgets', labelKey: 'menu.kpiBudgets', path: '/kpi/budgets', access: 'anyGrant' },
      { key: 'kpi.budgetsImport', labelKey: 'menu.kpiBudgetsImport', path: '/kpi/budgets/import', access: { right: 'plan' } },
      { key: 'kpi.sanctions', labelKey: 'menu.kpiSanctions', path: '/kpi/sanctions', access: 'anyGrant' },
    ],
  },
  {
    key: 'risk',
    labelKey: 'menu.risk',
    access: 'anyGrant',
    children: [
      { key: 'risk.register', labelKey: 'menu.riskRegister', path: '/risk', access: 'anyGrant' },
      { key: 'risk.heatmap', labelKey: 'menu.riskHeatmap', path: '/risk/heatmap', access: 'anyGrant' },
      { key: 'risk.alerts', labelKey: 'menu.riskAlerts', path: '/risk/alerts', access: 'anyGrant' },
    ],
  },
  {
    key: 'proposals',
    labelKey: 'menu.proposals',
    access: 'signedIn',
    children: [
      { key: 'proposals.new', labelKey: 'menu.proposalNew', path: '/proposals/new', access: 'signedIn' },
      { key: 'proposals.mine', labelKey: 'menu.proposalMine', path: '/proposals/mine', access: 'signedIn' },
      { key: 'proposals.register', labelKey: 'menu.proposalRegister', path: '/proposals', access: { anyOf: ['view', 'admin'] } },
    ],
  },
  {
    key: 'org',
    labelKey: 'menu.org',
    access: 'anyGrant',
    children: [
      { key: 'org.tree', labelKey: 'menu.orgTree', path: '/org/tree', access: 'anyGrant' },
      { key: 'org.positions', labelKey: 'menu.positions', path: '/org/positions', access: 'anyGrant' },
      { key: 'org.delegations', labelKey: 'menu.delegations', path: '/org/delegations', access: 'anyGrant' },
      { key: 'org.staffing', labelKey: 'staffing.menu', path: '/org/staffing', access: { right: 'view' } },
    ],
  },
  {
    key: 'training',
    labelKey: 'menu.training',
    access: 'anyGrant',
    children: [
      { key: 'training.plans', labelKey: 'menu.trainingPlans', path: '/org/training/plans', access: { anyOf: ['plan', 'guide', 'view'] } },
      { key: 'training.sessions', labelKey: 'menu.trainingSessions', path: '/org/training/sessions', access: 'anyGrant' },
      { key: 'training.mine', labelKey: 'menu.trainingMine', path: '/org/training/mine', access: 'anyGrant' },
      { key: 'training.certifications', labelKey: 'menu.trainingCertifications', path: '/org/training/certifications', access: 'anyGrant' },
    ],
  },
  {
    key: 'admin',
    labelKey: 'menu.admin',
    access: { right: 'admin' },
    children: [
      { key: 'admin.roles', labelKey: 'menu.roles', path: '/admin/roles', access: { right: 'admin' } },
      { key: 'admin.users', labelKey: 'menu.users', path: '/admin/users', access: { right: 'admin' } },
      { key: 'admin.explain', labelKey: 'menu.explain', path: '/admin/explain', access: { right: 'admin' } },
      { key: 'admin.audit', labelKey: 'menu.audit', path: '/admin/audit', access: { right: 'admin' } },
      { key: 'admin.webhooks', labelKey: 'menu.webhooks', path: '/admin/webhooks', access: { right: 'admin' } },
      { key: 'admin.notifications', labelKey: 'menu.notifications', path: '/admin/notifications', access: { right: 'admin' } },
      { key: 'admin.identity', labelKey: 'menu.identity', path: '/admin/identity', access: { right: 'admin' } },
      { key: 'admin.flows', labelKey: 'menu.flows', path: '/admin/flows', access: { right: 'admin' } },
    ],
  },
];

/** The menu key whose path is the longest prefix of a location. */
export function selectedKey(nodes: MenuNode[], pathname: string): string | undefined {
  let best: { key: string; len: number } | undefined;
  const walk = (list: MenuNode[]) => {
    for (const n of list) {
      if (n.path && (pathname === n.path || pathname.startsWith(`${n.path}/`)) && (!best || n.path.length > best.len)) {
        best = { key: n.key, len: n.path.length };
      }
      if (n.children) walk(n.children);
    }
  };
  walk(nodes);
  return best?.key;
}
