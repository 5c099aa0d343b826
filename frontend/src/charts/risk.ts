/** The 5 × 5 risk heat map as a grid model: pure, unit-tested; the page draws it with antd. */
import type { HeatmapCell } from '../api/types';

export const RISK_LEVEL_COLORS: Record<string, string> = {
  low: '#95de64', medium: '#ffd666', high: '#ffa940', critical: '#ff4d4f',
};

export function levelColor(level: string | null | undefined): string {
  return (level && RISK_LEVEL_COLORS[level]) || '#f0f0f0';
}

export const LEVEL_TAG: Record<string, string> = { low: 'green', medium: 'gold', high: 'orange', critical: 'red' };

/** Rows from likelihood 5 (top) down to 1, columns impact 1 → 5; a missing cell is null. */
export function heatmapRows(cells: HeatmapCell[], size = 5): { likelihood: number; cells: (HeatmapCell | null)[] }[] {
  const byKey = new Map(cells.map((c) => [`${c.likelihood}:${c.impact}`, c]));
  const rows = [];
  for (let l = size; l >= 1; l -= 1) {
    const row: (HeatmapCell | null)[] = [];
    for (let i = 1; i <= size; i += 1) row.push(byKey.get(`${l}:${i}`) ?? null);
    rows.push({ likelihood: l, cells: row });
  }
  return rows;
}

/** The risks listed in a heat map cell ({id, title, …} objects from the API). */
export function cellRisks(cell: HeatmapCell | null | undefined): { id: number; title: string; [k: string]: unknown }[] {
  if (!cell) return [];
  return cell.risks
    .filter((r): r is { id: number; title: string } => typeof r.id === 'number')
    .map((r) => ({ ...r, title: typeof r.title === 'string' ? r.title : String(r.id) }));
}

/** Risk score = likelihood × impact, and its level on the default matrix (low 1–4, medium
 * 5–9, high 10–16, critical 20–25): a preview only, the API's answer is what counts. */
export function previewLevel(likelihood: number, impact: number): { score: number; level: string } {
  const score = likelihood * impact;
  const level = score >= 20 ? 'critical' : score >= 10 ? 'high' : score >= 5 ? 'medium' : 'low';
  return { score, level };
}
