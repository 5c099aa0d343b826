/** A chart's data as a table: the accessible alternative EChart offers beside every chart (a screen
 * reader cannot read a canvas). Reads the category axis and the series of the options built in src/charts. */

type Axis = { type?: string; data?: unknown[] };
type Series = { name?: string; data?: unknown[] };
type Options = { xAxis?: Axis | Axis[]; yAxis?: Axis | Axis[]; series?: Series | Series[]; tooltip?: { valueFormatter?: (v: number) => string } };

export type ChartTable = { columns: string[]; rows: { category: string; values: string[] }[] };

const list = <T,>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function valueOf(point: unknown): number | null {
  const v = point !== null && typeof point === 'object' && 'value' in point ? (point as { value: unknown }).value : point;
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export function chartTable(option: unknown): ChartTable {
  const o = (option ?? {}) as Options;
  const axis = [...list(o.xAxis), ...list(o.yAxis)].find((a) => a.type === 'category' && Array.isArray(a.data));
  const series = list(o.series);
  const format = o.tooltip?.valueFormatter ?? ((v: number) => v.toLocaleString('zh-CN', { maximumFractionDigits: 2 }));
  const categories = (axis?.data ?? []).map((c) => String(c !== null && typeof c === 'object' && 'value' in c ? (c as { value: unknown }).value : c));
  return {
    columns: series.map((s, i) => s.name ?? String(i + 1)),
    rows: categories.map((category, i) => ({
      category,
      values: series.map((s) => {
        const v = valueOf(s.data?.[i]);
        return v === null ? '—' : format(v);
      }),
    })),
  };
}
