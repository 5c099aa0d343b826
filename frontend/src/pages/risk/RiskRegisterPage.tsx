import { useState } from 'react';
import { drillNumber, drillText } from '../../app/drill';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { Button, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useRisks, type RiskFilters } from '../../api/risk';
import type { RiskRead } from '../../api/types';
import { useSession } from '../../app/session';
import { ErrorAlert, UnitSelect } from '../../components/common';
import { useT } from '../../i18n';
import { CATEGORIES, LEVELS, STATUSES, STRATEGIES } from './constants';
import { LevelTag } from './parts';
import { RiskFormModal } from './RiskFormModal';
import { PrintButton } from '../../components/PrintButton';
import { riskRights } from './riskRules';

/** The register's filters as the print view's query string (the page's cursor is not one). */
function printQuery(filters: RiskFilters): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (k !== 'cursor' && v !== undefined && v !== '') q.set(k, String(v));
  const text = q.toString();
  return text ? `?${text}` : '';
}

export default function RiskRegisterPage() {
  const { t } = useT();
  const navigate = useNavigate();
  const [drill] = useSearchParams();
  const [filters, setFilters] = useState<RiskFilters>(() => ({ unit_id: drillNumber(drill, 'unit_id'), level: drillText(drill, 'level') }));
  const [q, setQ] = useState('');
  const risks = useRisks(filters);
  const { me, access } = useSession();
  const [dialog, setDialog] = useState<{ id?: number } | null>(null);
  const mayEdit = (r: RiskRead) => riskRights(r, me?.grants, me?.user.id).edit;
  const set = (patch: Partial<RiskFilters>) => setFilters((f) => ({ ...f, ...patch, cursor: undefined }));
  return (
    <div>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>{t('risk.registerTitle')}</Typography.Title>
        <Space wrap>
          <UnitSelect allowClear value={filters.unit_id} onChange={(v) => set({ unit_id: v })} style={{ width: 190 }} />
          <Select allowClear placeholder={t('risk.category')} aria-label={t('risk.category')} value={filters.category} onChange={(v) => set({ category: v })} style={{ width: 120 }}
            options={CATEGORIES.map((c) => ({ value: c, label: t(`risk.categories.${c}`) }))} />
          <Select allowClear placeholder={t('risk.status')} aria-label={t('risk.status')} value={filters.status} onChange={(v) => set({ status: v })} style={{ width: 110 }}
            options={STATUSES.map((s) => ({ value: s, label: t(`risk.statuses.${s}`) }))} />
          <Select allowClear placeholder={t('risk.level')} aria-label={t('risk.level')} value={filters.level} onChange={(v) => set({ level: v })} style={{ width: 100 }}
            options={LEVELS.map((s) => ({ value: s, label: t(`risk.levels.${s}`) }))} />
          <Select allowClear placeholder={t('risk.strategy')} aria-label={t('risk.strategy')} value={filters.strategy} onChange={(v) => set({ strategy: v })} style={{ width: 100 }}
            options={STRATEGIES.map((s) => ({ value: s, label: t(`risk.strategies.${s}`) }))} />
          <Input.Search allowClear placeholder={t('risk.search')} aria-label={t('risk.search')} value={q} onChange={(e) => setQ(e.target.value)} onSearch={(v) => set({ q: v.trim() || undefined })} style={{ width: 180 }} />
          <PrintButton to={`/print/risks${printQuery(filters)}`} />
          {access.rights.has('plan') && <Button type="primary" icon={<PlusOutlined />} onClick={() => setDialog({})}>{t('risk.newRisk')}</Button>}
        </Space>
      </Space>
      <ErrorAlert error={risks.error} />
      <Table<RiskRead> size="small" rowKey="id" loading={risks.isPending} dataSource={risks.data?.items ?? []} pagination={false} scroll={{ x: 1000 }}
        locale={{ emptyText: t('risk.noRisks') }}
        onRow={(r) => ({ onDoubleClick: () => navigate(`/risk/${r.id}`) })}
        columns={[
          { title: t('risk.title'), dataIndex: 'title', render: (v: string, r) => <Link to={`/risk/${r.id}`}>{v}</Link> },
          { title: t('risk.category'), dataIndex: 'category', width: 90, render: (_: string, r) => r.category_label || t(`risk.categories.${r.category}`) },
          { title: t('common.unit'), dataIndex: 'unit_name', width: 120, render: (n: string | null) => n ?? '—' },
          { title: t('risk.score'), width: 110, render: (_, r) => (r.current ? `${r.current.likelihood} × ${r.current.impact} = ${r.current.score}` : '—') },
          { title: t('risk.level'), dataIndex: 'level', width: 80, render: (l: string | null) => <LevelTag level={l} /> },
          { title: t('risk.status'), dataIndex: 'status', width: 90, render: (s: string) => <Tag>{t(`risk.statuses.${s}`)}</Tag> },
          { title: t('risk.strategy'), dataIndex: 'strategy', width: 80, render: (s: string | null) => (s ? t(`risk.strategies.${s}`) : '—') },
          { title: t('risk.nextReview'), dataIndex: 'next_review_date', width: 110, render: (d: string | null) => d ?? '—' },
          { title: '', key: 'ops', width: 70, fixed: 'right', render: (_, r) => mayEdit(r) && (
            <Button size="small" type="link" onClick={() => setDialog({ id: r.id })} aria-label={t('risk.editNamed', { title: r.title })}>{t('common.edit')}</Button>
          ) },
        ]} />
      <RiskFormModal open={dialog !== null} riskId={dialog?.id} onClose={() => setDialog(null)}
        onSaved={(r) => { if (dialog && dialog.id === undefined) navigate(`/risk/${r.id}`); }} />
      <Space style={{ marginTop: 8 }}>
        <Button size="small" disabled={!filters.cursor} onClick={() => setFilters((f) => ({ ...f, cursor: undefined }))}>{t('common.previous')}</Button>
        <Button size="small" disabled={!risks.data?.next_cursor} onClick={() => setFilters((f) => ({ ...f, cursor: risks.data?.next_cursor ?? undefined }))}>{t('common.next')}</Button>
      </Space>
    </div>
  );
}
