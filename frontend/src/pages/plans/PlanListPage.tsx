import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { Button, Card, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { PlusOutlined, UnorderedListOutlined } from '@ant-design/icons';
import { usePlans } from '../../api/planning';
import type { PlanSummary } from '../../api/types';
import { ErrorAlert, StatusTag, UnitSelect, useUnitNames } from '../../components/common';
import { useSession } from '../../app/session';
import { useT } from '../../i18n';

export const PLAN_STATUSES = ['draft', 'submitted', 'returned', 'approved', 'issued', 'published', 'vetoed', 'closed'];
export const PERIOD_RE = /^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$/;

export default function PlanListPage() {
  const { t } = useT();
  const { access } = useSession();
  const [params, setParams] = useSearchParams();
  const unit_id = params.get('unit_id') ? Number(params.get('unit_id')) : undefined;
  const period = params.get('period') ?? undefined;
  const status = params.get('status') ?? undefined;
  const [periodText, setPeriodText] = useState(period ?? '');
  const plans = usePlans({ unit_id, period, status, subtree: unit_id !== undefined ? true : undefined });
  const units = useUnitNames();
  const set = (k: string, v: string | undefined) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v); else next.delete(k);
    setParams(next, { replace: true });
  };
  return (
    <div>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }}>
        <Typography.Title level={4} style={{ margin: 0 }}>{t('plans.listTitle')}</Typography.Title>
        <Space>
          <Link to="/plans/tasks"><Button icon={<UnorderedListOutlined />}>{t('plans.tasksPage.title')}</Button></Link>
          {access.rights.has('plan') && <Link to="/plans/new"><Button type="primary" icon={<PlusOutlined />}>{t('plans.new')}</Button></Link>}
        </Space>
      </Space>
      <Card size="small" style={{ marginBottom: 12 }}>
        <Space wrap>
          <UnitSelect value={unit_id} onChange={(v) => set('unit_id', v === undefined ? undefined : String(v))} allowClear style={{ width: 220 }} />
          <Input.Search
            aria-label={t('plans.period')}
            placeholder={t('plans.periodPlaceholder')}
            value={periodText}
            onChange={(e) => setPeriodText(e.target.value)}
            onSearch={(v) => set('period', v.trim() || undefined)}
            allowClear
            style={{ width: 280 }}
          />
          <Select
            aria-label={t('plans.status.label')}
            allowClear
            placeholder={t('plans.status.label')}
            value={status}
            onChange={(v: string | undefined) => set('status', v)}
            style={{ width: 140 }}
            options={PLAN_STATUSES.map((s) => ({ value: s, label: t(`plans.status.${s}`) }))}
          />
        </Space>
      </Card>
      <ErrorAlert error={plans.error} />
      <Table<PlanSummary>
        size="small"
        rowKey="id"
        loading={plans.isPending}
        dataSource={plans.data?.items ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: t('plans.none') }}
        columns={[
          { title: t('plans.title'), dataIndex: 'title', render: (v: string, p) => <Link to={`/plans/${p.id}`}>{v}</Link> },
          { title: t('common.unit'), dataIndex: 'unit_id', width: 140, render: (id: number) => units.get(id)?.name ?? id },
          { title: t('plans.period'), dataIndex: 'period', width: 100 },
          { title: t('plans.kind.label'), dataIndex: 'kind', width: 80, render: (k: string) => <Tag>{t(`plans.kind.${k}`)}</Tag> },
          { title: t('plans.status.label'), dataIndex: 'status', width: 90, render: (s: string) => <StatusTag status={s} /> },
          { title: t('plans.revision'), dataIndex: 'revision', width: 70, align: 'right' },
          { title: t('plans.updatedAt'), dataIndex: 'updated_at', width: 150, render: (v: string) => v.slice(0, 16).replace('T', ' ') },
        ]}
      />
    </div>
  );
}
