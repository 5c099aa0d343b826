/** The scorecard editor's form values and their conversion to and from the API's shapes.
 * The form speaks percentages (达成率 120 %); the API speaks ratios (cap 1.2). */
import type { GradeBand, AssessmentOutcome, ScorecardCreate, ScorecardItem, ScorecardRead, ScorecardUpdate, ScoringRule } from '../../api/kpi';

export type RuleType = ScoringRule['type'];
export const RULE_TYPES: RuleType[] = ['linear_cap', 'tiered', 'deduction', 'veto'];
export const OUTCOME_TYPES: Record<AssessmentOutcome['kind'], AssessmentOutcome['type'][]> = {
  reward: ['bonus', 'certificate', 'promotion'],
  penalty: ['warning', 'fine', 'demotion'],
};

export type TierValue = { min_pct?: number; score?: number };
export type ItemValue = {
  key?: string;
  kind: ScorecardItem['kind'];
  name?: string;
  weight?: number;
  indicator_code?: string;
  rule_type?: RuleType;
  cap_pct?: number;
  tiers?: TierValue[];
  per_percent?: number;
  floor_pct?: number;
  max_score?: number;
};
export type OutcomeValue = { grade?: string; kind?: AssessmentOutcome['kind']; type?: AssessmentOutcome['type']; amount?: number | null; note?: string };
export type ScorecardValues = {
  name?: string;
  unit_id?: number;
  subject_kind: ScorecardCreate['subject_kind'];
  items: ItemValue[];
  grades: { grade?: string; min?: number }[];
  outcomes: OutcomeValue[];
  /** annual assessments: the share (%) of the total taken from the year's finalised routine ones */
  routine_weight?: number | null;
};

/** The API's defaults (schemas.ScoringRule), as the form shows them. */
export const RULE_DEFAULTS = { cap_pct: 120, per_percent: 2, floor_pct: 100 };

export function newItem(kind: ItemValue['kind']): ItemValue {
  return kind === 'indicator'
    ? { kind, rule_type: 'linear_cap', ...RULE_DEFAULTS, tiers: [{ min_pct: 100, score: 100 }, { min_pct: 90, score: 80 }] }
    : { kind, max_score: 100 };
}

export function emptyScorecard(): ScorecardValues {
  return {
    subject_kind: 'unit',
    items: [newItem('indicator'), newItem('qualitative')],
    grades: [{ grade: 'A', min: 90 }, { grade: 'B', min: 80 }, { grade: 'C', min: 60 }, { grade: 'D', min: 0 }],
    outcomes: [],
    routine_weight: 0,
  };
}

export function weightTotal(items: Pick<ItemValue, 'weight'>[] | undefined): number {
  return Math.round((items ?? []).reduce((s, i) => s + (Number(i?.weight) || 0), 0) * 1e6) / 1e6;
}

const KEY_RE = /^[a-z_][a-z0-9_]{0,59}$/;

/** Item keys the API accepts (lower-case code, unique): the user never has to invent one. */
export function itemKeys(items: ItemValue[]): string[] {
  const used = new Set<string>();
  return items.map((item, n) => {
    let key = item.key && KEY_RE.test(item.key) ? item.key
      : item.kind === 'indicator' && item.indicator_code && KEY_RE.test(item.indicator_code) ? item.indicator_code
        : `item_${n + 1}`;
    if (used.has(key)) key = `${key.slice(0, 50)}_${n + 1}`;
    used.add(key);
    return key;
  });
}

const ratio = (pct: number | undefined, fallback: number) => (pct === undefined || pct === null ? fallback : pct / 100);

function ruleOf(item: ItemValue): ScoringRule {
  const type = item.rule_type ?? 'linear_cap';
  const tiers = type === 'tiered'
    ? (item.tiers ?? []).filter((t) => t && t.min_pct !== undefined && t.score !== undefined)
      .map((t) => ({ min: (t.min_pct as number) / 100, score: t.score as number }))
    : [];
  return {
    type,
    cap: ratio(item.cap_pct, 1.2),
    tiers,
    per_percent: item.per_percent ?? 2,
    floor: ratio(item.floor_pct, 1),
  };
}

export function toScorecardCreate(v: ScorecardValues): ScorecardCreate {
  const keys = itemKeys(v.items);
  const outcomes: Record<string, AssessmentOutcome[]> = {};
  for (const o of v.outcomes ?? []) {
    if (!o?.grade || !o.kind || !o.type) continue;
    (outcomes[o.grade] ??= []).push({ kind: o.kind, type: o.type, amount: o.amount ?? null, note: o.note ?? '' });
  }
  return {
    name: (v.name ?? '').trim(),
    unit_id: v.unit_id as number,
    subject_kind: v.subject_kind,
    items: v.items.map((item, n): ScorecardItem => ({
      key: keys[n],
      kind: item.kind,
      name: (item.name ?? '').trim(),
      weight: Number(item.weight) || 0,
      max_score: item.kind === 'qualitative' ? item.max_score ?? 100 : 100,
      ...(item.kind === 'indicator' ? { indicator_code: item.indicator_code ?? null, rule: ruleOf(item) } : {}),
    })),
    grades: (v.grades ?? []).filter((g) => g?.grade).map((g): GradeBand => ({ grade: (g.grade as string).trim(), min: Number(g.min) || 0 })),
    outcomes,
    routine_weight: Number(v.routine_weight) || 0,
  };
}

/** The parts of a template that can change in place (its unit and subject kind cannot). */
export function toScorecardUpdate(v: ScorecardValues): ScorecardUpdate {
  const { name, items, grades, outcomes, routine_weight } = toScorecardCreate(v);
  return { name, items, grades, outcomes, routine_weight };
}

const pct = (ratio: number): number => Math.round(ratio * 100 * 1e6) / 1e6;

/** A stored template as form values: to change it in place, or to start a new one from it. */
export function fromScorecard(card: ScorecardRead): ScorecardValues {
  const items = card.items.map(({ key, kind, name, weight, max_score, indicator_code, rule }): ItemValue => {
    if (kind === 'qualitative') return { kind, key, name, weight, max_score };
    const r = rule ?? { type: 'linear_cap', cap: RULE_DEFAULTS.cap_pct / 100, per_percent: RULE_DEFAULTS.per_percent, floor: RULE_DEFAULTS.floor_pct / 100 };
    return {
      kind, key, name, weight, indicator_code: indicator_code ?? undefined,
      rule_type: r.type,
      cap_pct: pct(r.cap),
      per_percent: r.per_percent,
      floor_pct: pct(r.floor),
      tiers: (r.tiers ?? []).map((t) => ({ min_pct: t.min === undefined ? undefined : pct(t.min), score: t.score })),
    };
  });
  const outcomes: OutcomeValue[] = Object.entries(card.outcomes).flatMap(([grade, list]) =>
    list.map((o) => ({ grade, kind: o.kind, type: o.type, amount: o.amount ?? null, note: o.note })));
  return {
    name: card.name,
    unit_id: card.unit_id,
    subject_kind: card.subject_kind === 'person' ? 'person' : 'unit',
    items,
    grades: card.grades.map((g) => ({ grade: g.grade, min: g.min })),
    outcomes,
    routine_weight: card.routine_weight ?? 0,
  };
}
