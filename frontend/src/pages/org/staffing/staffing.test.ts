import { describe, expect, it } from 'vitest';
import { defaultUnit, exportUrl, gap, neededForTarget, periodText, ratioText, staffingStatus, toTree, type StaffingRow } from './staffing';

function row(unit_id: number, depth: number, planned: number | null, actual: number, spare_ratio: number | null): StaffingRow {
  return { unit_id, unit_name: `u${unit_id}`, unit_code: `U${unit_id}`, unit_kind: 'department', parent_id: null, depth,
    planned, plan_period: planned === null ? null : '2026', covered_by: null, actual, vacancies: 0, spare_ratio };
}

describe('staffing', () => {
  it('names the period the API takes for each cadence', () => {
    expect(periodText('month', { year: 2026, month: 3 })).toBe('2026-03');
    expect(periodText('quarter', { year: 2026, month: 12 })).toBe('2026-Q4');
    expect(periodText('quarter', { year: 2026, month: 1 })).toBe('2026-Q1');
    expect(periodText('year', { year: 2026, month: 7 })).toBe('2026');
  });

  it('judges a unit against the 10 % spare-staff ratio', () => {
    expect(staffingStatus(row(1, 0, 36, 40, 11.1), 10)).toBe('ok');
    expect(staffingStatus(row(1, 0, 20, 22, 10), 10)).toBe('ok');
    expect(staffingStatus(row(1, 0, 18, 19, 5.6), 10)).toBe('short');
    expect(staffingStatus(row(1, 0, 65, 62, -4.6), 10)).toBe('understaffed');
    expect(staffingStatus(row(1, 0, null, 8, null), 10)).toBe('noPlan');
    expect(staffingStatus({ ...row(3, 1, null, 9, null), covered_by: 2 }, 10)).toBe('withinParent');
  });

  it('counts the gap and the people still needed for the target', () => {
    expect(gap(row(1, 0, 18, 19, 5.6))).toBe(1);
    expect(gap(row(1, 0, null, 8, null))).toBeNull();
    expect(neededForTarget(row(1, 0, 18, 19, 5.6), 10)).toBe(1); // 18 × 1.1 = 19.8 → 20
    expect(neededForTarget(row(1, 0, 36, 40, 11.1), 10)).toBe(0);
    expect(neededForTarget(row(1, 0, 20, 22, 10), 10)).toBe(0);
    expect(neededForTarget(row(1, 0, 65, 62, -4.6), 10)).toBe(10); // 71.5 → 72
  });

  it('builds the unit tree from the depth-first rows, even with units left out', () => {
    const tree = toTree([row(1, 0, 420, 138, -67), row(2, 1, 36, 40, 11.1), row(3, 2, null, 9, null), row(4, 1, 18, 19, 5.6),
      row(6, 3, null, 2, null)]);
    expect(tree.map((n) => n.unit_id)).toEqual([1]);
    expect(tree[0].children?.map((n) => n.unit_id)).toEqual([2, 4]);
    expect(tree[0].children?.[0].children?.map((n) => n.unit_id)).toEqual([3]);
    // 6 sits two levels below 4 (its parent is not visible): it hangs under 4
    expect(tree[0].children?.[1].children?.map((n) => n.unit_id)).toEqual([6]);
  });

  it('opens on the first unit, top down, the user may view', () => {
    const tree = [{ id: 1, name: 'HDGAS', code: 'HDGAS', kind: 'company', path: '/1/', parent_id: null, children: [
      { id: 7, name: 'MKT', code: 'MKT', kind: 'department', path: '/1/7/', parent_id: 1, children: [
        { id: 8, name: 'MKT-RES', code: 'MKT-RES', kind: 'team', path: '/1/7/8/', parent_id: 7, children: [] }] }] }];
    const grant = (path: string, mode = 'subtree') => ({ right: 'view', unit_path: path, mode });
    expect(defaultUnit(tree as never, [grant('/1/')] as never)).toBe(1);
    expect(defaultUnit(tree as never, [grant('/1/7/8/', 'exact')] as never)).toBe(8);
    expect(defaultUnit(tree as never, [{ right: 'plan', unit_path: '/1/', mode: 'subtree' }] as never)).toBeUndefined();
    expect(defaultUnit(undefined, [grant('/1/')] as never)).toBeUndefined();
  });

  it('writes ratios with their sign and links the export', () => {
    expect(ratioText(11.1)).toBe('+11.1%');
    expect(ratioText(-4.6)).toBe('−4.6%');
    expect(ratioText(0)).toBe('0.0%');
    expect(ratioText(null)).toBe('—');
    expect(exportUrl(7, '2026-Q4')).toBe('/api/org/staffing/export.xlsx?unit_id=7&period=2026-Q4');
  });
});
