/** 预警规则: what turns measurements into warnings and follow-ups, and what they are compared with.
 * Unit thresholds override an indicator's warning / critical values for one unit and below (admin
 * over the unit); anomaly rules such as "order delay > 5 days" open an improvement action or a
 * meeting item once per unit and period, and can be turned off; industry benchmarks (行业标杆) are
 * loaded with their source and date (company administrators). Buttons show exactly when the API
 * would accept the click. */
import { useEffect, useState } from 'react';
import { Button, DatePicker, Form, Input, InputNumber, Modal, Popconfirm, Radio, Select, Space, Switch, Table, Tabs, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import {
  useAnomalyRules, useBenchmarks, useCreateAnomalyRule, useCreateBenchmark, useDeleteBenchmark, useDeleteThreshold,
  useKpiThresholds, usePutThreshold, useSwitchAnomalyRule, type ThresholdRead,
} from '../../api/kpi';
import { useApiFeedback } from '../../app/feedback';
import { canOver, isCompanyAdmin } from '../../app/grants';
import { useSession } from '../../app/session';
import { fmtNum } from '../../charts/kpi';
import { IndicatorName, useIndicatorOptions } from '../../components/Indicator';
import { ErrorAlert, UnitSelect, unitRightRule, useUnitNames } from '../../components/common';
import { useT } from '../../i18n';
import { periodRule } from './period';
import { thresholdOrderKey } from './thresholds';

const OPERATORS: Record<string, string> = { gt: '>', gte: '≥', lt: '<', lte: '≤' };

// ---- unit thresholds ---------------------------------------------------------------------------

type ThresholdValues = { indicator_code?: string; unit_id?: number; mode: 'absolute' | 'relative'; warning?: number | null; critical?: number | null };

function ThresholdModal({ open, editing, onClose }: { open: boolean; editing: ThresholdRead | null; onClose: () => void }) {
  const { t } = useT();
  const { me } = useSession();
  const [form] = Form.useForm<ThresholdValues>();
  const put = usePutThreshold();
  const feedback = useApiFeedback();
  const units = useUnitNames();
  const indicators = useIndicatorOptions();
  useEffect(() => {
    if (!open) return;
    form.resetFields();
    form.setFieldsValue(editing ? { ...editing, mode: editing.mode as ThresholdValues['mode'] } : { mode: 'absolute' });
  }, [open, editing, form]);
  const submit = async (v: ThresholdValues) => {
    try {
      await put.mutateAsync({ body: { indicator_code: v.indicator_code as string, unit_id: editing?.unit_id ?? (v.unit_id as number), mode: v.mode,
        warning: v.warning ?? null, critical: v.critical ?? null }, current: editing ?? undefined });
      feedback.ok(t('kpi.alerting.thresholdSaved'));
      onClose();
    } catch (err) { feedback.fail(err, form); }
  };
  return (
    <Modal open={open} title={editing ? t('kpi.alerting.editThreshold') : t('kpi.alerting.newThreshold')} onCancel={onClose} onOk={() => form.submit()}
      okButtonProps={{ loading: put.isPending }} destroyOnHidden width={520}>
      <Form form={form} layout="vertical" onFinish={(v) => void submit(v)} requiredMark>
        <Form.Item name="indicator_code" label={t('kpi.indicator')} rules={[{ required: true, message: t('kpi.indicatorRequired') }]}>
          <Select showSearch optionFilterProp="label" options={indicators.options} loading={indicators.loading} disabled={!!editing} />
        </Form.Item>
        {editing ? (
          <Form.Item label={t('common.unit')}><Input disabled value={units.get(editing.unit_id)?.name ?? String(editing.unit_id)} /></Form.Item>
        ) : (
          <Form.Item name="unit_id" label={t('common.unit')} rules={[
            { required: true, message: t('common.chooseUnit') },
            unitRightRule(me?.grants, units, 'admin', t('kpi.alerting.noAdminRight')),
          ]}>
            <UnitSelect />
          </Form.Item>
        )}
        <Form.Item name="mode" label={t('kpi.indicatorForm.thresholdMode')} tooltip={t('kpi.indicatorForm.thresholdHelp')}>
          <Radio.Group optionType="button" options={(['absolute', 'relative'] as const).map((m) => ({ value: m, label: t(`kpi.thresholdModes.${m}`) }))} />
        </Form.Item>
        <Space size={12} style={{ display: 'flex' }}>
          <Form.Item name="warning" label={t('kpi.indicatorForm.warning')}><InputNumber style={{ width: 200 }} /></Form.Item>
          <Form.Item name="critical" label={t('kpi.indicatorForm.critical')} dependencies={['warning', 'indicator_code']} rules={[({ getFieldValue }) => ({
            validator: async (_, critical?: number | null) => {
              const direction = indicators.find(getFieldValue('indicator_code'))?.direction;
              const key = direction ? thresholdOrderKey(direction, getFieldValue('warning'), critical) : null;
              if (key) throw new Error(t(key));
            },
          })]}>
            <InputNumber style={{ width: 200 }} />
          </Form.Item>
        </Space>
      </Form>
    </Modal>
  );
}

function ThresholdsTab() {
  const { t } = useT();
  const { me, access } = useSession();
  const list = useKpiThresholds();
  const remove = useDeleteThreshold();
  const feedback = useApiFeedback();
  const units = useUnitNames();
  const [open, setOpen] = useState(false);
  const [editing, setEditing] = useState<ThresholdRead | null>(null);
  const canAdmin = (path: string) => canOver(me?.grants, 'admin', path);
  return (
    <div data-testid="rules-thresholds">
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 8 }}>
        <Typography.Text type="secondary">{t('kpi.alerting.thresholdsHelp')}</Typography.Text>
        {access.rights.has('admin') && <Button icon={<PlusOutlined />} onClick={() => { setEditing(null); setOpen(true); }}>{t('kpi.alerting.newThreshold')}</Button>}
      </Space>
      <ErrorAlert error={list.error} />
      <Table<ThresholdRead> size="small" rowKey="id" loading={list.isPending} dataSource={list.data?.items ?? []} pagination={false}
        locale={{ emptyText: t('kpi.alerting.noThresholds') }}
        columns={[
          { title: t('kpi.indicator'), dataIndex: 'indicator_code', render: (c: string) => <IndicatorName code={c} /> },
          { title: t('common.unit'), dataIndex: 'unit_id', width: 160, render: (id: number) => units.get(id)?.name ?? id },
          { title: t('kpi.indicatorForm.thresholdMode'), dataIndex: 'mode', width: 110, render: (m: string) => t(`kpi.thresholdModes.${m}`) },
          { title: t('kpi.thresholds'), width: 150, render: (_, r) => `${fmtNum(r.warning)} / ${fmtNum(r.critical)}` },
          { title: '', width: 150, render: (_, r) => canAdmin(r.unit_path) && (
            <Space size={4}>
              <Button size="small" onClick={() => { setEditing(r); setOpen(true); }}>{t('kpi.edit')}</Button>
              <Popconfirm title={t('kpi.alerting.removeThresholdConfirm')} onConfirm={async () => {
                try { await remove.mutateAsync(r.id); feedback.ok(t('kpi.alerting.thresholdRemoved')); } catch (err) { feedback.fail(err); }
              }}>
                <Button size="small" danger>{t('common.remove')}</Button>
              </Popconfirm>
            </Space>
          ) },
        ]} />
      <ThresholdModal open={open} editing={editing} onClose={() => { setOpen(false); setEditing(null); }} />
    </div>
  );
}

