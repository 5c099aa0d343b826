/** Risks from the risk register (risk service) that a plan responds to: a picker for the editor, a card for the plan. */
import { useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { Card, List, Select, Space, Spin, Tag, Typography } from 'antd';
import { useQueries, useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import { ApiError } from '../../api/errors';
import type { Page, RiskRead } from '../../api/types';
import { LevelTag } from '../risk/parts';
import { useT } from '../../i18n';

const riskQuery = (id: number) => ({
  queryKey: ['risk', 'risk', { id }],
  queryFn: ({ signal }: { signal: AbortSignal }) => api.get<RiskRead>(`/api/risk/risks/${id}`, undefined, signal),
  retry: false,
  staleTime: 30_000,
});

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const h = setTimeout(() => setV(value), ms);
    return () => clearTimeout(h);
  }, [value, ms]);
  return v;
}

/** Search the register by words in the title; the chosen ids are the value (a Form.Item control). */
export function RiskPicker({ value, onChange, id }: { value?: number[]; onChange?: (v: number[]) => void; id?: string }) {
  const { t } = useT();
  const [text, setText] = useState('');
  const q = useDebounced(text.trim(), 300);
  const search = useQuery({
    queryKey: ['risk', 'risks', { q, limit: 20 }],
    queryFn: ({ signal }) => api.get<Page<RiskRead>>('/api/risk/risks', { q: q || undefined, limit: 20 }, signal),
    staleTime: 30_000,
  });
  const chosen = useQueries({ queries: (value ?? []).map((rid) => riskQuery(rid)) });
  const options = useMemo(() => {
    const seen = new Map<number, RiskRead>();
    for (const c of chosen) if (c.data) seen.set(c.data.id, c.data);
    for (const r of search.data?.items ?? []) seen.set(r.id, r);
    const opts: { value: number; label: string; title: string; risk?: RiskRead }[] = [...seen.values()].map((r) => ({
      value: r.id,
      label: `#${r.id} ${r.title}`,
      title: r.title,
      risk: r,
    }));
    for (const rid of value ?? []) if (!seen.has(rid)) opts.push({ value: rid, label: `#${rid}`, title: `#${rid}` });
    return opts;
  }, [chosen, search.data, value]);
  return (
    <Select<number[]>
      id={id}
      mode="multiple"
      value={value ?? []}
      onChange={(v) => onChange?.(v)}
      showSearch
      filterOption={false}
      onSearch={setText}
      onBlur={() => setText('')}
      loading={search.isFetching}
      placeholder={t('plans.risks.searchPlaceholder')}
      notFoundContent={search.isFetching ? <Spin size="small" /> : t('plans.risks.noneFound')}
      options={options}
      optionRender={(o) => {
        const r = (o.data as { risk?: RiskRead }).risk;
        return r ? (
          <Space size={4} style={{ width: '100%', justifyContent: 'space-between' }}>
            <span>#{r.id} {r.title}</span>
            <Space size={2}><Tag>{r.unit_name ?? r.unit_id}</Tag><LevelTag level={r.level} /></Space>
          </Space>
        ) : <span>{o.label}</span>;
      }}
      style={{ width: '100%' }}
      data-testid="risk-picker"
    />
  );
}

/** The plan's linked risks with their level, and the risks the register itself files under this plan. */
export function LinkedRisksCard({ planId, ids }: { planId: number; ids: number[] }) {
  const { t } = useT();
  const linked = useQueries({ queries: ids.map((rid) => riskQuery(rid)) });
  const filed = useQuery({
    queryKey: ['risk', 'risks', { plan_id: planId }],
    queryFn: ({ signal }) => api.get<Page<RiskRead>>('/api/risk/risks', { plan_id: planId, limit: 50 }, signal),
    retry: false,
  });
  type Row = { id: number; risk?: RiskRead; error?: unknown; loading: boolean; source: 'linked' | 'register' };
  const rows: Row[] = ids.map((rid, i) => ({ id: rid, risk: linked[i]?.data, error: linked[i]?.error, loading: !!linked[i]?.isPending, source: 'linked' }));
  for (const r of filed.data?.items ?? []) if (!ids.includes(r.id)) rows.push({ id: r.id, risk: r, loading: false, source: 'register' });
  return (
    <Card size="small" title={t('plans.risks.title')} style={{ marginTop: 12 }} data-testid="linked-risks">
      <List<Row> size="small" dataSource={rows} loading={filed.isPending && ids.length === 0}
        locale={{ emptyText: t('plans.risks.none') }}
        renderItem={(row) => (
          <List.Item>
            {row.loading ? <Spin size="small" /> : row.risk ? (
              <Space direction="vertical" size={0} style={{ width: '100%' }}>
                <Space size={4} wrap>
                  <Link to={`/risk/${row.id}`}>#{row.id} {row.risk.title}</Link>
                  <LevelTag level={row.risk.level} />
                </Space>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {row.risk.unit_name ?? ''}{row.source === 'register' ? ` · ${t('plans.risks.filedUnderPlan')}` : ''}
                </Typography.Text>
              </Space>
            ) : (
              <Typography.Text type="secondary">
                #{row.id} · {row.error instanceof ApiError && (row.error.status === 404 || row.error.status === 403) ? t('plans.risks.notVisible') : t('plans.risks.unavailable')}
              </Typography.Text>
            )}
          </List.Item>
        )} />
    </Card>
  );
}
