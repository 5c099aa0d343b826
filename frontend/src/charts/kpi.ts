/** KPI chart options and formatting helpers: pure functions, unit-tested. */
import type { SeriesPoint } from '../api/types';

export const KPI_STATUS_COLORS: Record<string, string> = { green: '#52c41a', amber: '#faad14', red: '#f5222d' };
export const NO_STATUS_COLOR = '#bfbfbf';

export function statusColor(status: string | null | undefined): string {
  return (status && KPI_STATUS_COLORS[status]) || NO_STATUS_COLOR;
}

/** Count rows per status (green / amber / red / none). */
export function statusCounts(rows: { status?: string | null }[]): { green: number; amber: number; red: number; none: number } {
  const out = { green: 0, amber: 0, red: 0, none: 0 };
  for (const r of rows) {
    if (r.status === 'green' || r.status === 'amber' || r.status === 'red') out[r.status] += 1;
    else out.none += 1;
  }
  return out;
}

/** A number for display: null → "—", at most `digits` decimals. */
export function fmtNum(v: number | null | undefined, digits = 2): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return v.toLocaleString('zh-CN', { maximumFractionDigits: digits });
}

/** A ratio (1.054) as a percentage ("105.4%"); null → "—". */
export function fmtRatio(v: number | null | undefined, digits = 1): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return `${(v * 100).toFixed(digits)}%`;
}

/** A relative change (0.088) as a signed percentage ("+8.8%"). */
export function fmtChange(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const pct = (v * 100).toFixed(1);
  return v > 0 ? `+${pct}%` : `${pct}%`;
}

/** Whether a change is good news given the indicator's direction (null when neutral). */
export function changeIsGood(change: number | null | undefined, direction: string): boolean | null {
  if (change === null || change === undefined || change === 0 || !Number.isFinite(change)) return null;
  if (direction === 'lower_better') return change < 0;
  if (direction === 'higher_better') return change > 0;
  return null;
}

/** "2026-10" → the month `n` months earlier ("2025-11" for n = 11); other periods unchanged. */
export function monthsBefore(period: string, n: number): string {
  const m = /^(\d{4})-(\d{2})$/.exec(period);
  if (!m) return period;
  const total = Number(m[1]) * 12 + (Number(m[2]) - 1) - n;
  const y = Math.floor(total / 12);
  const mo = (total % 12) + 1;
  return `${y}-${String(mo).padStart(2, '0')}`;
}

export const MONTH_RE = /^\d{4}-(0[1-9]|1[0-2])$/;

/** Actual against target over time, with the benchmark as a dashed line when there is one. */
export function kpiTrendOption(
  points: SeriesPoint[],
  opts: { benchmark?: number | null; benchmarkPeriod?: string; unit?: string },
  labels: { actual: string; target: string; benchmark: string },
) {
  const periods = points.map((p) => p.period);
  const hasTarget = points.some((p) => p.target !== null);
  const benchmark = opts.benchmark ?? null;
  const series: Record<string, unknown>[] = [
    {
      name: labels.actual,
      type: 'line',
      data: points.map((p) => p.actual),
      connectNulls: false,
      symbolSize: 6,
      itemStyle: { color: '#1677ff' },
      label: { show: false },
    },
  ];
  if (hasTarget) {
    series.push({
      name: labels.target,
      type: 'line',
      step: 'middle',
      data: points.map((p) => p.target),
      symbol: 'none',
      lineStyle: { type: 'dashed', width: 2 },
      itemStyle: { color: '#52c41a' },
    });
  }
  if (benchmark !== null) {
    series.push({
      name: labels.benchmark,
      type: 'line',
      // a benchmark is published for a period ("2026"): drawn over that period's points only
      data: points.map((p) => (!opts.benchmarkPeriod || p.period.startsWith(opts.benchmarkPeriod) ? benchmark : null)),
      symbol: 'none',
      lineStyle: { type: 'dotted', width: 2 },
      itemStyle: { color: '#fa8c16' },
    });
  }
  return {
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { top: 0, data: series.map((s) => s.name as string) },
    grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: periods, boundaryGap: false },
    yAxis: { type: 'value', scale: true, name: opts.unit ?? '', nameTextStyle: { align: 'left' } },
    series,
  };
}
