/** Budget vs actual, as pure functions the pages render: money in 元, the rate's tone, the periods the
 * 预算执行 page takes (a year, quarter or month). */

export const BUDGET_PERIOD_RE = /^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$/;

export function isBudgetPeriod(text: string | null | undefined): boolean {
  return !!text && BUDGET_PERIOD_RE.test(text.trim());
}

/** The year so far: budget vs actual of this year, the period a finance reader looks at first. */
export function defaultBudgetPeriod(today: Date = new Date()): string {
  return String(today.getFullYear());
}

const YUAN = new Intl.NumberFormat('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** 1234567.5 → "1,234,567.50" (元, two decimals); null → "—". */
export function fmtYuan(value: number | null | undefined): string {
  return value === null || value === undefined || Number.isNaN(value) ? '—' : YUAN.format(value);
}

/** 112.3456 → "112.3%"; null (no budget) → "—". */
export function fmtRate(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? '—' : `${rate.toFixed(1)}%`;
}

export type Tone = 'over' | 'ahead' | 'ok' | 'none';

/** How a row reads: over its budget; spending ahead of the time gone by (the rate above the elapsed share by
 * more than 10 points); within it; or without a budget and without spend. */
export function toneOf(row: { budget: number; actual: number; rate: number | null; over_budget: boolean },
  elapsed: number): Tone {
  if (row.over_budget) return 'over';
  if (row.budget <= 0) return row.actual > 0 ? 'over' : 'none';
  if (row.rate !== null && row.rate > elapsed * 100 + 10) return 'ahead';
  return 'ok';
}

export const TONE_COLOR: Record<Tone, string> = { over: '#cf1322', ahead: '#d48806', ok: '#389e0d', none: '#8c8c8c' };

/** The progress bar's percent: the rate capped at 100 (an overrun shows as a full, red bar). */
export function barPercent(rate: number | null | undefined): number {
  if (rate === null || rate === undefined || rate < 0) return 0;
  return Math.min(100, Math.round(rate * 10) / 10);
}
