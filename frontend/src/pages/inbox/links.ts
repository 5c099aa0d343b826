/** Where each kind of 我的待办 item is done: the page (and tab) the reader acts on it in. */
import type { InboxRead } from '../../api/types';

type Item<K extends keyof InboxRead> = InboxRead[K] extends (infer T)[] ? T : never;

export const links = {
  /** approve, return, issue or publish: the plan (the buttons are in its header) */
  pending_approvals: (p: Item<'pending_approvals'>) => `/plans/${p.id}`,
  /** accept or decline: the plan's approval tab lists its suggestions */
  suggestions_to_answer: (s: Item<'suggestions_to_answer'>) => `/plans/${s.plan_id}?tab=approval`,
  /** a returned plan is edited and submitted again; a vetoed one is read (the reason) before drafting anew */
  plans_to_rework: (p: Item<'plans_to_rework'>) => (p.status === 'returned' ? `/plans/${p.id}/edit` : `/plans/${p.id}?tab=approval`),
  /** progress is reported on one's own tasks; others' are reassigned or given a new deadline under 调度 */
  overdue_tasks: (t: Item<'overdue_tasks'>, meId?: number) => `/plans/tasks?tab=${t.owner_id != null && t.owner_id === meId ? 'mine' : 'dispatch'}`,
  my_tasks: () => '/plans/tasks?tab=mine',
  /** alerts are acknowledged and resolved on the alerts page */
  open_alerts: () => '/risk/alerts',
  /** contingency steps and measures are updated on their risk */
  risk_actions: (a: Item<'risk_actions'>) => `/risk/${a.risk_id}`,
  my_actions: () => '/kpi/actions',
  /** every step of a special audit is taken on its page */
  audit_steps: (a: Item<'audit_steps'>) => `/kpi/audits/${a.id}`,
  /** a process optimisation project's stage, evaluation or review is done on its page */
  improvement_steps: (s: Item<'improvement_steps'>) => `/improvement/projects/${s.project_id}`,
  /** a proposal is decided, and its reward granted, on its own page */
  proposals_to_review: (p: Item<'proposals_to_review'>) => `/proposals/${p.id}`,
  rewards_to_grant: (p: Item<'rewards_to_grant'>) => `/proposals/${p.id}`,
  /** results, photos and submission: the inspection's own page */
  inspections_to_do: (i: Item<'inspections_to_do'>) => `/kpi/inspections/${i.id}`,
  /** confirm, change or dismiss: the register, filtered to what waits for confirmation */
  sanctions_to_confirm: (l: Item<'sanctions_to_confirm'>) => `/kpi/sanctions?status=proposed&focus=${l.id}`,
  /** training (issue 20): a plan is approved or returned on the plans page; certificates are renewed there */
  training_to_approve: () => '/org/training/plans',
  certifications_expiring: () => '/org/training/certifications',
};
