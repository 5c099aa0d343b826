/** What the risk API allows whom, mirrored for the buttons (the server checks again), and the
 * register's rules the forms validate before sending: pure, unit-tested. */
import type { GrantRead, RiskActionRead, RiskRead } from '../../api/types';
import { canOver } from '../../app/grants';

type GrantLike = Pick<GrantRead, 'right' | 'unit_path' | 'mode'>;

/** Fields the risk's owner may change without plan over its unit (services/risk/api/risks.OWNER_FIELDS). */
export const OWNER_FIELDS = ['description', 'status', 'strategy', 'strategy_note', 'next_review_date', 'contingency_plan'] as const;

export type RiskRights = {
  /** every field, assessing, KRIs, deleting */
  plan: boolean;
  /** owner-only fields (OWNER_FIELDS) */
  edit: boolean;
  owner: boolean;
  addAction: boolean;
  updateActions: boolean;
  signAcceptance: boolean;
  activate: boolean;
};

export function riskRights(risk: Pick<RiskRead, 'owner_id' | 'unit_path'>, grants: GrantLike[] | undefined, userId: number | undefined): RiskRights {
  const plan = canOver(grants, 'plan', risk.unit_path ?? undefined);
  const owner = userId !== undefined && risk.owner_id === userId;
  return {
    plan,
    owner,
    edit: plan || owner,
    addAction: plan || owner,
    updateActions: plan || owner || canOver(grants, 'dispatch', risk.unit_path ?? undefined),
    signAcceptance: canOver(grants, ['veto', 'plan'], risk.unit_path ?? undefined),
    activate: canOver(grants, ['dispatch', 'plan'], risk.unit_path ?? undefined),
  };
}

/** An action may be updated by its owner, the risk's owner, or plan/dispatch over the unit. */
export function mayUpdateAction(action: Pick<RiskActionRead, 'owner_id'>, rights: RiskRights, userId: number | undefined): boolean {
  return rights.updateActions || (userId !== undefined && action.owner_id === userId);
}

/** Where each status may go by an explicit change (services/risk/register.TRANSITIONS). */
export const TRANSITIONS: Record<string, string[]> = {
  identified: ['closed'],
  assessed: ['treating', 'monitoring', 'closed'],
  treating: ['assessed', 'monitoring', 'closed'],
  monitoring: ['assessed', 'treating', 'closed'],
  closed: ['identified', 'assessed'],
};

/** The statuses the edit form offers: the current one and where it may go. */
export function statusOptions(status: string, assessed: boolean): string[] {
  const next = (TRANSITIONS[status] ?? []).filter((s) => s !== 'assessed' || assessed);
  return [status, ...next];
}

export const SEVERE = ['high', 'critical'];

/** Why a status change will be refused (409), as a locale key, or null. */
export function statusProblem(
  risk: Pick<RiskRead, 'level' | 'acceptance'>,
  v: { status?: string; strategy?: string | null; contingency?: boolean },
): string | null {
  const severe = !!risk.level && SEVERE.includes(risk.level);
  const liveAcceptance = !!risk.acceptance && !risk.acceptance.expired;
  if (v.status === 'treating') {
    if (!v.strategy) return 'risk.rule.treatingNeedsStrategy';
    if (severe && !v.contingency) return 'risk.rule.treatingNeedsPlan';
  }
  if (v.strategy === 'accept' && severe && !liveAcceptance) return 'risk.rule.acceptNeedsSignOff';
  return null;
}

/** KRI thresholds in order for the direction (services/risk/schemas.check_thresholds). */
export function thresholdsOrdered(direction: string | undefined, warning: number | null | undefined, critical: number | null | undefined): boolean {
  if (warning == null || critical == null || !direction) return true;
  if (direction === 'below') return critical <= warning;
  if (direction === 'above') return critical >= warning;
  return true;
}

/** kpi's indicator direction → the KRI's alerting direction. */
export function kriDirectionFor(indicatorDirection: string | undefined): 'below' | 'above' {
  return indicatorDirection === 'lower_better' ? 'above' : 'below';
}

export const INDICATOR_CODE = /^[A-Za-z0-9_.-]+$/;

/** The contingency plan activates unless the risk is closed or its contingency actions are still open. */
export function canActivate(risk: Pick<RiskRead, 'contingency_plan' | 'status'>, actions: Pick<RiskActionRead, 'source' | 'status'>[]): boolean {
  if (!risk.contingency_plan || risk.status === 'closed') return false;
  return !actions.some((a) => a.source === 'contingency' && (a.status === 'open' || a.status === 'in_progress'));
}

/** Fallback resources as one per line in a text area ↔ the API's list. */
export function linesToList(text: string | undefined): string[] {
  return (text ?? '').split('\n').map((s) => s.trim()).filter(Boolean);
}

/** Only the fields that differ from the risk, so an owner's PATCH carries only what they may change. */
export function changedFields<T extends Record<string, unknown>>(before: Record<string, unknown>, after: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(after)) {
    const was = before[k] ?? null;
    const now = v === undefined ? null : v;
    if (JSON.stringify(was) !== JSON.stringify(now)) (out as Record<string, unknown>)[k] = now;
  }
  return out;
}