// ---- anomaly rules ------------------------------------------------------------------------------

type RuleValues = { indicator_code?: string; unit_id?: number; operator: 'gt' | 'gte' | 'lt' | 'lte'; value?: number;
  follow_up: 'action' | 'meeting'; title?: string; due_days: number };

function RuleModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useT();
  const { me } = useSession();
  const [form] = Form.useForm<RuleValues>();
  const create = useCreateAnomalyRule();
  const feedback = useApiFeedback();
  const units = useUnitNames();
  const measured = useIndicatorOptions((i) => !i.formula); // rules watch what is measured
  const companyAdmin = isCompanyAdmin(me?.grants);
  useEffect(() => {
    if (open) { form.resetFields(); form.setFieldsValue({ operator: 'gt', follow_up: 'action', due_days: 7 }); }
  }, [open, form]);
  const submit = async (v: RuleValues) => {
    try {
      await create.mutateAsync({ indicator_code: v.indicator_code as string, unit_id: v.unit_id ?? null, operator: v.operator,
        value: v.value as number, follow_up: v.follow_up, title: (v.title ?? '').trim(), due_days: v.due_days });
      feedback.ok(t('kpi.alerting.ruleCreated'));
      onClose();
    } catch (err) { feedback.fail(err, form); }
  };
  return (
    <Modal open={open} title={t('kpi.alerting.newRule')} onCancel={onClose} onOk={() => form.submit()} okButtonProps={{ loading: create.isPending }} destroyOnHidden width={560}>
      <Form form={form} layout="vertical" onFinish={(v) => void submit(v)} requiredMark>
        <Form.Item name="indicator_code" label={t('kpi.indicator')} rules={[{ required: true, message: t('kpi.indicatorRequired') }]}>
          <Select showSearch optionFilterProp="label" options={measured.options} loading={measured.loading} />
        </Form.Item>
        <Form.Item name="unit_id" label={t('kpi.alerting.scope')} extra={t('kpi.alerting.scopeHelp')} rules={[{
          validator: async (_, id?: number) => {
            if (id === undefined ? !companyAdmin : !canOver(me?.grants, 'admin', units.get(id)?.path)) throw new Error(t('kpi.alerting.noAdminRight'));
          },
        }]}>
          <UnitSelect allowClear placeholder={t('kpi.alerting.wholeCompany')} />
        </Form.Item>
        <Space size={12} style={{ display: 'flex' }}>
          <Form.Item name="operator" label={t('kpi.alerting.condition')}>
            <Select style={{ width: 110 }} options={Object.entries(OPERATORS).map(([value, label]) => ({ value, label }))} />
          </Form.Item>
          <Form.Item name="value" label={t('kpi.alerting.value')} rules={[{ required: true, message: t('kpi.alerting.valueRequired') }]}>
            <InputNumber style={{ width: 160 }} />
          </Form.Item>
          <Form.Item name="due_days" label={t('kpi.alerting.dueDays')}>
            <InputNumber min={1} max={365} precision={0} style={{ width: 120 }} />
          </Form.Item>
        </Space>
        <Form.Item name="follow_up" label={t('kpi.alerting.followUp')}>
          <Radio.Group options={(['action', 'meeting'] as const).map((f) => ({ value: f, label: t(`kpi.alerting.followUps.${f}`) }))} />
        </Form.Item>
        <Form.Item name="title" label={t('kpi.alerting.title')} extra={t('kpi.alerting.titleHelp')}
          rules={[{ required: true, whitespace: true, message: t('kpi.titleRequired') }, { max: 200, message: t('kpi.tooLong', { n: 200 }) }]}>
          <Input maxLength={200} placeholder={t('kpi.alerting.titlePlaceholder')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function RulesTab() {
  const { t } = useT();
  const { me, access } = useSession();
  const list = useAnomalyRules();
  const toggle = useSwitchAnomalyRule();
  const feedback = useApiFeedback();
  const units = useUnitNames();
  const [open, setOpen] = useState(false);
  const companyAdmin = isCompanyAdmin(me?.grants);
  const canAdmin = (r: { unit_id: number | null; unit_path: string }) => (r.unit_id === null ? companyAdmin : canOver(me?.grants, 'admin', r.unit_path));
  return (
    <div data-testid="rules-anomaly">
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 8 }}>
        <Typography.Text type="secondary">{t('kpi.alerting.rulesHelp')}</Typography.Text>
        {access.rights.has('admin') && <Button icon={<PlusOutlined />} onClick={() => setOpen(true)}>{t('kpi.alerting.newRule')}</Button>}
      </Space>
      <ErrorAlert error={list.error} />
      <Table size="small" rowKey="id" loading={list.isPending} dataSource={list.data?.items ?? []} pagination={false} locale={{ emptyText: t('kpi.alerting.noRules') }}
        columns={[
          { title: t('kpi.alerting.title'), dataIndex: 'title' },
          { title: t('kpi.indicator'), dataIndex: 'indicator_code', width: 200, render: (c: string) => <IndicatorName code={c} /> },
          { title: t('kpi.alerting.condition'), width: 100, render: (_, r) => `${OPERATORS[r.operator] ?? r.operator} ${fmtNum(r.value)}` },
          { title: t('kpi.alerting.scope'), dataIndex: 'unit_id', width: 130, render: (id: number | null) => (id === null ? t('kpi.alerting.wholeCompany') : units.get(id)?.name ?? id) },
          { title: t('kpi.alerting.followUp'), dataIndex: 'follow_up', width: 110, render: (f: string) => <Tag>{t(`kpi.alerting.followUps.${f}`)}</Tag> },
          { title: t('kpi.alerting.dueDays'), dataIndex: 'due_days', width: 90, render: (d: number) => t('kpi.alerting.days', { n: d }) },
          { title: t('kpi.state'), dataIndex: 'active', width: 100, render: (a: boolean, r) => (canAdmin(r)
            ? <Switch size="small" checked={a} loading={toggle.isPending && toggle.variables?.rule.id === r.id} aria-label={t('kpi.alerting.switchRule', { title: r.title })}
              onChange={async (on) => {
                try { await toggle.mutateAsync({ rule: r, active: on }); feedback.ok(on ? t('kpi.alerting.ruleOn') : t('kpi.alerting.ruleOff')); } catch (err) { feedback.fail(err); }
              }} />
            : (a ? <Tag color="green">{t('kpi.active')}</Tag> : <Tag>{t('kpi.inactive')}</Tag>)) },
        ]} />
      <RuleModal open={open} onClose={() => setOpen(false)} />
    </div>
  );
}

