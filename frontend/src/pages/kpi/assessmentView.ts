/** What the assessment and template pages show of the typed API shapes: each item's share of the
 * total, the qualitative items still to score, a scoring rule in words. */
import type { AssessmentItemRead, AssessmentOutcome, AssessmentRead, GradeBand, ScorecardRead, ScoringRule } from '../../api/kpi';

/** What both a template item and a scored item carry. */
type ItemLike = Pick<AssessmentItemRead, 'key' | 'kind' | 'weight'> & { max_score?: number | null; score?: number | null };

/** Qualitative items are scored out of their max_score (100 unless the template says otherwise). */
export const maxScore = (item: { max_score?: number | null }): number => item.max_score ?? 100;

/** An item's share of the total (weight × score on the 0..100 scale), as the service adds it up. */
export function contribution(item: ItemLike, weightSum: number): number | null {
  if (item.score === null || item.score === undefined || weightSum <= 0) return null;
  const score = item.kind === 'qualitative' ? (item.score / maxScore(item)) * 100 : item.score;
  return (item.weight * score) / weightSum;
}

/** The weight the service takes the total over: the items with data (an item without data is not a 0). */
export const countedWeight = (items: Pick<AssessmentItemRead, 'weight' | 'no_data'>[]): number =>
  items.filter((i) => !i.no_data).reduce((s, i) => s + i.weight, 0);

/** Qualitative items the assessor has not scored yet: finalising is refused while any is left. */
export function unscored<I extends ItemLike>(items: I[], qualitative: AssessmentRead['qualitative']): I[] {
  return items.filter((i) => i.kind === 'qualitative' && !(i.key in qualitative));
}

/** The outcomes a template sets for a grade (what finalising will record unless overridden). */
export function outcomesForGrade(cardOutcomes: ScorecardRead['outcomes'] | undefined, grade: string | null): AssessmentOutcome[] {
  return (grade && cardOutcomes?.[grade]) || [];
}

/** Grade bands best first: A ≥ 90, B ≥ 80, … */
export const gradesDesc = (grades: GradeBand[]): GradeBand[] => [...grades].sort((a, b) => b.min - a.min);

/** A tiered rule's steps, highest attainment first. */
export function tiersDesc(rule: ScoringRule): { min: number; score: number }[] {
  return (rule.tiers ?? []).map((x) => ({ min: x.min ?? 0, score: x.score ?? 0 })).sort((a, b) => b.min - a.min);
}

type T = (key: string, vars?: Record<string, string | number>) => string;
const pct = (ratio: number) => `${Math.round(ratio * 1000) / 10}%`;

/** One line in words: "线性计分，封顶 120%", "阶梯 ≥100%→100 · ≥95%→80", … */
export function ruleText(rule: ScoringRule | null | undefined, t: T): string {
  if (!rule) return '—';
  switch (rule.type) {
    case 'tiered':
      return `${t('kpi.rules.tiered')} ${tiersDesc(rule).map((x) => `≥${pct(x.min)}→${x.score}`).join(' · ')}`;
    case 'deduction':
      return t('kpi.ruleText.deduction', { n: rule.per_percent });
    case 'veto':
      return t('kpi.ruleText.veto', { floor: pct(rule.floor) });
    default:
      return t('kpi.ruleText.linear_cap', { cap: pct(rule.cap) });
  }
}

export const GRADE_COLORS: Record<string, string> = { A: 'green', B: 'blue', C: 'gold', D: 'red' };
export const ASSESSMENT_STATUS_COLOR: Record<string, string> = { draft: 'processing', finalized: 'success' };
