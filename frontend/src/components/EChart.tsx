/** The one ECharts wrapper: pages pass an option built by a pure function in src/charts. Only the
 * charts and components registered here are bundled (echarts/core, not the whole library): a chart
 * needing another series type or component adds it to the `use` list. Pages with charts load this
 * module lazily, so ECharts never weighs on the first screen. Every chart carries its data as a table
 * too (a toggle above the canvas), for screen readers and small screens. */
import { useEffect, useMemo, useRef, useState } from 'react';
import { Button } from 'antd';
import { BarChartOutlined, TableOutlined } from '@ant-design/icons';
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendPlainComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { EChartsCoreOption } from 'echarts/core';
import { chartTable } from '../charts/table';
import { useT } from '../i18n';

echarts.use([BarChart, LineChart, GridComponent, LegendPlainComponent, TooltipComponent, MarkLineComponent, CanvasRenderer]);

function ChartCanvas({ option, height, ariaLabel }: { option: EChartsCoreOption; height: number; ariaLabel: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  useEffect(() => {
    if (!ref.current) return undefined;
    chart.current = echarts.init(ref.current);
    const onResize = () => chart.current?.resize();
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('resize', onResize);
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption(option, true);
  }, [option]);
  return <div ref={ref} role="img" aria-label={ariaLabel} style={{ width: '100%', height }} />;
}

export function ChartDataTable({ option, caption }: { option: EChartsCoreOption; caption: string }) {
  const { t } = useT();
  const table = useMemo(() => chartTable(option), [option]);
  return (
    <div className="yg-chart-table" data-testid="chart-table">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr><th scope="col">{t('shell.chart.category')}</th>{table.columns.map((c) => <th key={c} scope="col">{c}</th>)}</tr>
        </thead>
        <tbody>
          {table.rows.map((r, i) => (
            <tr key={`${r.category}-${i}`}><th scope="row">{r.category}</th>{r.values.map((v, j) => <td key={j}>{v}</td>)}</tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function EChart({ option, height = 280, ariaLabel }: { option: EChartsCoreOption; height?: number; ariaLabel: string }) {
  const { t } = useT();
  const [asTable, setAsTable] = useState(false);
  return (
    <div className="yg-chart">
      <div style={{ display: 'flex', justifyContent: 'flex-end' }}>
        <Button size="small" type="link" aria-pressed={asTable} data-testid="chart-table-toggle"
          icon={asTable ? <BarChartOutlined /> : <TableOutlined />} onClick={() => setAsTable(!asTable)}>
          {asTable ? t('shell.chart.showChart') : t('shell.chart.showTable')}
        </Button>
      </div>
      {asTable
        ? <ChartDataTable option={option} caption={t('shell.chart.tableCaption', { name: ariaLabel })} />
        : <ChartCanvas option={option} height={height} ariaLabel={ariaLabel} />}
    </div>
  );
}