// ---- industry benchmarks ----------------------------------------------------------------------

type BenchmarkValues = { indicator_code?: string; period?: string; value?: number; source?: string; as_of?: Dayjs; note?: string };

function BenchmarkModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useT();
  const [form] = Form.useForm<BenchmarkValues>();
  const create = useCreateBenchmark();
  const feedback = useApiFeedback();
  const indicators = useIndicatorOptions();
  useEffect(() => { if (open) form.resetFields(); }, [open, form]);
  const submit = async (v: BenchmarkValues) => {
    try {
      await create.mutateAsync({ indicator_code: v.indicator_code as string, period: (v.period as string).trim(), value: v.value as number,
        source: (v.source as string).trim(), as_of: (v.as_of as Dayjs).format('YYYY-MM-DD'), note: v.note ?? '' });
      feedback.ok(t('kpi.alerting.benchmarkCreated'));
      onClose();
    } catch (err) { feedback.fail(err, form); }
  };
  return (
    <Modal open={open} title={t('kpi.alerting.newBenchmark')} onCancel={onClose} onOk={() => form.submit()} okButtonProps={{ loading: create.isPending }} destroyOnHidden width={520}>
      <Form form={form} layout="vertical" onFinish={(v) => void submit(v)} requiredMark>
        <Form.Item name="indicator_code" label={t('kpi.indicator')} rules={[{ required: true, message: t('kpi.indicatorRequired') }]}>
          <Select showSearch optionFilterProp="label" options={indicators.options} loading={indicators.loading} />
        </Form.Item>
        <Space size={12} style={{ display: 'flex' }}>
          <Form.Item name="period" label={t('kpi.period')} rules={[
            { required: true, whitespace: true, message: t('kpi.periodRequired') },
            periodRule(t('kpi.periodFormat')),
          ]}>
            <Input placeholder="2026" style={{ width: 140 }} />
          </Form.Item>
          <Form.Item name="value" label={t('kpi.alerting.benchmarkValue')} rules={[{ required: true, message: t('kpi.alerting.valueRequired') }]}>
            <InputNumber style={{ width: 140 }} />
          </Form.Item>
          <Form.Item name="as_of" label={t('kpi.alerting.asOf')} rules={[{ required: true, message: t('kpi.alerting.asOfRequired') }]}>
            <DatePicker style={{ width: 160 }} />
          </Form.Item>
        </Space>
        <Form.Item name="source" label={t('kpi.alerting.benchmarkSource')} rules={[{ required: true, whitespace: true, message: t('kpi.sourceRequired') }, { max: 200, message: t('kpi.tooLong', { n: 200 }) }]}>
          <Input maxLength={200} placeholder={t('kpi.alerting.benchmarkSourcePlaceholder')} />
        </Form.Item>
        <Form.Item name="note" label={t('kpi.note')}><Input.TextArea rows={2} maxLength={2000} /></Form.Item>
      </Form>
    </Modal>
  );
}

