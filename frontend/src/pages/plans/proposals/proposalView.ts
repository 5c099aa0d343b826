/** Pure logic of the proposal pages: money and reward text, status colours, the review steps' states,
 * and the checks the settings form makes before sending (the API's own rules, said early). */
import type { ProposalDetail, ProposalRead, ProposalStatus, ReviewStage, RewardLevel } from '../../../api/types';

type T = (key: string, vars?: Record<string, string | number | null | undefined>) => string;

export const STATUSES: ProposalStatus[] = ['in_review', 'adopted', 'partly', 'declined', 'implemented', 'rewarded'];

export const STATUS_COLORS: Record<ProposalStatus, string> = {
  in_review: 'processing', adopted: 'cyan', partly: 'blue', declined: 'default', implemented: 'geekblue', rewarded: 'success',
};

const grouped = (n: number) => n.toLocaleString('zh-CN', { maximumFractionDigits: 2 });

/** Money in 元, as the reader's language writes it ("800 元"); "—" when none. */
export function yuan(amount: number | null | undefined, t: T): string {
  return amount === null || amount === undefined ? '—' : t('proposals.yuan', { amount: grouped(amount) });
}

/** A reward level (or a granted reward) in one line: "二等奖 · 50 积分 · 800 元". */
export function rewardText(level: { name: string; points?: number | null; amount?: number | null }, t: T): string {
  const parts = [level.name];
  if (level.points !== null && level.points !== undefined) parts.push(t('proposals.points', { n: level.points }));
  if (level.amount !== null && level.amount !== undefined) parts.push(yuan(level.amount, t));
  return parts.join(' · ');
}

/** The reward granted on a proposal, or null while there is none. */
export function grantedReward(p: Pick<ProposalRead, 'reward_name' | 'reward_points' | 'reward_amount' | 'reward_level'>, t: T): string | null {
  return p.reward_level ? rewardText({ name: p.reward_name, points: p.reward_points, amount: p.reward_amount }, t) : null;
}

export type StepState = 'finish' | 'process' | 'wait' | 'error';

/** Each review stage's state: passed, waiting now, not reached, or where it was declined. */
export function stageStates(p: Pick<ProposalDetail, 'status' | 'stage_index' | 'stages' | 'steps'>): StepState[] {
  const decidedAt = new Map<string, string>();
  for (const s of p.steps) if (s.stage_key) decidedAt.set(s.stage_key, s.action);
  return p.stages.map((stage, i) => {
    const action = decidedAt.get(stage.key);
    if (p.status === 'in_review') {
      if (p.stage_index === i) return 'process';
      return p.stage_index !== null && p.stage_index !== undefined && i < p.stage_index ? 'finish' : 'wait';
    }
    if (action === 'decline') return 'error';
    return action ? 'finish' : 'wait';
  });
}

/** The stage after the current one (the decision there passes the proposal on), or null at the last. */
export function nextStage(p: Pick<ProposalDetail, 'stage_index' | 'stages'>): string | null {
  if (p.stage_index === null || p.stage_index === undefined) return null;
  return p.stages[p.stage_index + 1]?.name ?? null;
}

/** Whether a decision needs a reason (partly and decline do). */
export const needsReason = (decision: string | undefined) => decision === 'partly' || decision === 'decline';

/** A key for a new stage or level row: unique among the others ("stage_3"). */
export function freshKey(prefix: string, taken: readonly string[]): string {
  for (let i = taken.length + 1; ; i++) {
    const key = `${prefix}_${i}`;
    if (!taken.includes(key)) return key;
  }
}

/** What the settings form would be refused for, in the reader's words (empty: nothing). */
export function settingsProblems(stages: ReviewStage[], levels: RewardLevel[], t: T): string[] {
  const out: string[] = [];
  if (stages.length === 0) out.push(t('proposals.settings.needStage'));
  for (const [rows, label] of [[stages, 'stage'], [levels, 'level']] as const) {
    const seen = new Set<string>();
    for (const r of rows) {
      if (!r.name.trim()) out.push(t('proposals.settings.nameMissing'));
      else if (seen.has(r.name.trim())) out.push(t('proposals.settings.duplicate', { name: r.name }));
      seen.add(r.name.trim());
    }
    void label;
  }
  for (const l of levels) {
    if ((l.points === null || l.points === undefined) && (l.amount === null || l.amount === undefined)) {
      out.push(t('proposals.settings.levelEmpty', { name: l.name }));
    }
  }
  return out;
}
