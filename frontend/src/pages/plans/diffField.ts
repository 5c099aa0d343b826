/** The name a reader knows a revision diff's field by: 业务目标 · 客户满意度, not targets.customer_satisfaction. */
type T = (key: string, vars?: Record<string, string | number>) => string;

const PLAN_FIELDS: Record<string, string> = {
  title: 'plans.title', period: 'plans.period', guidance: 'plans.guidance', risk_notes: 'plans.riskNotes',
  parent_plan_id: 'plans.parentPlan', linked_risks: 'plans.risks.title',
};
const LISTS: Record<string, string> = { tasks: 'plans.tasks', resources: 'plans.resources' };

export function diffFieldLabel(field: string, t: T, indicatorLabel: (code: string) => string): string {
  if (PLAN_FIELDS[field]) return t(PLAN_FIELDS[field]);
  if (field.startsWith('targets.')) return `${t('plans.targets')} · ${indicatorLabel(field.slice('targets.'.length))}`;
  const item = /^(\w+)\[(\d+)\]$/.exec(field);
  if (item && LISTS[item[1]]) return `${t(LISTS[item[1]])} ${Number(item[2]) + 1}`;
  return field;
}
