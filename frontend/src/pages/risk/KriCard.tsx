/** Key risk indicators of a risk: kpi indicators watched at a unit with warning / critical thresholds. */
import { useState } from 'react';
import { Button, Card, Col, Form, Input, InputNumber, Modal, Popconfirm, Radio, Row, Select, Skeleton, Space, Switch, Table, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useIndicators } from '../../api/kpi';
import { useCreateKri, useDeleteKri, useKri, useKris, useUpdateKri, type KriDirection, type KriRead } from '../../api/risk';
import type { RiskRead } from '../../api/types';
import { useApiFeedback } from '../../app/feedback';
import { fmtNum } from '../../charts/kpi';
import { IndicatorName, useIndicatorLabel, useIndicatorOptions } from '../../components/Indicator';
import { ErrorAlert, UnitSelect, useUnitNames } from '../../components/common';
import { useT } from '../../i18n';
import { FormButtons } from './parts';
import { INDICATOR_CODE, kriDirectionFor, thresholdsOrdered } from './riskRules';

const LEVEL_COLOR: Record<string, string> = { normal: 'green', warning: 'orange', critical: 'red' };

export function KriCard({ risk, mayPlan }: { risk: RiskRead; mayPlan: boolean }) {
  const { t } = useT();
  const kris = useKris(risk.id);
  const units = useUnitNames();
  const feedback = useApiFeedback();
  const remove = useDeleteKri();
  const [editing, setEditing] = useState<{ id?: number } | null>(null);
  return (
    <Card size="small" title={t('risk.kris')} style={{ marginBottom: 12 }} data-testid="risk-kris"
      extra={mayPlan && <Button size="small" icon={<PlusOutlined />} onClick={() => setEditing({})}>{t('risk.addKri')}</Button>}>
      <ErrorAlert error={kris.error} />
      <Table<KriRead> size="small" rowKey="id" loading={kris.isPending} dataSource={kris.data?.items ?? []} pagination={false} scroll={{ x: 640 }}
        locale={{ emptyText: t('risk.noKris') }}
        columns={[
          { title: t('risk.indicator'), dataIndex: 'indicator_code', render: (c: string, k) => (
            <Space direction="vertical" size={0}>
              <IndicatorName code={c} />
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>{units.get(k.unit_id)?.name ?? `#${k.unit_id}`}</Typography.Text>
            </Space>
          ) },
          { title: t('risk.thresholds'), width: 150, render: (_, k) => (
            <span>{t(`risk.directions.${k.direction}`)} {fmtNum(k.warning)} / {fmtNum(k.critical)}{k.unit ? ` ${k.unit}` : ''}</span>
          ) },
          { title: t('risk.lastValue'), width: 110, render: (_, k) => (
            <Space size={4}>
              <span>{k.last_value == null ? '—' : fmtNum(k.last_value)}</span>
              <Tag color={LEVEL_COLOR[k.last_level] ?? 'default'}>{t(`risk.kriLevels.${k.last_level}`)}</Tag>
            </Space>
          ) },
          { title: t('risk.kriActive'), dataIndex: 'active', width: 70, render: (a: boolean) => (a ? t('risk.on') : <Tag>{t('risk.paused')}</Tag>) },
          ...(mayPlan ? [{ title: '', key: 'ops', width: 120, render: (_: unknown, k: KriRead) => (
            <Space size={4}>
              <Button size="small" type="link" onClick={() => setEditing({ id: k.id })}>{t('common.edit')}</Button>
              <Popconfirm title={t('risk.removeKriConfirm')} okText={t('common.remove')} cancelText={t('common.cancel')}
                onConfirm={async () => {
                  try { await remove.mutateAsync(k.id); feedback.ok(t('risk.kriRemoved')); } catch (err) { feedback.fail(err); }
                }}>
                <Button size="small" type="link" danger>{t('common.remove')}</Button>
              </Popconfirm>
            </Space>
          ) }] : []),
        ]} />
      {editing && <KriModal risk={risk} kriId={editing.id} onClose={() => setEditing(null)} />}
    </Card>
  );
}

type KriValues = { indicator_code: string; unit_id: number; unit?: string; warning: number; critical: number; direction: KriDirection; active?: boolean };

function KriModal({ risk, kriId, onClose }: { risk: RiskRead; kriId?: number; onClose: () => void }) {
  const { t } = useT();
  const fresh = useKri(kriId); // read fresh: its ETag goes back as If-Match
  const ready = kriId === undefined || (fresh.data !== undefined && !fresh.isFetching);
  return (
    <Modal open title={kriId ? t('risk.editKri') : t('risk.addKri')} onCancel={onClose} footer={null} width={640} destroyOnHidden>
      <ErrorAlert error={fresh.error} />
      {ready ? <KriForm risk={risk} kri={fresh.data} onClose={onClose} /> : <Skeleton active />}
    </Modal>
  );
}

