import { consolidationOption, taskProgressOption } from './consolidation';
import { kpiTrendOption } from './kpi';
import { chartTable } from './table';

describe('a chart as a data table', () => {
  it('lists a trend per period with one column per series, a gap as a dash', () => {
    const option = kpiTrendOption(
      [{ period: '2026-01', actual: 91.5, target: 90 }, { period: '2026-02', actual: null, target: 90 }] as never,
      {},
      { actual: '实际', target: '目标', benchmark: '标杆' },
    );
    expect(chartTable(option)).toEqual({
      columns: ['实际', '目标'],
      rows: [{ category: '2026-01', values: ['91.5', '90'] }, { category: '2026-02', values: ['—', '90'] }],
    });
  });

  it('reads the category axis whichever way the bars lie, with the tooltip\'s unit', () => {
    const option = taskProgressOption([{ title: '完成问卷', progress: 40, overdue: false }, { title: '写报告', progress: 100, overdue: true }], '进度');
    expect(chartTable(option)).toEqual({ columns: ['进度'], rows: [{ category: '完成问卷', values: ['40%'] }, { category: '写报告', values: ['100%'] }] });
  });

  it('is empty for an empty chart', () => {
    expect(chartTable(consolidationOption([], { series: '汇总/目标' })).rows).toEqual([]);
    expect(chartTable(undefined)).toEqual({ columns: [], rows: [] });
  });
});