function BenchmarksTab() {
  const { t } = useT();
  const { me } = useSession();
  const list = useBenchmarks();
  const remove = useDeleteBenchmark();
  const feedback = useApiFeedback();
  const [open, setOpen] = useState(false);
  const admin = isCompanyAdmin(me?.grants);
  return (
    <div data-testid="rules-benchmarks">
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 8 }}>
        <Typography.Text type="secondary">{t('kpi.alerting.benchmarksHelp')}</Typography.Text>
        {admin && <Button icon={<PlusOutlined />} onClick={() => setOpen(true)}>{t('kpi.alerting.newBenchmark')}</Button>}
      </Space>
      <ErrorAlert error={list.error} />
      <Table size="small" rowKey="id" loading={list.isPending} dataSource={list.data?.items ?? []} pagination={false} locale={{ emptyText: t('kpi.alerting.noBenchmarks') }}
        columns={[
          { title: t('kpi.indicator'), dataIndex: 'indicator_code', render: (c: string) => <IndicatorName code={c} /> },
          { title: t('kpi.period'), dataIndex: 'period', width: 90 },
          { title: t('kpi.alerting.benchmarkValue'), dataIndex: 'value', width: 100, align: 'right', render: (v: number) => fmtNum(v) },
          { title: t('kpi.alerting.benchmarkSource'), dataIndex: 'source' },
          { title: t('kpi.alerting.asOf'), dataIndex: 'as_of', width: 110 },
          ...(admin ? [{ title: '', key: 'remove', width: 80, render: (_: unknown, b: { id: number }) => (
            <Popconfirm title={t('kpi.alerting.removeBenchmarkConfirm')} onConfirm={async () => {
              try { await remove.mutateAsync(b.id); feedback.ok(t('kpi.alerting.benchmarkRemoved')); } catch (err) { feedback.fail(err); }
            }}>
              <Button size="small" danger>{t('common.remove')}</Button>
            </Popconfirm>
          ) }] : []),
        ]} />
      <BenchmarkModal open={open} onClose={() => setOpen(false)} />
    </div>
  );
}

export default function RulesPage() {
  const { t } = useT();
  return (
    <div>
      <Typography.Title level={4} style={{ marginTop: 0 }}>{t('kpi.alerting.pageTitle')}</Typography.Title>
      <Tabs items={[
        { key: 'thresholds', label: t('kpi.alerting.thresholdsTab'), children: <ThresholdsTab /> },
        { key: 'rules', label: t('kpi.alerting.rulesTab'), children: <RulesTab /> },
        { key: 'benchmarks', label: t('kpi.alerting.benchmarksTab'), children: <BenchmarksTab /> },
      ]} />
    </div>
  );
}