function KriForm({ risk, kri, onClose }: { risk: RiskRead; kri?: KriRead; onClose: () => void }) {
  const { t } = useT();
  const feedback = useApiFeedback();
  const indicators = useIndicators();
  const indicatorOptions = useIndicatorOptions();
  const label = useIndicatorLabel();
  const create = useCreateKri();
  const update = useUpdateKri();
  const [form] = Form.useForm<KriValues>();
  const units = useUnitNames();
  const initial: Partial<KriValues> = kri
    ? { indicator_code: kri.indicator_code, unit_id: kri.unit_id, unit: kri.unit, warning: kri.warning, critical: kri.critical, direction: kri.direction, active: kri.active }
    : { unit_id: risk.unit_id, direction: 'below', unit: '' };
  const pickIndicator = (code: string) => {
    // prefill from kpi's own thresholds and direction; the user may change them
    const ind = indicators.data?.items.find((i) => i.code === code);
    if (!ind) return;
    form.setFieldsValue({
      unit: ind.unit ?? '', direction: kriDirectionFor(ind.direction),
      ...(ind.warning != null ? { warning: ind.warning } : {}), ...(ind.critical != null ? { critical: ind.critical } : {}),
    });
  };
  return (
    <Form form={form} name="riskKri" layout="vertical" initialValues={initial} onFinish={async (v) => {
      try {
        if (kri) {
          await update.mutateAsync({ id: kri.id, body: { unit: v.unit ?? '', warning: v.warning, critical: v.critical, direction: v.direction, active: v.active ?? true } });
        } else {
          await create.mutateAsync({ risk_id: risk.id, indicator_code: v.indicator_code.trim(), unit_id: v.unit_id, unit: v.unit ?? '', warning: v.warning, critical: v.critical, direction: v.direction });
        }
        feedback.ok(t('risk.kriSaved'));
        onClose();
      } catch (err) { feedback.fail(err, form); }
    }}>
      <Row gutter={12}>
        <Col span={14}>
          <Form.Item name="indicator_code" label={t('risk.indicator')} rules={[
            { required: true, message: t('risk.indicatorRequired') },
            { pattern: INDICATOR_CODE, message: t('risk.indicatorPattern') }, { max: 80, message: t('risk.tooLong', { n: 80 }) },
          ]}>
            <Select showSearch disabled={!!kri} loading={indicators.isPending} optionFilterProp="label" onChange={pickIndicator}
              options={indicatorOptions.options}
              notFoundContent={indicatorOptions.failed ? t('risk.indicatorsUnavailable') : undefined}
              placeholder={kri ? label(kri.indicator_code) : t('risk.pickIndicator')} />
          </Form.Item>
        </Col>
        <Col span={10}>
          {kri ? (
            <Form.Item label={t('risk.watchedUnit')}><Input disabled value={units.get(kri.unit_id)?.name ?? `#${kri.unit_id}`} /></Form.Item>
          ) : (
            <Form.Item name="unit_id" label={t('risk.watchedUnit')} rules={[{ required: true, message: t('risk.unitRequired') }]}>
              <UnitSelect style={{ width: '100%', minWidth: 0 }} />
            </Form.Item>
          )}
        </Col>
      </Row>
      <Form.Item name="direction" label={t('risk.direction')} rules={[{ required: true }]}>
        <Radio.Group optionType="button" options={(['below', 'above'] as const).map((d) => ({ value: d, label: t(`risk.directionLong.${d}`) }))} />
      </Form.Item>
      <Space wrap align="start">
        <Form.Item name="warning" label={t('risk.warningAt')} rules={[{ required: true, message: t('risk.thresholdRequired') }]}>
          <InputNumber style={{ width: 130 }} />
        </Form.Item>
        <Form.Item name="critical" label={t('risk.criticalAt')} dependencies={['warning', 'direction']} rules={[
          { required: true, message: t('risk.thresholdRequired') },
          ({ getFieldValue }) => ({
            validator: (_, v: number | null) => (thresholdsOrdered(getFieldValue('direction'), getFieldValue('warning'), v)
              ? Promise.resolve() : Promise.reject(new Error(t(getFieldValue('direction') === 'below' ? 'risk.criticalBelow' : 'risk.criticalAbove')))),
          }),
        ]}>
          <InputNumber style={{ width: 130 }} />
        </Form.Item>
        <Form.Item name="unit" label={t('risk.measureUnit')} rules={[{ max: 30, message: t('risk.tooLong', { n: 30 }) }]}>
          <Input maxLength={30} style={{ width: 90 }} />
        </Form.Item>
        {kri && <Form.Item name="active" label={t('risk.kriActive')} valuePropName="checked"><Switch /></Form.Item>}
      </Space>
      <FormButtons onCancel={onClose} loading={create.isPending || update.isPending} />
    </Form>
  );
}
