/** 手工录入: one measurement typed by hand, sent as a one-item batch so the answer says per item
 * whether it was created, updated, unchanged, superseded or refused (and why). */
import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { Alert, Button, Card, Descriptions, Form, Input, InputNumber, Select, Space, Tag, Typography } from 'antd';
import { UploadOutlined } from '@ant-design/icons';
import { useIndicators, useMeasurementBatch, type BatchResultRead, type MeasurementIn } from '../../api/kpi';
import { useApiFeedback } from '../../app/feedback';
import { useSession } from '../../app/session';
import { UnitSelect, useUnitNames } from '../../components/common';
import { fmtNum } from '../../charts/kpi';
import { IndicatorName, indicatorName } from '../../components/Indicator';
import { useT } from '../../i18n';
import { canOver } from '../../app/grants';
import { dashboardPeriod, isPeriod } from './period';

type Values = { indicator_code?: string; unit_id?: number; period?: string; value?: number; source?: string };

const RESULT_COLOR: Record<string, string> = { created: 'success', updated: 'processing', unchanged: 'default', superseded: 'warning', rejected: 'error' };

export default function MeasurementEntryPage() {
  const { t, locale } = useT();
  const { me } = useSession();
  const [params] = useSearchParams();
  const [form] = Form.useForm<Values>();
  const indicators = useIndicators();
  const units = useUnitNames();
  const batch = useMeasurementBatch();
  const feedback = useApiFeedback();
  const [sent, setSent] = useState<{ item: MeasurementIn; result: BatchResultRead } | null>(null);
  // derived indicators (with a formula) are computed from their inputs and never measured
  const options = useMemo(() => (indicators.data?.items ?? []).filter((i) => i.active && !i.formula)
    .map((i) => ({ value: i.code, label: `${indicatorName(i, locale)}${i.unit ? ` (${i.unit})` : ''}` })), [indicators.data, locale]);
  const unitParam = params.get('unit_id');
  const initial: Values = {
    indicator_code: params.get('indicator') ?? undefined,
    unit_id: unitParam ? Number(unitParam) : me?.positions[0]?.unit_id,
    period: params.get('period') ?? undefined,
    source: 'manual',
  };

  const submit = async (v: Values) => {
    const item: MeasurementIn = { indicator_code: v.indicator_code as string, unit_id: v.unit_id as number, period: (v.period as string).trim(), value: v.value as number, source: (v.source ?? 'manual').trim() };
    try {
      setSent({ item, result: await batch.mutateAsync([item]) });
    } catch (err) {
      setSent(null);
      feedback.fail(err, form);
    }
  };

  const result = sent?.result.results[0];
  const stored = result && result.status !== 'rejected';
  return (
    <div style={{ maxWidth: 760 }}>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>{t('kpi.entryTitle')}</Typography.Title>
        <Link to="/kpi/import"><Button icon={<UploadOutlined />}>{t('kpi.toImport')}</Button></Link>
      </Space>
      <Card size="small" style={{ marginBottom: 12 }}>
        <Typography.Paragraph type="secondary" style={{ marginBottom: 12 }}>{t('kpi.entryHelp')}</Typography.Paragraph>
        <Form form={form} layout="horizontal" labelCol={{ span: 5 }} wrapperCol={{ span: 17 }} initialValues={initial} onFinish={(v) => void submit(v)}>
          <Form.Item name="indicator_code" label={t('kpi.indicator')} rules={[{ required: true, message: t('kpi.indicatorRequired') }]}>
            <Select showSearch optionFilterProp="label" options={options} loading={indicators.isPending} placeholder={t('kpi.searchIndicator')} />
          </Form.Item>
          <Form.Item name="unit_id" label={t('common.unit')} rules={[
            { required: true, message: t('common.chooseUnit') },
            { validator: async (_, id?: number) => { if (id !== undefined && units.size && !canOver(me?.grants, 'plan', units.get(id)?.path)) throw new Error(t('kpi.noPlanRight')); } },
          ]}>
            <UnitSelect />
          </Form.Item>
          <Form.Item name="period" label={t('kpi.period')} extra={t('kpi.periodHelp')} rules={[
            { required: true, whitespace: true, message: t('kpi.periodRequired') },
            { validator: async (_, p?: string) => { if (p && !isPeriod(p)) throw new Error(t('kpi.periodFormat')); } },
          ]}>
            <Input placeholder="2026-10" style={{ width: 180 }} />
          </Form.Item>
          <Form.Item name="value" label={t('kpi.value')} rules={[{ required: true, message: t('kpi.valueRequired') }]}>
            <InputNumber style={{ width: 180 }} />
          </Form.Item>
          <Form.Item name="source" label={t('kpi.source')} extra={t('kpi.sourceHelp')} rules={[{ required: true, whitespace: true, message: t('kpi.sourceRequired') }, { max: 60, message: t('kpi.tooLong', { n: 60 }) }]}>
            <Input maxLength={60} style={{ width: 240 }} />
          </Form.Item>
          <Form.Item wrapperCol={{ offset: 5 }}>
            <Button type="primary" htmlType="submit" loading={batch.isPending}>{t('kpi.saveMeasurement')}</Button>
          </Form.Item>
        </Form>
      </Card>
      {sent && result && (
        <Card size="small" title={t('kpi.entryResult')} data-testid="entry-result">
          <Descriptions size="small" column={2} style={{ marginBottom: 8 }}>
            <Descriptions.Item label={t('kpi.indicator')}><IndicatorName code={sent.item.indicator_code} /></Descriptions.Item>
            <Descriptions.Item label={t('common.unit')}>{units.get(sent.item.unit_id)?.name ?? sent.item.unit_id}</Descriptions.Item>
            <Descriptions.Item label={t('kpi.period')}>{sent.item.period}</Descriptions.Item>
            <Descriptions.Item label={t('kpi.value')}>{fmtNum(sent.item.value)}</Descriptions.Item>
            <Descriptions.Item label={t('kpi.result')}><Tag color={RESULT_COLOR[result.status] ?? 'default'}>{t(`kpi.itemStatus.${result.status}`)}</Tag></Descriptions.Item>
            {sent.result.crossings > 0 && <Descriptions.Item label={t('kpi.crossings')}>{sent.result.crossings}</Descriptions.Item>}
          </Descriptions>
          {(result.errors ?? []).length > 0 && (
            <Alert type="error" showIcon message={t('kpi.entryRejected')}
              description={<ul style={{ margin: 0, paddingInlineStart: 18 }}>{(result.errors ?? []).map((e, i) => <li key={i}>{e.field ? `${e.field}: ` : ''}{e.message}</li>)}</ul>} />
          )}
          {stored && (
            <Link to={`/kpi?unit_id=${sent.item.unit_id}&period=${dashboardPeriod(sent.item.period)}&indicator=${sent.item.indicator_code}`}>{t('kpi.seeOnDashboard')}</Link>
          )}
        </Card>
      )}
    </div>
  );
}
