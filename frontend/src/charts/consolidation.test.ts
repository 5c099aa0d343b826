import type { ConsolidationLine } from '../api/types';
import { consolidationOption, GAP_COLORS, gapColor, taskProgressOption } from './consolidation';

type Bar = { value: number | null; itemStyle: { color: string } };

const line = (code: string, reference: number | null, combined: number | null, status: string): ConsolidationLine => ({
  indicator_code: code, aggregation: 'sum', reference, combined, gap: reference !== null && combined !== null ? combined - reference : null,
  gap_ratio: null, status, contributors: [], missing: [],
});

describe('consolidationOption', () => {
  it('shows bottom-up as a percentage of top-down per indicator', () => {
    const opt = consolidationOption([line('sales', 100, 90, 'under'), line('profit', 8, 10, 'over')], { series: 'BU/TD' });
    expect(opt.xAxis.data).toEqual(['sales', 'profit']);
    expect((opt.series[0].data as Bar[]).map((d) => d.value)).toEqual([90, 125]);
    expect(opt.series[0].markLine.data).toEqual([{ yAxis: 100 }]);
  });

  it('colours a short bottom-up red, an excess orange, a balance green', () => {
    const opt = consolidationOption([line('a', 1, 0.5, 'under'), line('b', 1, 2, 'over'), line('c', 1, 1, 'balanced')], { series: 's' });
    expect((opt.series[0].data as Bar[]).map((d) => d.itemStyle.color)).toEqual([GAP_COLORS.under, GAP_COLORS.over, GAP_COLORS.balanced]);
    expect(gapColor('under')).toBe('#f5222d');
    expect(gapColor('no_reference')).toBe(GAP_COLORS.none);
  });

  it('leaves out lines without both values and rotates many labels', () => {
    const opt = consolidationOption([line('a', null, 1, 'no_reference'), line('b', 5, null, 'no_children'), line('c', 0, 1, 'over')], { series: 's' });
    expect(opt.xAxis.data).toEqual([]);
    const many = Array.from({ length: 5 }, (_, i) => line(`k${i}`, 1, 1, 'balanced'));
    expect(consolidationOption(many, { series: 's' }).xAxis.axisLabel.rotate).toBe(30);
    expect(consolidationOption(many.slice(0, 2), { series: 's' }).xAxis.axisLabel.rotate).toBe(0);
  });
});

describe('taskProgressOption', () => {
  it('shows rounded progress with overdue tasks in red', () => {
    const opt = taskProgressOption([{ title: 'A', progress: 33.4, overdue: true }, { title: 'B', progress: 80, overdue: false }], 'Progress');
    expect(opt.yAxis.data).toEqual(['A', 'B']);
    expect(opt.series[0].data).toEqual([
      { value: 33, itemStyle: { color: GAP_COLORS.under } },
      { value: 80, itemStyle: { color: '#1677ff' } },
    ]);
    expect(opt.xAxis.max).toBe(100);
  });
});
