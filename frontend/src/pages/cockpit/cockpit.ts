/** 经营驾驶舱's rules, pure: periods by kind, the units a user may open, where they land, money and charts. */
import type { EChartsCoreOption } from 'echarts/core';
import type { GrantRead, UnitTree } from '../../api/types';
import { grantCovers } from '../../app/grants';
import { KPI_STATUS_COLORS, NO_STATUS_COLOR } from '../../charts/kpi';

export type PeriodKind = 'month' | 'quarter' | 'year';
export const PERIOD_KINDS: PeriodKind[] = ['month', 'quarter', 'year'];
type GrantLike = Pick<GrantRead, 'right' | 'unit_path' | 'mode'>;

const pad = (n: number) => String(n).padStart(2, '0');

/** The period notation of the services (2026, 2026-Q4, 2026-12) for the period of `kind` holding `day`. */
export function periodOf(kind: PeriodKind, day: Date): string {
  const y = day.getFullYear();
  const m = day.getMonth() + 1;
  if (kind === 'year') return String(y);
  if (kind === 'quarter') return `${y}-Q${Math.ceil(m / 3)}`;
  return `${y}-${pad(m)}`;
}

export function kindOf(period: string): PeriodKind | null {
  if (/^\d{4}$/.test(period)) return 'year';
  if (/^\d{4}-Q[1-4]$/.test(period)) return 'quarter';
  if (/^\d{4}-(0[1-9]|1[0-2])$/.test(period)) return 'month';
  return null;
}

/** The period `n` steps before (negative) or after (positive) one of the same kind. */
export function shiftPeriod(period: string, n: number): string {
  const kind = kindOf(period);
  const y = Number(period.slice(0, 4));
  if (kind === 'year') return String(y + n);
  if (kind === 'quarter') {
    const index = y * 4 + Number(period.slice(6)) - 1 + n;
    return `${Math.floor(index / 4)}-Q${(index % 4) + 1}`;
  }
  if (kind === 'month') {
    const index = y * 12 + Number(period.slice(5)) - 1 + n;
    return `${Math.floor(index / 12)}-${pad((index % 12) + 1)}`;
  }
  return period;
}

/** The first day of a period: what a picker shows for it. */
export function startOf(period: string): Date {
  const y = Number(period.slice(0, 4));
  const kind = kindOf(period);
  if (kind === 'quarter') return new Date(y, (Number(period.slice(6)) - 1) * 3, 1);
  if (kind === 'month') return new Date(y, Number(period.slice(5)) - 1, 1);
  return new Date(y, 0, 1);
}

const isRoot = (path: string) => /^\/\d+\/$/.test(path);

/** Holds 'view' over a whole company (its root unit and below): leadership, who land on the cockpit. */
export function viewsCompany(grants: readonly GrantLike[] | undefined): boolean {
  return (grants ?? []).some((g) => g.right === 'view' && g.mode === 'subtree' && isRoot(g.unit_path));
}

/** Holds 'view' over a unit with what lies below it: heads of units, who get the cockpit of their unit. */
export function viewsAUnit(grants: readonly GrantLike[] | undefined): boolean {
  return (grants ?? []).some((g) => g.right === 'view' && g.mode === 'subtree');
}

/** Where a signed-in user lands: the cockpit for leadership, their inbox for everyone else. */
export function landingPath(grants: readonly GrantLike[] | undefined): string {
  return viewsCompany(grants) ? '/cockpit' : '/inbox';
}

export type UnitOption = { value: number; title: string; disabled?: boolean; children?: UnitOption[] };

/** The org tree cut to what the user may view: units they view are choosable, the units above them are
 * kept (disabled) only to show where they sit, and branches without a viewable unit are left out. */
export function viewableUnits(nodes: UnitTree[], grants: readonly GrantLike[] | undefined): UnitOption[] {
  const out: UnitOption[] = [];
  for (const n of nodes) {
    const children = viewableUnits(n.children ?? [], grants);
    const mine = (grants ?? []).some((g) => grantCovers(g, 'view', n.path));
    if (!mine && children.length === 0) continue;
    out.push({ value: n.id, title: n.name, ...(mine ? {} : { disabled: true }), ...(children.length ? { children } : {}) });
  }
  return out;
}

/** 元 as a reader of a cockpit reads it: 万元 from ten thousand up. */
export function money(yuan: number): { value: string; unit: '元' | '万元' } {
  if (Math.abs(yuan) >= 10_000) {
    return { value: (yuan / 10_000).toLocaleString('zh-CN', { maximumFractionDigits: 2, minimumFractionDigits: 2 }), unit: '万元' };
  }
  return { value: yuan.toLocaleString('zh-CN', { maximumFractionDigits: 2 }), unit: '元' };
}

export function percent(ratio: number | null | undefined, digits = 0): string {
  return ratio === null || ratio === undefined ? '—' : `${(ratio * 100).toFixed(digits)}%`;
}

/** A horizontal bar per category (a count each), in the given colours: attainment, risk levels, alerts. */
export function countsOption(rows: { label: string; value: number; color: string }[]): EChartsCoreOption {
  return {
    grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', minInterval: 1, splitLine: { show: false } },
    yAxis: { type: 'category', data: rows.map((r) => r.label), inverse: true, axisTick: { show: false } },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    series: [{
      type: 'bar', barMaxWidth: 18, label: { show: true, position: 'right' },
      data: rows.map((r) => ({ value: r.value, itemStyle: { color: r.color } })),
    }],
  };
}

export const ATTAINMENT_COLORS = { on_target: KPI_STATUS_COLORS.green, warning: KPI_STATUS_COLORS.amber, off_target: KPI_STATUS_COLORS.red, not_judged: NO_STATUS_COLOR };
export const RISK_LEVEL_COLORS: Record<string, string> = { critical: '#a8071a', high: '#f5222d', medium: '#faad14', low: '#52c41a', none: NO_STATUS_COLOR };
export const RISK_LEVELS = ['critical', 'high', 'medium', 'low', 'none'];
export const ALERT_LEVELS = ['critical', 'warning'];
