/** 指标库: the indicator system everyone measures with. Company administrators add indicators
 * (with a formula over others, checked by the service) and change them, thresholds included. */
import { useState } from 'react';
import { Button, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useIndicators, type IndicatorRead } from '../../api/kpi';
import { isCompanyAdmin } from '../../app/grants';
import { useSession } from '../../app/session';
import { ErrorAlert } from '../../components/common';
import { indicatorName } from '../../components/Indicator';
import { fmtNum } from '../../charts/kpi';
import { useT } from '../../i18n';
import { IndicatorFormModal } from './IndicatorFormModal';

export default function IndicatorsPage() {
  const { t, locale } = useT();
  const indicators = useIndicators();
  const { me } = useSession();
  const admin = isCompanyAdmin(me?.grants);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<IndicatorRead | null>(null);
  const [category, setCategory] = useState<string | undefined>();
  const [q, setQ] = useState('');
  const items = indicators.data?.items ?? [];
  const categories = Array.from(new Set(items.map((i) => i.category)));
  const needle = q.trim().toLowerCase();
  const shown = items.filter((i) => (!category || i.category === category)
    && (!needle || i.code.toLowerCase().includes(needle) || i.name.includes(q.trim()) || i.name_en.toLowerCase().includes(needle)));
  return (
    <div>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>{t('kpi.indicatorsTitle')}</Typography.Title>
        <Space wrap>
          <Select allowClear placeholder={t('kpi.category')} aria-label={t('kpi.category')} value={category} onChange={setCategory} style={{ width: 160 }}
            options={categories.map((c) => ({ value: c, label: t(`kpi.categories.${c}`) }))} />
          <Input.Search allowClear placeholder={t('kpi.searchIndicator')} aria-label={t('kpi.searchIndicator')} value={q} onChange={(e) => setQ(e.target.value)} style={{ width: 220 }} />
          {admin && <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>{t('kpi.indicatorForm.newIndicator')}</Button>}
        </Space>
      </Space>
      <ErrorAlert error={indicators.error} />
      <Table<IndicatorRead> size="small" rowKey="code" loading={indicators.isPending} dataSource={shown} pagination={{ pageSize: 50, hideOnSinglePage: true }}
        scroll={{ x: 1000 }}
        columns={[
          { title: t('kpi.code'), dataIndex: 'code', width: 230, render: (c: string) => <Typography.Text code>{c}</Typography.Text> },
          { title: t('kpi.name'), dataIndex: 'name', render: (_: string, i) => indicatorName(i, locale) },
          { title: t('kpi.category'), dataIndex: 'category', width: 100, render: (c: string) => t(`kpi.categories.${c}`) },
          { title: t('kpi.unitOfMeasure'), dataIndex: 'unit', width: 80 },
          { title: t('kpi.direction'), dataIndex: 'direction', width: 100, render: (d: string) => t(`kpi.directions.${d}`) },
          { title: t('kpi.aggregation'), dataIndex: 'aggregation', width: 90, render: (a: string) => t(`kpi.aggregations.${a}`) },
          { title: t('kpi.frequency'), dataIndex: 'frequency', width: 70, render: (f: string) => t(`kpi.frequencies.${f}`) },
          { title: t('kpi.formula'), dataIndex: 'formula', ellipsis: true, render: (f: string | null) => (f ? <Typography.Text code>{f}</Typography.Text> : '—') },
          { title: t('kpi.thresholds'), width: 130, render: (_, i) => `${fmtNum(i.warning)} / ${fmtNum(i.critical)}` },
          { title: t('kpi.state'), dataIndex: 'active', width: 80, render: (a: boolean) => (a ? <Tag color="green">{t('kpi.active')}</Tag> : <Tag>{t('kpi.inactive')}</Tag>) },
          ...(admin ? [{ title: '', key: 'edit', width: 80, fixed: 'right' as const,
            render: (_: unknown, i: IndicatorRead) => <Button size="small" onClick={() => setEditing(i)}>{t('kpi.edit')}</Button> }] : []),
        ]} />
      <IndicatorFormModal open={creating || editing !== null} editing={editing} onClose={() => { setCreating(false); setEditing(null); }} />
    </div>
  );
}
