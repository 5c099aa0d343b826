/** What the org import's preview shows: the counts per sheet, each change as text, and what the page may offer. */
import type { OrgImportChange, OrgImportCounts, OrgImportRead } from '../../api/types';

export type SheetKey = 'units' | 'positions' | 'people';
export const SHEETS: SheetKey[] = ['units', 'positions', 'people'];

export type CountRow = { sheet: SheetKey; rows: number; create: number; update: number; unchanged: number; errors: number };

/** One row per sheet, in the workbook's order. */
export function countRows(counts: OrgImportCounts): CountRow[] {
  return SHEETS.map((sheet) => ({ sheet, ...counts[sheet] }));
}

/** What changes in a row, as people read it: "名称：财务部 → 财务管理部"; a new object lists only what it gets. */
export function changeText(change: Pick<OrgImportChange, 'action' | 'fields'>, empty = '—'): string[] {
  return change.fields
    .filter((f) => change.action !== 'create' || (f.after !== null && f.after !== ''))
    .map((f) => (change.action === 'create'
      ? `${f.label}：${f.after ?? empty}`
      : `${f.label}：${f.before === null || f.before === '' ? empty : f.before} → ${f.after === null || f.after === '' ? empty : f.after}`));
}

export type ImportStage = 'errors' | 'nothing' | 'ready' | 'applied' | 'discarded';

/** Where a preview stands: errors block it; a file matching the org has nothing to import. */
export function importStage(item: Pick<OrgImportRead, 'status' | 'errors' | 'changes'>): ImportStage {
  if (item.status === 'applied') return 'applied';
  if (item.status === 'discarded') return 'discarded';
  if (item.errors.length > 0) return 'errors';
  return item.changes.length === 0 ? 'nothing' : 'ready';
}

/** Total changes by kind, for the confirmation: { create, update }. */
export function totals(item: Pick<OrgImportRead, 'changes'>): { create: number; update: number } {
  const create = item.changes.filter((c) => c.action === 'create').length;
  return { create, update: item.changes.length - create };
}

/** Holds 'admin' over a whole company (a top-level unit and all below it): who may export everything and import. */
export function isCompanyAdmin(grants: { right: string; unit_path: string; mode: string }[] | undefined): boolean {
  return (grants ?? []).some((g) => g.right === 'admin' && g.mode === 'subtree' && g.unit_path.split('/').filter(Boolean).length === 1);
}
