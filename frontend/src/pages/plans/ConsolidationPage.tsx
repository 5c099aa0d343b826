import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { Alert, Button, Card, Col, Form, Input, InputNumber, Row, Select, Space, Table, Tag, Typography } from 'antd';
import { useApiFeedback } from '../../app/feedback';
import { useSession } from '../../app/session';
import { exportConsolidationUrl, useAddAdjustment, useConsolidation } from '../../api/planning';
import type { ConsolidationLine } from '../../api/types';
import { consolidationOption, gapColor } from '../../charts/consolidation';
import { EChart } from '../../components/EChart';
import { IndicatorName, useIndicatorLabel } from '../../components/Indicator';
import { QueryState, StatusTag, UnitSelect, flattenTree } from '../../components/common';
import { useUnitTree } from '../../api/org';
import { useT } from '../../i18n';
import { ExportButton } from './ExportButton';
import { PrintButton } from '../../components/PrintButton';
import { PERIOD_RE } from './PlanListPage';
import { AdjustmentsTable } from './PlanVersions';
import { canOver, highestUnitCovered } from '../../app/grants';

const num = (v: number | null) => (v === null ? '—' : v.toLocaleString('zh-CN', { maximumFractionDigits: 2 }));

export default function ConsolidationPage() {
  const { t } = useT();
  const tree = useUnitTree();
  const [params, setParams] = useSearchParams();
  const { me } = useSession();
  // unpicked, the page opens on the highest unit the caller may consolidate, not on the company (a 403 for most)
  const homePath = highestUnitCovered(me?.grants, ['plan', 'view'], { subtreeOnly: true });
  const home = tree.data && homePath ? [...flattenTree(tree.data).values()].find((u) => u.path === homePath)?.id : undefined;
  const unit_id = params.get('unit_id') ? Number(params.get('unit_id')) : home;
  const period = params.get('period') ?? String(new Date().getFullYear());
  const [periodText, setPeriodText] = useState(period);
  const valid = PERIOD_RE.test(period);
  const data = useConsolidation({ unit_id, period: valid ? period : undefined });
  const set = (k: string, v?: string) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v); else next.delete(k);
    setParams(next, { replace: true });
  };
  const lines = data.data?.lines ?? [];
  const { access } = useSession();
  const addAdjustment = useAddAdjustment();
  const feedback = useApiFeedback();
  const [adjForm] = Form.useForm<{ plan_id?: number; indicator_code: string; value: number; reason: string }>();
  // the child plans that contribute to a line: an adjustment names one of them and one of its targets
  const childPlans = useMemo(() => {
    const seen = new Map<number, string>();
    lines.forEach((l) => l.contributors.forEach((c) => { if (c.plan_id !== null && c.plan_id !== undefined) seen.set(c.plan_id, c.label); }));
    return [...seen].map(([value, label]) => ({ value, label }));
  }, [lines]);
  const isCompanyPlanner = tree.data?.some((root) => canOver(me?.grants, 'plan', root.path)) ?? false;
  const label = useIndicatorLabel();
  const option = useMemo(() => consolidationOption(lines.map((l) => ({ ...l, indicator_code: label(l.indicator_code) })), { series: t('plans.ratioSeries') }), [lines, t, label]);
  return (
    <div>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>{t('plans.consolidationTitle')}</Typography.Title>
        <Space wrap>
          <UnitSelect value={unit_id} onChange={(v) => set('unit_id', v === undefined ? undefined : String(v))} style={{ width: 220 }} />
          <Input.Search aria-label={t('plans.period')} value={periodText} onChange={(e) => setPeriodText(e.target.value)} onSearch={(v) => set('period', v.trim())}
            status={PERIOD_RE.test(periodText) ? undefined : 'error'} style={{ width: 160 }} />
          {unit_id !== undefined && valid && <ExportButton url={exportConsolidationUrl(unit_id, period)} filename={`consolidation-${unit_id}-${period}.xlsx`} />}
          {unit_id !== undefined && valid && <PrintButton to={`/print/consolidation?${new URLSearchParams({ unit_id: String(unit_id), period })}`} />}
        </Space>
      </Space>
      {!valid && <Alert type="error" showIcon message={t('plans.periodInvalid')} style={{ marginBottom: 12 }} />}
      <QueryState loading={valid && data.isPending} error={data.error}>
        {data.data && (
          <>
            <Card size="small" style={{ marginBottom: 12 }}>
              <Space wrap>
                <strong>{data.data.unit_name}</strong><span>{data.data.period}</span>
                {data.data.plan ? <><Link to={`/plans/${data.data.plan.id}`}>{data.data.plan.title}</Link><StatusTag status={data.data.plan.status} /></> : <Tag color="orange">{t('plans.noTopPlan')}</Tag>}
                <Tag color="red">{t('plans.gapUnder')}</Tag><Tag color="orange">{t('plans.gapOver')}</Tag><Tag color="green">{t('plans.gapBalanced')}</Tag>
              </Space>
              {data.data.units_missing_plan.length > 0 && (
                <Alert style={{ marginTop: 8 }} type="warning" showIcon message={t('plans.unitsMissingPlan')} description={data.data.units_missing_plan.map((u) => u.name).join('、')} />
              )}
            </Card>
            <Row gutter={12}>
              <Col xs={24} xl={14}>
                <Table<ConsolidationLine> size="small" rowKey="indicator_code" pagination={false} dataSource={lines} locale={{ emptyText: t('plans.noLines') }}
                  onRow={(l) => ({ 'data-gap': l.status, style: { background: l.status === 'under' ? '#fff1f0' : l.status === 'over' ? '#fff7e6' : undefined } }) as React.HTMLAttributes<HTMLElement>}
                  columns={[
                    { title: t('plans.indicator'), dataIndex: 'indicator_code', render: (c: string) => <IndicatorName code={c} /> },
                    { title: t('plans.topDown'), dataIndex: 'reference', align: 'right', render: num },
                    { title: t('plans.bottomUp'), dataIndex: 'combined', align: 'right', render: num },
                    { title: t('plans.gap'), dataIndex: 'gap', align: 'right', render: (v: number | null, l) => <span style={{ color: gapColor(l.status), fontWeight: l.status === 'under' || l.status === 'over' ? 600 : 400 }}>{num(v)}{l.gap_ratio !== null ? ` (${(l.gap_ratio * 100).toFixed(1)}%)` : ''}</span> },
                    { title: t('plans.gapStatus'), dataIndex: 'status', render: (s: string) => <Tag color={gapColor(s)}>{t(`plans.gapStatusValue.${s}`)}</Tag> },
                    { title: t('plans.missing'), dataIndex: 'missing', render: (m: string[]) => m.join('、') || '—' },
                  ]}
                  expandable={{ rowExpandable: (l) => l.contributors.length > 0, expandedRowRender: (l) => (
                    <Space wrap>{l.contributors.map((c) => <Tag key={`${c.label}-${c.plan_id}`}>{c.label}: {num(c.value)}</Tag>)}</Space>
                  ) }}
                />
                {(data.data.adjustments.length > 0 || access.rights.has('plan')) && (
                  <Card size="small" title={t('plans.adjustments')} style={{ marginTop: 12 }}>
                    {access.rights.has('plan') && unit_id !== undefined && (
                      <Form form={adjForm} layout="inline" style={{ marginBottom: 8 }} onFinish={async (v) => {
                        try {
                          await addAdjustment.mutateAsync({ ...v, unit_id, period });
                          adjForm.resetFields();
                          feedback.ok(t('plans.adjustmentAdded'));
                        } catch (err) { feedback.fail(err, adjForm); }
                      }}>
                        <Form.Item name="plan_id" rules={[{ required: true, message: t('plans.planRequired') }]}>
                          <Select style={{ width: 180 }} placeholder={t('plans.childPlan')} options={childPlans} />
                        </Form.Item>
                        <Form.Item name="indicator_code" rules={[{ required: true, message: t('plans.indicatorRequired') }]}>
                          <Select style={{ width: 180 }} placeholder={t('plans.indicator')} options={lines.map((l) => ({ value: l.indicator_code, label: label(l.indicator_code) }))} />
                        </Form.Item>
                        <Form.Item name="value" rules={[{ required: true, message: t('plans.valueRequired') }]}><InputNumber placeholder={t('plans.value')} /></Form.Item>
                        <Form.Item name="reason" rules={[{ required: true, whitespace: true, message: t('plans.reasonRequired') }]}><Input placeholder={t('plans.reason')} style={{ width: 220 }} /></Form.Item>
                        <Button htmlType="submit" loading={addAdjustment.isPending}>{t('plans.addAdjustment')}</Button>
                      </Form>
                    )}
                    <AdjustmentsTable items={data.data.adjustments} canApply={isCompanyPlanner} showPlan />
                  </Card>
                )}
              </Col>
              <Col xs={24} xl={10}>
                <Card size="small" title={t('plans.consolidationChart')}>
                  {option.xAxis.data.length > 0 ? <EChart option={option} height={300} ariaLabel={t('plans.consolidationChart')} /> : <Typography.Text type="secondary">{t('plans.noLines')}</Typography.Text>}
                </Card>
              </Col>
            </Row>
          </>
        )}
      </QueryState>
    </div>
  );
}
