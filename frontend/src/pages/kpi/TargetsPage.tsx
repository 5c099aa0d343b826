/** 目标管理: the targets the dashboard measures against, per indicator, unit and period. Most arrive
 * from issued plans (the source says which plan and version); holders of plan over a unit set and
 * change its targets here. A change sends the row's version as If-Match, so a revised plan or a
 * colleague's change made meanwhile is refused, not overwritten; every value a target had is kept. */
import { useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { Button, Form, Input, InputNumber, List, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { useCreateKpiTarget, useKpiTargetHistory, useKpiTargets, useUpdateKpiTarget } from '../../api/kpi';
import { useUsers } from '../../api/org';
import type { KpiTargetRead } from '../../api/types';
import { fmtNum } from '../../charts/kpi';
import { useApiFeedback } from '../../app/feedback';
import { canOver } from '../../app/grants';
import { useSession } from '../../app/session';
import { IndicatorName, useIndicatorOptions } from '../../components/Indicator';
import { ErrorAlert, UnitSelect, unitRightRule, useUnitNames } from '../../components/common';
import { useT } from '../../i18n';
import { isPeriod, periodRule } from './period';

type Values = { indicator_code?: string; unit_id?: number; period?: string; value?: number; note?: string };

/** Who changed a target, in words: a plan, a person of the org, or the demo seed. */
function useChangedBy(): (by: string) => string {
  const { t } = useT();
  const users = useUsers();
  return (by) => {
    const plan = /^plan:(\d+)$/.exec(by);
    if (plan) return t('kpi.targets.byPlan', { id: plan[1] });
    return users.data?.items.find((u) => String(u.id) === by)?.display_name ?? (by === 'demo' ? t('kpi.targets.byDemo') : by);
  };
}

function SourceTag({ target }: { target: Pick<KpiTargetRead, 'source' | 'plan_id' | 'plan_version'> }) {
  const { t } = useT();
  if (target.source === 'plan' && target.plan_id) {
    return <Link to={`/plans/${target.plan_id}`}><Tag color="blue">{t('kpi.targets.fromPlan', { id: target.plan_id, v: target.plan_version ?? 1 })}</Tag></Link>;
  }
  return <Tag>{t('kpi.targets.manual')}</Tag>;
}

function TargetHistory({ target }: { target: KpiTargetRead }) {
  const { t } = useT();
  const history = useKpiTargetHistory(target.id);
  const by = useChangedBy();
  return (
    <div data-testid="target-history">
      <ErrorAlert error={history.error} />
      <List size="small" loading={history.isPending} dataSource={[...(history.data?.items ?? [])].reverse()}
        renderItem={(h) => (
          <List.Item>
            <Space wrap size={8}>
              <Typography.Text strong>{h.previous_value === null ? fmtNum(h.value) : `${fmtNum(h.previous_value)} → ${fmtNum(h.value)}`}</Typography.Text>
              <SourceTag target={h} />
              {h.note && <span>{h.note}</span>}
              <Typography.Text type="secondary">{by(h.changed_by)} · {dayjs(h.changed_at).format('YYYY-MM-DD HH:mm')}</Typography.Text>
            </Space>
          </List.Item>
        )} locale={{ emptyText: t('kpi.targets.noHistory') }} />
    </div>
  );
}

function TargetFormModal({ open, editing, defaults, onClose }: {
  open: boolean; editing: KpiTargetRead | null; defaults: { unit_id?: number; period?: string }; onClose: () => void;
}) {
  const { t } = useT();
  const { me } = useSession();
  const [form] = Form.useForm<Values>();
  const create = useCreateKpiTarget();
  const update = useUpdateKpiTarget();
  const feedback = useApiFeedback();
  const indicators = useIndicatorOptions(); // derived ones too: a ratio has a target like any other
  const units = useUnitNames();
  const unitOf = (code?: string) => indicators.find(code)?.unit ?? '';
  const code = Form.useWatch('indicator_code', form);

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    if (editing) form.setFieldsValue({ value: editing.value, note: '' });
    else form.setFieldsValue({ unit_id: defaults.unit_id, period: defaults.period });
  }, [open, editing, defaults, form]);

  const submit = async (v: Values) => {
    try {
      if (editing) {
        await update.mutateAsync({ target: editing, body: { value: v.value as number, note: v.note?.trim() ?? '' } });
        feedback.ok(t('kpi.targets.saved'));
      } else {
        await create.mutateAsync({ indicator_code: v.indicator_code as string, unit_id: v.unit_id as number,
          period: (v.period as string).trim(), value: v.value as number, note: v.note?.trim() ?? '' });
        feedback.ok(t('kpi.targets.created'));
      }
      onClose();
    } catch (err) {
      feedback.fail(err, form);
    }
  };

  return (
    <Modal open={open} title={editing ? t('kpi.targets.editTitle') : t('kpi.targets.newTitle')} onCancel={onClose} onOk={() => form.submit()}
      okButtonProps={{ loading: create.isPending || update.isPending }} destroyOnHidden width={520}>
      {editing && (
        <Space direction="vertical" size={4} style={{ marginBottom: 12 }}>
          <span><IndicatorName code={editing.indicator_code} /> · {units.get(editing.unit_id)?.name ?? editing.unit_id} · {editing.period}</span>
          {editing.source === 'plan' && <Typography.Text type="secondary">{t('kpi.targets.planHint')}</Typography.Text>}
        </Space>
      )}
      <Form form={form} layout="vertical" onFinish={(v) => void submit(v)} requiredMark>
        {!editing && (
          <>
            <Form.Item name="indicator_code" label={t('kpi.indicator')} rules={[{ required: true, message: t('kpi.indicatorRequired') }]}>
              <Select showSearch optionFilterProp="label" options={indicators.options} loading={indicators.loading} />
            </Form.Item>
            <Form.Item name="unit_id" label={t('common.unit')} rules={[
              { required: true, message: t('common.chooseUnit') },
              unitRightRule(me?.grants, units, 'plan', t('kpi.targets.noPlanRight')),
            ]}>
              <UnitSelect />
            </Form.Item>
            <Form.Item name="period" label={t('kpi.period')} rules={[
              { required: true, whitespace: true, message: t('kpi.periodRequired') },
              periodRule(t('kpi.periodFormat')),
            ]}>
              <Input placeholder="2027" />
            </Form.Item>
          </>
        )}
        <Form.Item name="value" label={t('kpi.targets.value')} rules={[{ required: true, message: t('kpi.targets.valueRequired') }]}>
          <InputNumber style={{ width: '100%' }} addonAfter={unitOf(editing?.indicator_code ?? code) || undefined} />
        </Form.Item>
        <Form.Item name="note" label={editing ? t('kpi.targets.reason') : t('kpi.note')} rules={[{ max: 2000, message: t('kpi.tooLong', { n: 2000 }) }]}>
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export default function TargetsPage() {
  const { t } = useT();
  const { me, access } = useSession();
  const [unit, setUnit] = useState<number | undefined>();
  const [period, setPeriod] = useState<string>(String(dayjs().year()));
  const [periodText, setPeriodText] = useState<string>(period);
  const [indicator, setIndicator] = useState<string | undefined>();
  const [cursor, setCursor] = useState<string | undefined>();
  const list = useKpiTargets({ unit_id: unit, period: period || undefined, indicator_code: indicator, cursor });
  const indicators = useIndicatorOptions();
  const units = useUnitNames();
  const by = useChangedBy();
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<KpiTargetRead | null>(null);
  const defaults = useMemo(() => ({ unit_id: unit, period: period || undefined }), [unit, period]);
  const unitOf = (code: string) => indicators.find(code)?.unit ?? '';
  const canEdit = (row: KpiTargetRead) => canOver(me?.grants, 'plan', row.unit_path);
  const periodOk = !periodText.trim() || isPeriod(periodText);
  const applyPeriod = () => { if (periodOk) { setPeriod(periodText.trim()); setCursor(undefined); } };

  return (
    <div>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>{t('kpi.targets.title')}</Typography.Title>
        <Space wrap>
          <UnitSelect allowClear value={unit} onChange={(v) => { setUnit(v); setCursor(undefined); }} style={{ width: 200 }} />
          <Input.Search aria-label={t('kpi.period')} placeholder={t('kpi.targets.anyPeriod')} value={periodText} status={periodOk ? undefined : 'error'}
            onChange={(e) => setPeriodText(e.target.value)} onSearch={applyPeriod} onBlur={applyPeriod} allowClear style={{ width: 150 }} />
          <Select allowClear showSearch optionFilterProp="label" placeholder={t('kpi.indicator')} aria-label={t('kpi.indicator')} value={indicator}
            onChange={(v) => { setIndicator(v); setCursor(undefined); }} style={{ width: 180 }}
            options={indicators.options} />
          {access.rights.has('plan') && <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>{t('kpi.targets.newTarget')}</Button>}
        </Space>
      </Space>
      {!periodOk && <Typography.Text type="danger" style={{ display: 'block', marginBottom: 8 }}>{t('kpi.periodFormat')}</Typography.Text>}
      <ErrorAlert error={list.error} />
      <Table<KpiTargetRead> size="small" rowKey="id" loading={list.isPending} dataSource={list.data?.items ?? []} pagination={false} scroll={{ x: 980 }}
        locale={{ emptyText: t('kpi.targets.none') }}
        expandable={{ expandedRowRender: (row) => <TargetHistory target={row} /> }}
        columns={[
          { title: t('kpi.indicator'), dataIndex: 'indicator_code', render: (c: string) => <IndicatorName code={c} /> },
          { title: t('common.unit'), dataIndex: 'unit_id', width: 130, render: (id: number) => units.get(id)?.name ?? id },
          { title: t('kpi.period'), dataIndex: 'period', width: 90 },
          { title: t('kpi.targets.value'), dataIndex: 'value', width: 130, align: 'right',
            render: (v: number, row) => <span data-testid="target-value">{fmtNum(v)} <Typography.Text type="secondary">{unitOf(row.indicator_code)}</Typography.Text></span> },
          { title: t('kpi.targets.source'), dataIndex: 'source', width: 150, render: (_: string, row) => <SourceTag target={row} /> },
          { title: t('kpi.targets.updated'), dataIndex: 'updated_at', width: 200,
            render: (at: string, row) => <Typography.Text type="secondary">{by(row.updated_by)} · {dayjs(at).format('YYYY-MM-DD HH:mm')}</Typography.Text> },
          { title: '', width: 80, fixed: 'right', render: (_, row) => canEdit(row) && <Button size="small" onClick={() => setEditing(row)}>{t('kpi.targets.change')}</Button> },
        ]} />
      <Space style={{ marginTop: 8 }}>
        <Button size="small" disabled={!cursor} onClick={() => setCursor(undefined)}>{t('common.previous')}</Button>
        <Button size="small" disabled={!list.data?.next_cursor} onClick={() => setCursor(list.data?.next_cursor ?? undefined)}>{t('common.next')}</Button>
      </Space>
      <TargetFormModal open={creating || editing !== null} editing={editing} defaults={defaults}
        onClose={() => { setCreating(false); setEditing(null); }} />
    </div>
  );
}
