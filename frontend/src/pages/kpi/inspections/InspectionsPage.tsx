/** 实地检查 register: the inspections of units the user may see and those their positions perform; filters,
 * Excel export, and scheduling (assess over the inspected unit; the inspector is an org position). */
import { useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { Button, DatePicker, Form, Input, Modal, Progress, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { DownloadOutlined, PlusOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import {
  inspectionsExportUrl, useInspections, useInspectionTemplates, useScheduleInspection, type InspectionRead,
} from '../../../api/inspections';
import { downloadWithToken } from '../../../api/download';
import { usePositions } from '../../../api/org';
import { useApiFeedback } from '../../../app/feedback';
import { useSession } from '../../../app/session';
import { ErrorAlert, UnitSelect, unitRightRule, useUnitNames } from '../../../components/common';
import { useT } from '../../../i18n';
import { STATUS_COLOR } from './inspectionView';

type ScheduleForm = { template_id: number; unit_id: number; inspector_position_id: number; due: Dayjs; frequency: string; note?: string };

function ScheduleModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useT();
  const { me } = useSession();
  const [form] = Form.useForm<ScheduleForm>();
  const templates = useInspectionTemplates();
  const positions = usePositions();
  const units = useUnitNames();
  const schedule = useScheduleInspection();
  const feedback = useApiFeedback();
  const navigate = useNavigate();
  const positionOptions = useMemo(() => (positions.data?.items ?? []).map((p) => ({
    value: p.id, label: `${p.title}（${units.get(p.unit_id)?.name ?? p.unit_id}）`, title: p.title,
  })), [positions.data, units]);
  return (
    <Modal open={open} title={t('inspections.scheduleTitle')} onCancel={onClose} onOk={() => form.submit()} okText={t('inspections.schedule')} okButtonProps={{ loading: schedule.isPending }} destroyOnHidden>
      <Form form={form} layout="vertical" initialValues={{ frequency: 'once', due: dayjs().add(7, 'day') }} onFinish={async (v) => {
        const position = positionOptions.find((p) => p.value === v.inspector_position_id);
        try {
          const out = await schedule.mutateAsync({
            template_id: v.template_id, unit_id: v.unit_id, inspector_position_id: v.inspector_position_id,
            inspector_title: position?.title ?? '', due: v.due.format('YYYY-MM-DD'),
            frequency: v.frequency as 'once', note: v.note ?? '',
          });
          feedback.ok(t('inspections.scheduled'));
          onClose();
          navigate(`/kpi/inspections/${out.id}`);
        } catch (err) { feedback.fail(err, form); }
      }}>
        <Form.Item name="template_id" label={t('inspections.template')} rules={[{ required: true, message: t('inspections.required') }]}>
          <Select showSearch optionFilterProp="label" loading={templates.isPending}
            options={(templates.data?.items ?? []).map((x) => ({ value: x.id, label: `${x.name}${x.unit_kind ? `（${t(`inspections.unitKinds.${x.unit_kind}`)}）` : ''}` }))} />
        </Form.Item>
        <Form.Item name="unit_id" label={t('inspections.unit')} rules={[{ required: true, message: t('inspections.required') },
          unitRightRule(me?.grants, units, 'assess', t('inspections.needAssess'))]}>
          <UnitSelect />
        </Form.Item>
        <Form.Item name="inspector_position_id" label={t('inspections.inspector')} extra={t('inspections.inspectorHint')} rules={[{ required: true, message: t('inspections.required') }]}>
          <Select showSearch optionFilterProp="label" loading={positions.isPending} options={positionOptions} />
        </Form.Item>
        <Space wrap>
          <Form.Item name="due" label={t('inspections.due')} rules={[{ required: true, message: t('inspections.required') }]}>
            <DatePicker disabledDate={(d) => d.isBefore(dayjs(), 'day')} />
          </Form.Item>
          <Form.Item name="frequency" label={t('inspections.frequency')}>
            <Select style={{ width: 120 }} options={['once', 'weekly', 'monthly', 'quarterly'].map((f) => ({ value: f, label: t(`inspections.frequencies.${f}`) }))} />
          </Form.Item>
        </Space>
        <Form.Item name="note" label={t('inspections.note')}><Input.TextArea rows={2} /></Form.Item>
      </Form>
    </Modal>
  );
}

export default function InspectionsPage() {
  const { t } = useT();
  const { access } = useSession();
  const navigate = useNavigate();
  const feedback = useApiFeedback();
  const [unit, setUnit] = useState<number | undefined>();
  const [status, setStatus] = useState<string | undefined>();
  const [templateId, setTemplateId] = useState<number | undefined>();
  const [mine, setMine] = useState(false);
  const [cursor, setCursor] = useState<string | undefined>();
  const [scheduling, setScheduling] = useState(false);
  const templates = useInspectionTemplates();
  const list = useInspections({ unit_id: unit, status, template_id: templateId, mine: mine || undefined, cursor });
  const reset = () => setCursor(undefined);
  return (
    <div>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>{t('inspections.title')}</Typography.Title>
        <Space wrap>
          <Link to="/kpi/inspection-templates">{t('inspections.templatesTitle')}</Link>
          <Button icon={<DownloadOutlined />} onClick={async () => {
            const err = await downloadWithToken(inspectionsExportUrl({ unit_id: unit, status, template_id: templateId }), t('inspections.exportName'));
            if (err) feedback.fail(err);
          }}>{t('inspections.export')}</Button>
          {access.rights.has('assess') && <Button type="primary" icon={<PlusOutlined />} onClick={() => setScheduling(true)}>{t('inspections.schedule')}</Button>}
        </Space>
      </Space>
      <Space wrap style={{ marginBottom: 12 }}>
        <UnitSelect allowClear value={unit} onChange={(v) => { setUnit(v); reset(); }} style={{ width: 200 }} />
        <Select allowClear placeholder={t('inspections.status')} aria-label={t('inspections.status')} value={status} style={{ width: 120 }}
          onChange={(v) => { setStatus(v); reset(); }}
          options={['scheduled', 'in_progress', 'submitted', 'cancelled'].map((s) => ({ value: s, label: t(`inspections.statuses.${s}`) }))} />
        <Select allowClear placeholder={t('inspections.template')} aria-label={t('inspections.template')} value={templateId} style={{ width: 180 }}
          onChange={(v) => { setTemplateId(v); reset(); }} options={(templates.data?.items ?? []).map((x) => ({ value: x.id, label: x.name }))} />
        <Space size={4}><Switch size="small" checked={mine} onChange={(v) => { setMine(v); reset(); }} aria-label={t('inspections.mineOnly')} />{t('inspections.mineOnly')}</Space>
      </Space>
      <ErrorAlert error={list.error} />
      <Table<InspectionRead> size="small" rowKey="id" loading={list.isPending} dataSource={list.data?.items ?? []} pagination={false} scroll={{ x: 900 }}
        locale={{ emptyText: t('inspections.noInspections') }} data-testid="inspection-register"
        onRow={(r) => ({ onClick: () => navigate(`/kpi/inspections/${r.id}`), style: { cursor: 'pointer' } })}
        columns={[
          { title: t('inspections.unit'), dataIndex: 'unit_name', width: 110, fixed: 'left' },
          { title: t('inspections.template'), dataIndex: 'template_name', render: (v: string, r) => <Link to={`/kpi/inspections/${r.id}`}>{v}</Link> },
          { title: t('inspections.inspector'), dataIndex: 'inspector_title', width: 110 },
          { title: t('inspections.due'), dataIndex: 'due', width: 104, render: (d: string, r) => <span style={{ color: r.overdue ? '#cf1322' : undefined }}>{d}</span> },
          { title: t('inspections.frequency'), dataIndex: 'frequency', width: 76, render: (f: string) => t(`inspections.frequencies.${f}`) },
          { title: t('inspections.status'), dataIndex: 'status', width: 120, render: (s: string, r) => (
            <Space size={2}><Tag color={STATUS_COLOR[s]}>{t(`inspections.statuses.${s}`)}</Tag>{r.overdue && <Tag color="red">{t('inspections.overdue')}</Tag>}</Space>
          ) },
          { title: t('inspections.score'), dataIndex: 'score', width: 70, render: (v: number | null) => (v === null ? '—' : v) },
          { title: t('inspections.items'), width: 150, render: (_, r) => (
            <Space direction="vertical" size={0}>
              <Progress size="small" percent={r.total_items ? Math.round((100 * r.answered_items) / r.total_items) : 0} showInfo={false} />
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('inspections.progress', { done: r.answered_items, total: r.total_items })}
                {r.failed_items > 0 && <> · <span style={{ color: '#cf1322' }}>{t('inspections.failedItems', { n: r.failed_items })}</span></>}
              </Typography.Text>
            </Space>
          ) },
        ]} />
      <Space style={{ marginTop: 8 }}>
        <Button size="small" disabled={!cursor} onClick={() => setCursor(undefined)}>{t('common.previous')}</Button>
        <Button size="small" disabled={!list.data?.next_cursor} onClick={() => setCursor(list.data?.next_cursor ?? undefined)}>{t('common.next')}</Button>
      </Space>
      <ScheduleModal open={scheduling} onClose={() => setScheduling(false)} />
    </div>
  );
}
