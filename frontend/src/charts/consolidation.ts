/** Chart options as pure functions: data and labels in, an ECharts option out. */
import type { ConsolidationLine, TaskRead } from '../api/types';

export const GAP_COLORS = { balanced: '#52c41a', under: '#f5222d', over: '#fa8c16', none: '#bfbfbf' } as const;

export function gapColor(status: string): string {
  if (status === 'under') return GAP_COLORS.under;
  if (status === 'over') return GAP_COLORS.over;
  if (status === 'balanced') return GAP_COLORS.balanced;
  return GAP_COLORS.none;
}

/** Bottom-up as a percentage of top-down per indicator (indicators differ in unit and size,
 * so one ratio axis compares them), coloured by gap status, with the 100 % line. Lines
 * without both values have no ratio and are left out. */
export function consolidationOption(lines: ConsolidationLine[], labels: { series: string }) {
  const usable = lines.filter((l) => l.reference !== null && l.reference !== 0 && l.combined !== null);
  const codes = usable.map((l) => l.indicator_code);
  return {
    animation: false,
    tooltip: { trigger: 'axis', valueFormatter: (v: number) => `${v}%` },
    grid: { left: 8, right: 24, top: 16, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: codes, axisLabel: { interval: 0, rotate: codes.length > 3 ? 30 : 0 } },
    yAxis: { type: 'value', min: 0, axisLabel: { formatter: '{value}%' } },
    series: [
      {
        name: labels.series,
        type: 'bar',
        barMaxWidth: 32,
        label: { show: true, position: 'top', formatter: '{c}%' },
        itemStyle: { color: GAP_COLORS.balanced },
        data: usable.map((l) => ({
          value: Math.round(((l.combined as number) / (l.reference as number)) * 1000) / 10,
          itemStyle: { color: gapColor(l.status) },
        })),
        markLine: { symbol: 'none', silent: true, lineStyle: { color: '#1677ff', type: 'dashed' }, data: [{ yAxis: 100 }], label: { show: false } },
      },
    ],
  };
}

/** Progress of a plan's tasks, overdue ones in red. */
export function taskProgressOption(tasks: Pick<TaskRead, 'title' | 'progress' | 'overdue'>[], label: string) {
  return {
    animation: false,
    tooltip: { trigger: 'axis', valueFormatter: (v: number) => `${v}%` },
    grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
    yAxis: { type: 'category', data: tasks.map((t) => t.title), inverse: true, axisLabel: { width: 160, overflow: 'truncate' } },
    series: [
      {
        name: label,
        type: 'bar',
        data: tasks.map((t) => ({ value: Math.round(t.progress), itemStyle: { color: t.overdue ? GAP_COLORS.under : '#1677ff' } })),
        barMaxWidth: 14,
      },
    ],
  };
}
