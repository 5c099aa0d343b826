import { describe, expect, it } from 'vitest';
import type { HeatmapCell } from '../api/types';
import { cellRisks, heatmapRows, levelColor, previewLevel } from './risk';

const cell = (likelihood: number, impact: number, risks: HeatmapCell['risks'] = []): HeatmapCell => ({
  likelihood, impact, score: likelihood * impact, level: 'low', count: risks.length, risks,
});

describe('heatmapRows', () => {
  it('puts likelihood 5 on top and impact 1 on the left', () => {
    const cells: HeatmapCell[] = [];
    for (let l = 1; l <= 5; l += 1) for (let i = 1; i <= 5; i += 1) cells.push(cell(l, i));
    const rows = heatmapRows(cells);
    expect(rows.map((r) => r.likelihood)).toEqual([5, 4, 3, 2, 1]);
    expect(rows[0].cells[0]?.impact).toBe(1);
    expect(rows[0].cells[4]?.score).toBe(25);
    expect(rows[4].cells[0]?.score).toBe(1);
  });
  it('leaves missing cells empty', () => {
    const rows = heatmapRows([cell(2, 3)]);
    expect(rows[3].cells[2]?.score).toBe(6);
    expect(rows[0].cells.every((c) => c === null)).toBe(true);
  });
});

describe('cellRisks and levels', () => {
  it('lists a cell risks, skipping malformed entries', () => {
    expect(cellRisks(cell(2, 5, [{ id: 3, title: '燃气泄漏' }, { title: 'no id' }]))).toEqual([{ id: 3, title: '燃气泄漏' }]);
    expect(cellRisks(null)).toEqual([]);
  });
  it('previews the default matrix level', () => {
    expect(previewLevel(1, 4)).toEqual({ score: 4, level: 'low' });
    expect(previewLevel(3, 3)).toEqual({ score: 9, level: 'medium' });
    expect(previewLevel(2, 5)).toEqual({ score: 10, level: 'high' });
    expect(previewLevel(4, 5)).toEqual({ score: 20, level: 'critical' });
  });
  it('colours levels with a neutral fallback', () => {
    expect(levelColor('critical')).toBe('#ff4d4f');
    expect(levelColor(null)).toBe('#f0f0f0');
  });
});
