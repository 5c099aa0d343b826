/** 专项审计台账: the audits the user may see (view over an audited unit, on the team, or created by
 * them), filtered by stage, unit, year and words, exported to Excel; 立项 for holders of assess. */
import { useState } from 'react';
import { Button, Input, InputNumber, Select, Space, Table, Tag, Typography } from 'antd';
import { DownloadOutlined, PlusOutlined } from '@ant-design/icons';
import { Link, useNavigate } from 'react-router-dom';
import { AUDIT_EXPORT, useAudits, type AuditRead } from '../../../api/audits';
import { downloadWithToken } from '../../../api/download';
import { useApiFeedback } from '../../../app/feedback';
import { useSession } from '../../../app/session';
import { ErrorAlert, UnitSelect } from '../../../components/common';
import { useT } from '../../../i18n';
import { AuditFormModal } from './AuditFormModal';
import { STAGES, STATUS_COLOR } from './auditView';

export default function AuditsPage() {
  const { t } = useT();
  const { access } = useSession();
  const navigate = useNavigate();
  const feedback = useApiFeedback();
  const [status, setStatus] = useState<string | undefined>();
  const [unit, setUnit] = useState<number | undefined>();
  const [year, setYear] = useState<number | undefined>();
  const [q, setQ] = useState<string | undefined>();
  const [cursor, setCursor] = useState<string | undefined>();
  const [creating, setCreating] = useState(false);
  const list = useAudits({ status, unit_id: unit, year, q, cursor });
  const reset = () => setCursor(undefined);
  const exportRegister = async () => {
    const params = new URLSearchParams();
    if (status) params.set('status', status);
    if (year) params.set('year', String(year));
    if (q) params.set('q', q);
    const err = await downloadWithToken(`${AUDIT_EXPORT}${params.size ? `?${params}` : ''}`, t('audits.exportName'));
    if (err) feedback.fail(err);
  };
  return (
    <div>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>{t('audits.registerTitle')}</Typography.Title>
        <Space wrap>
          <Select allowClear placeholder={t('audits.stage')} aria-label={t('audits.stage')} value={status} style={{ width: 140 }}
            onChange={(v) => { setStatus(v); reset(); }} options={STAGES.map((s) => ({ value: s, label: t(`audits.stages.${s}`) }))} />
          <UnitSelect allowClear value={unit} onChange={(v) => { setUnit(v); reset(); }} style={{ width: 180 }} />
          <InputNumber placeholder={t('audits.year')} aria-label={t('audits.year')} min={2000} max={2100} value={year}
            onChange={(v) => { setYear(v ?? undefined); reset(); }} style={{ width: 100 }} />
          <Input.Search allowClear placeholder={t('audits.search')} aria-label={t('audits.search')} style={{ width: 180 }}
            onSearch={(v) => { setQ(v.trim() || undefined); reset(); }} />
          <Button icon={<DownloadOutlined />} onClick={() => void exportRegister()}>{t('audits.export')}</Button>
          {access.rights.has('assess') && <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>{t('audits.new')}</Button>}
        </Space>
      </Space>
      <ErrorAlert error={list.error} />
      <Table<AuditRead> size="small" rowKey="id" loading={list.isPending} dataSource={list.data?.items ?? []} pagination={false} scroll={{ x: 960 }}
        locale={{ emptyText: t('audits.none') }}
        columns={[
          { title: t('audits.title'), dataIndex: 'title', render: (v: string, a) => <Space direction="vertical" size={0}><Link to={`/kpi/audits/${a.id}`}>{v}</Link><Typography.Text type="secondary" style={{ fontSize: 12 }}>{a.topic}</Typography.Text></Space> },
          { title: t('audits.units'), dataIndex: 'units', width: 180, render: (_: unknown, a) => a.units.map((u) => u.unit_name).join('、') },
          { title: t('audits.period'), width: 190, render: (_: unknown, a) => `${a.period_start} ~ ${a.period_end}` },
          { title: t('audits.leader'), width: 100, render: (_: unknown, a) => a.leader.name },
          { title: t('audits.planned'), width: 190, render: (_: unknown, a) => `${a.planned_start} ~ ${a.planned_end}` },
          { title: t('audits.stage'), dataIndex: 'status', width: 150, render: (s: string, a) => (
            <Space size={2} wrap><Tag color={STATUS_COLOR[s] ?? 'default'}>{t(`audits.stages.${s}`)}</Tag>{a.response_overdue && <Tag color="red">{t('audits.responseOverdue')}</Tag>}</Space>
          ) },
        ]} />
      <Space style={{ marginTop: 8 }}>
        <Button size="small" disabled={!cursor} onClick={() => setCursor(undefined)}>{t('common.previous')}</Button>
        <Button size="small" disabled={!list.data?.next_cursor} onClick={() => setCursor(list.data?.next_cursor ?? undefined)}>{t('common.next')}</Button>
      </Space>
      <AuditFormModal open={creating} onClose={() => setCreating(false)} onCreated={(id) => { setCreating(false); navigate(`/kpi/audits/${id}`); }} />
    </div>
  );
}
