/** 人员编制: the pure logic of the staffing page (tree of rows, status against the 10 % spare-staff ratio,
 * the period asked for). The numbers themselves come from the API: planned headcount from plans, actual from
 * positions and assignments. */
import type { components } from '../../../api/schema';
import type { GrantRead, UnitTree } from '../../../api/types';
import { canOver } from '../../../app/grants';

export type StaffingRead = components['schemas']['org.StaffingRead'];
export type StaffingRow = components['schemas']['org.StaffingRow'];
export type VacancyRead = components['schemas']['org.VacancyRead'];

export type Cadence = 'month' | 'quarter' | 'year';

/** The period notation the API takes (2026-12, 2026-Q4, 2026) for a day and a cadence. */
export function periodText(cadence: Cadence, day: { year: number; month: number }): string {
  if (cadence === 'year') return String(day.year);
  if (cadence === 'quarter') return `${day.year}-Q${Math.floor((day.month - 1) / 3) + 1}`;
  return `${day.year}-${String(day.month).padStart(2, '0')}`;
}

/** noPlan: nothing planned; withinParent 计入上级编制: a plan above covers the unit; understaffed 缺编: fewer people
 * than planned; short 备员不足: spare staff below the target ratio; ok 达标: at or above it. */
export type StaffingStatus = 'noPlan' | 'withinParent' | 'understaffed' | 'short' | 'ok';

export function staffingStatus(row: Pick<StaffingRow, 'planned' | 'actual' | 'spare_ratio'> & { covered_by?: number | null },
  target: number): StaffingStatus {
  if (row.planned === null || row.planned === undefined || row.spare_ratio === null || row.spare_ratio === undefined) {
    return row.covered_by !== null && row.covered_by !== undefined ? 'withinParent' : 'noPlan';
  }
  if (row.actual < row.planned) return 'understaffed';
  return row.spare_ratio < target ? 'short' : 'ok';
}

export const STATUS_COLOR: Record<StaffingStatus, string> = {
  noPlan: 'default', withinParent: 'default', understaffed: 'red', short: 'orange', ok: 'green',
};

/** People above (+) or below (−) the planned headcount; null without a plan. */
export function gap(row: Pick<StaffingRow, 'planned' | 'actual'>): number | null {
  if (row.planned === null || row.planned === undefined) return null;
  return Math.round((row.actual - row.planned) * 10) / 10;
}

/** How many more people the unit needs to reach the target spare-staff ratio (0 when it does). */
export function neededForTarget(row: Pick<StaffingRow, 'planned' | 'actual'>, target: number): number {
  if (row.planned === null || row.planned === undefined) return 0;
  return Math.max(0, Math.ceil(row.planned * (1 + target / 100) - row.actual - 1e-9));
}

export type StaffingNode = StaffingRow & { key: number; children?: StaffingNode[] };

/** The API's rows (the unit first, then its sub-units depth first) as a tree for the table. A row whose parent
 * was left out (a unit the user may not view) hangs under the nearest row above it in the list that is shallower. */
export function toTree(rows: StaffingRow[]): StaffingNode[] {
  const roots: StaffingNode[] = [];
  const stack: StaffingNode[] = [];
  for (const row of rows) {
    const node: StaffingNode = { ...row, key: row.unit_id };
    while (stack.length && stack[stack.length - 1].depth >= row.depth) stack.pop();
    const parent = stack[stack.length - 1];
    if (parent) (parent.children ??= []).push(node);
    else roots.push(node);
    stack.push(node);
  }
  return roots;
}

/** The ratio as people read it: "+11.1%", "−4.6%", "—". */
export function ratioText(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined) return '—';
  const sign = ratio > 0 ? '+' : ratio < 0 ? '−' : '';
  return `${sign}${Math.abs(ratio).toFixed(1)}%`;
}

export function exportUrl(unitId: number, period: string): string {
  return `/api/org/staffing/export.xlsx?${new URLSearchParams({ unit_id: String(unitId), period })}`;
}

type GrantLike = Pick<GrantRead, 'right' | 'unit_path' | 'mode'>;

/** The unit the page opens on: the first unit, top down, the user may view (the company for its leaders, their own
 * team for a specialist). */
export function defaultUnit(tree: UnitTree[] | undefined, grants: readonly GrantLike[] | undefined): number | undefined {
  const queue = [...(tree ?? [])];
  while (queue.length) {
    const unit = queue.shift() as UnitTree;
    if (canOver(grants, 'view', unit.path)) return unit.id;
    queue.push(...(unit.children ?? []));
  }
  return undefined;
}
