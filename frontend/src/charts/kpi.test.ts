import { describe, expect, it } from 'vitest';
import { changeIsGood, fmtChange, fmtNum, fmtRatio, kpiTrendOption, monthsBefore, MONTH_RE, statusColor, statusCounts } from './kpi';

const labels = { actual: '实际', target: '目标', benchmark: '标杆' };

describe('kpi helpers', () => {
  it('counts statuses, unknown ones as none', () => {
    expect(statusCounts([{ status: 'green' }, { status: 'red' }, { status: null }, { status: 'green' }, {}])).toEqual({ green: 2, amber: 0, red: 1, none: 2 });
  });
  it('colours statuses with a grey fallback', () => {
    expect(statusColor('amber')).toBe('#faad14');
    expect(statusColor(null)).toBe('#bfbfbf');
  });
  it('formats numbers, ratios and changes', () => {
    expect(fmtNum(null)).toBe('—');
    expect(fmtNum(1539.674)).toBe('1,539.67');
    expect(fmtRatio(1.0543)).toBe('105.4%');
    expect(fmtRatio(undefined)).toBe('—');
    expect(fmtChange(0.0879)).toBe('+8.8%');
    expect(fmtChange(-0.0097)).toBe('-1.0%');
    expect(fmtChange(null)).toBe('—');
  });
  it('judges a change by the indicator direction', () => {
    expect(changeIsGood(0.1, 'higher_better')).toBe(true);
    expect(changeIsGood(0.1, 'lower_better')).toBe(false);
    expect(changeIsGood(-0.1, 'lower_better')).toBe(true);
    expect(changeIsGood(0, 'higher_better')).toBeNull();
    expect(changeIsGood(0.1, 'target_band')).toBeNull();
  });
  it('steps back over year boundaries', () => {
    expect(monthsBefore('2026-10', 11)).toBe('2025-11');
    expect(monthsBefore('2026-01', 1)).toBe('2025-12');
    expect(monthsBefore('2026-12', 0)).toBe('2026-12');
    expect(monthsBefore('2026', 3)).toBe('2026');
    expect(MONTH_RE.test('2026-10')).toBe(true);
    expect(MONTH_RE.test('2026-13')).toBe(false);
  });
});

describe('kpiTrendOption', () => {
  const points = [
    { period: '2026-08', actual: 88, target: 85 },
    { period: '2026-09', actual: null, target: 85 },
    { period: '2026-10', actual: 90, target: 85 },
  ];
  it('draws actual, target and benchmark over the periods', () => {
    const o = kpiTrendOption(points, { benchmark: 86, unit: '%' }, labels);
    expect(o.xAxis.data).toEqual(['2026-08', '2026-09', '2026-10']);
    expect(o.series.map((s) => s.name)).toEqual(['实际', '目标', '标杆']);
    expect(o.series[0].data).toEqual([88, null, 90]);
    expect(o.series[1].data).toEqual([85, 85, 85]);
    expect(o.series[2].data).toEqual([86, 86, 86]);
    expect(o.legend.data).toEqual(['实际', '目标', '标杆']);
    expect(o.yAxis.name).toBe('%');
  });
  it('draws the benchmark over its own period only', () => {
    const o = kpiTrendOption([{ period: '2025-12', actual: 1, target: null }, ...points], { benchmark: 86, benchmarkPeriod: '2026' }, labels);
    expect(o.series.find((s) => s.name === '标杆')?.data).toEqual([null, 86, 86, 86]);
  });
  it('leaves out target and benchmark when there are none', () => {
    const o = kpiTrendOption(points.map((p) => ({ ...p, target: null })), { benchmark: null }, labels);
    expect(o.series.map((s) => s.name)).toEqual(['实际']);
  });
});
