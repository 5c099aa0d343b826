/** What an inspection page computes before asking the server: an item's verdict, the running score (the
 * server's formula, services/kpi/inspections/scoring.py), what is left to answer, and template item keys. */

export type ItemLike = { key: string; kind: string; weight: number; max_score?: number | null; pass_score?: number | null };
export type Answer = { outcome?: string | null; score?: number | null };

/** The lowest passing score of a score item: its own, else 60% of the maximum (rounded up). */
export function passScore(item: ItemLike): number {
  if (item.pass_score !== null && item.pass_score !== undefined) return item.pass_score;
  return Math.ceil(0.6 * (item.max_score ?? 0));
}

/** true / false for an answered applicable item, null while unanswered or not applicable. */
export function verdict(item: ItemLike, answer: Answer | undefined): boolean | null {
  if (!answer) return null;
  if (item.kind === 'score') {
    if (answer.outcome === 'na') return null;
    if (answer.score === null || answer.score === undefined) return null;
    return answer.score >= passScore(item);
  }
  if (!answer.outcome || answer.outcome === 'na') return null;
  return answer.outcome === 'pass';
}

export function answered(item: ItemLike, answer: Answer | undefined): boolean {
  if (!answer) return false;
  if (item.kind === 'score') return answer.outcome === 'na' || (answer.score !== null && answer.score !== undefined);
  return !!answer.outcome;
}

export type Summary = { score: number | null; passed: number; failed: number; answered: number; total: number };

/** Σ weight × (1 | 0 | score ÷ max) ÷ Σ weight over applicable answered items, 0–100, one decimal. */
export function summarise(items: ItemLike[], answers: Record<string, Answer | undefined>): Summary {
  let weights = 0;
  let points = 0;
  let passed = 0;
  let failed = 0;
  let done = 0;
  for (const item of items) {
    const a = answers[item.key];
    if (answered(item, a)) done += 1;
    const v = verdict(item, a);
    if (v === null || !a) continue;
    const w = item.weight || 1;
    weights += w;
    points += w * (item.kind === 'score' ? Math.min((a.score ?? 0) / (item.max_score || 1), 1) : v ? 1 : 0);
    if (v) passed += 1;
    else failed += 1;
  }
  return { score: weights ? Math.round((1000 * points) / weights) / 10 : null, passed, failed, answered: done, total: items.length };
}

/** The request body entry for one answer (pass/fail items send an outcome, score items a score or na). */
export function resultBody(item: ItemLike, answer: Answer, note: string) {
  if (item.kind === 'score') {
    return answer.outcome === 'na' ? { key: item.key, outcome: 'na' as const, note } : { key: item.key, score: answer.score ?? 0, note };
  }
  return { key: item.key, outcome: (answer.outcome ?? 'pass') as 'pass' | 'fail' | 'na', note };
}

/** A key for a new checklist item: item1, item2… not yet taken. */
export function nextKey(taken: readonly string[]): string {
  for (let n = taken.length + 1; ; n += 1) {
    const key = `item${n}`;
    if (!taken.includes(key)) return key;
  }
}

export const STATUS_COLOR: Record<string, string> = { scheduled: 'default', in_progress: 'processing', submitted: 'success', cancelled: 'error' };
