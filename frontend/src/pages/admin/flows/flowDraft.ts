/** The approval-flow editor's pure logic: a draft of stages, moved, added, removed and changed without
 * touching the saved flow, and checked the way the server checks it before saving or previewing. */
import type { FlowCc, FlowStage } from '../../../api/types';

export type Over = FlowStage['over'];
export type Signers = FlowStage['signers'];

/** The rights a stage may need, in the order the documents list them (admin is no approval right). */
export const STAGE_RIGHTS = ['plan', 'suggest', 'veto', 'dispatch', 'assess', 'guide', 'view'] as const;
export const OVERS: Over[] = ['unit', 'parent', 'company'];
export const MAX_TIME_LIMIT_DAYS = 60;

/** A stage as the editor holds it: every field present (stored flows may lack newer ones). */
export type DraftStage = Required<Omit<FlowStage, 'held_in' | 'time_limit_days'>> & {
  held_in: string | null;
  time_limit_days: number | null;
};

/** One problem with a draft, as a message key of the flows namespace and its values. */
export type DraftProblem = { stage: number | null; key: string; vars?: Record<string, string | number> };

function asCc(raw: unknown): FlowCc {
  const c = (raw ?? {}) as Record<string, unknown>;
  return {
    right: String(c.right ?? 'view'),
    over: (OVERS as string[]).includes(String(c.over)) ? (c.over as Over) : 'unit',
    held_in: typeof c.held_in === 'string' ? c.held_in : null,
  };
}

/** A stored stage (FlowRead's stages are free-form objects) as a draft stage. */
export function toDraft(raw: Record<string, unknown>): DraftStage {
  return {
    key: String(raw.key ?? ''),
    name: String(raw.name ?? ''),
    name_en: String(raw.name_en ?? ''),
    right: String(raw.right ?? 'plan'),
    over: (OVERS as string[]).includes(String(raw.over)) ? (raw.over as Over) : 'unit',
    held_in: typeof raw.held_in === 'string' ? raw.held_in : null,
    signers: raw.signers === 'all' ? 'all' : 'any',
    time_limit_days: typeof raw.time_limit_days === 'number' ? raw.time_limit_days : null,
    cc: Array.isArray(raw.cc) ? raw.cc.map(asCc) : [],
  };
}

/** Stage ``index`` moved ``delta`` places (-1 up, +1 down); unchanged at either end. */
export function moveStage<T>(stages: T[], index: number, delta: -1 | 1): T[] {
  const to = index + delta;
  if (index < 0 || index >= stages.length || to < 0 || to >= stages.length) return stages;
  const next = [...stages];
  [next[index], next[to]] = [next[to], next[index]];
  return next;
}

/** A key no other stage has (keys stay stable when stages move: history and reminders name them). */
export function freshKey(stages: Pick<DraftStage, 'key'>[]): string {
  const taken = new Set(stages.map((s) => s.key));
  let n = stages.length + 1;
  while (taken.has(`stage_${n}`)) n += 1;
  return `stage_${n}`;
}

export function addStage(stages: DraftStage[]): DraftStage[] {
  return [...stages, {
    key: freshKey(stages), name: '', name_en: '', right: 'plan', over: 'company', held_in: null, signers: 'any',
    time_limit_days: null, cc: [],
  }];
}

export function removeStage(stages: DraftStage[], index: number): DraftStage[] {
  return stages.filter((_, i) => i !== index);
}

export function updateStage(stages: DraftStage[], index: number, patch: Partial<DraftStage>): DraftStage[] {
  return stages.map((s, i) => (i === index ? { ...s, ...patch } : s));
}

export function addCc(stages: DraftStage[], index: number): DraftStage[] {
  return updateStage(stages, index, { cc: [...stages[index].cc, { right: 'view', over: 'unit', held_in: null }] });
}

export function updateCc(stages: DraftStage[], index: number, ccIndex: number, patch: Partial<FlowCc>): DraftStage[] {
  return updateStage(stages, index, { cc: stages[index].cc.map((c, i) => (i === ccIndex ? { ...c, ...patch } : c)) });
}

export function removeCc(stages: DraftStage[], index: number, ccIndex: number): DraftStage[] {
  return updateStage(stages, index, { cc: stages[index].cc.filter((_, i) => i !== ccIndex) });
}

/** What the server would refuse in this draft (services/planning/approvals/stages.py), said before sending. */
export function draftProblems(stages: DraftStage[]): DraftProblem[] {
  const out: DraftProblem[] = [];
  if (stages.length === 0) out.push({ stage: null, key: 'flows.problem.noStage' });
  stages.forEach((s, i) => {
    const n = i + 1;
    if (!s.name.trim()) out.push({ stage: i, key: 'flows.problem.noName', vars: { n } });
    if (!(STAGE_RIGHTS as readonly string[]).includes(s.right)) out.push({ stage: i, key: 'flows.problem.right', vars: { n } });
    const limit = s.time_limit_days;
    if (limit !== null && (!Number.isInteger(limit) || limit < 0 || limit > MAX_TIME_LIMIT_DAYS)) {
      out.push({ stage: i, key: 'flows.problem.timeLimit', vars: { n, max: MAX_TIME_LIMIT_DAYS } });
    }
  });
  return out;
}

/** The draft as the API takes it. */
export function toBody(stages: DraftStage[]): FlowStage[] {
  return stages.map((s) => ({ ...s, name: s.name.trim(), cc: s.cc.map((c) => ({ ...c })) }));
}

/** Whether the draft differs from what is saved. */
export function changed(saved: DraftStage[], draft: DraftStage[]): boolean {
  return JSON.stringify(saved) !== JSON.stringify(draft);
}

/** held_in in the editor's one select: '' any unit, 'company', or a unit code. */
export const heldInChoice = (held: string | null): string => held ?? '';
export const heldInValue = (choice: string): string | null => (choice === '' ? null : choice);
