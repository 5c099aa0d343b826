import { describe, expect, it } from 'vitest';
import { countsOption, kindOf, landingPath, money, periodOf, shiftPeriod, startOf, viewableUnits, viewsAUnit } from './cockpit';

const tree = [{ id: 1, name: '华东燃气有限公司', path: '/1/', children: [
  { id: 7, name: '市场部', path: '/1/7/', children: [{ id: 8, name: '市场调研组', path: '/1/7/8/', children: [] }] },
  { id: 10, name: '财务部', path: '/1/10/', children: [] },
] }] as never;

describe('cockpit periods', () => {
  it('writes a day as the month, quarter or year that holds it', () => {
    const day = new Date(2026, 11, 4);
    expect([periodOf('month', day), periodOf('quarter', day), periodOf('year', day)]).toEqual(['2026-12', '2026-Q4', '2026']);
    expect([kindOf('2026'), kindOf('2026-Q1'), kindOf('2026-03'), kindOf('2026-W12')]).toEqual(['year', 'quarter', 'month', null]);
  });

  it('steps across year ends', () => {
    expect(shiftPeriod('2026-12', 1)).toBe('2027-01');
    expect(shiftPeriod('2026-Q1', -1)).toBe('2025-Q4');
    expect(shiftPeriod('2026', -1)).toBe('2025');
    expect(startOf('2026-Q3')).toEqual(new Date(2026, 6, 1));
  });
});

describe('who lands where and which units they may pick', () => {
  it('sends leadership (view over the company) to the cockpit and others to their inbox', () => {
    expect(landingPath([{ right: 'view', unit_path: '/1/', mode: 'subtree' }])).toBe('/cockpit');
    expect(landingPath([{ right: 'view', unit_path: '/1/7/', mode: 'subtree' }])).toBe('/inbox');
    expect(landingPath([{ right: 'plan', unit_path: '/1/', mode: 'subtree' }])).toBe('/inbox');
    expect(viewsAUnit([{ right: 'view', unit_path: '/1/7/', mode: 'subtree' }])).toBe(true);
    expect(viewsAUnit([{ right: 'view', unit_path: '/1/7/8/', mode: 'exact' }])).toBe(false);
  });

  it('offers a department head their department and below, the company only as where it sits', () => {
    const options = viewableUnits(tree, [{ right: 'view', unit_path: '/1/7/', mode: 'subtree' }]);
    expect(options).toEqual([{ value: 1, title: '华东燃气有限公司', disabled: true, children: [
      { value: 7, title: '市场部', children: [{ value: 8, title: '市场调研组' }] }] }]);
    expect(viewableUnits(tree, [])).toEqual([]);
  });
});

describe('figures', () => {
  it('shows money from ten thousand 元 up in 万元', () => {
    expect(money(1_265_000)).toEqual({ value: '126.50', unit: '万元' });
    expect(money(8_000)).toEqual({ value: '8,000', unit: '元' });
  });

  it('draws one coloured bar per count', () => {
    const option = countsOption([{ label: '达标', value: 3, color: '#52c41a' }, { label: '未达标', value: 1, color: '#f5222d' }]) as {
      yAxis: { data: string[] }; series: { data: { value: number; itemStyle: { color: string } }[] }[] };
    expect(option.yAxis.data).toEqual(['达标', '未达标']);
    expect(option.series[0].data.map((d) => [d.value, d.itemStyle.color])).toEqual([[3, '#52c41a'], [1, '#f5222d']]);
  });
});
