import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { Alert, Button, Card, Col, Input, Progress, Row, Space, Statistic, Table, Tabs, Tag, Typography } from 'antd';
import { DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import { executionExportUrl, useBudgetExecution, type ExecutionRow } from '../../../api/budgets';
import { downloadWithToken } from '../../../api/download';
import { useApiFeedback } from '../../../app/feedback';
import { useSession } from '../../../app/session';
import { QueryState, UnitSelect } from '../../../components/common';
import { useT } from '../../../i18n';
import BudgetItemsTab from './BudgetItemsTab';
import { barPercent, defaultBudgetPeriod, fmtRate, fmtYuan, isBudgetPeriod, TONE_COLOR, toneOf } from './execution';

function RateCell({ row, elapsed }: { row: ExecutionRow; elapsed: number }) {
  const { t } = useT();
  const tone = toneOf(row, elapsed);
  return (
    <Space size={6} style={{ minWidth: 150 }}>
      <Progress percent={barPercent(row.rate)} showInfo={false} size="small" strokeColor={TONE_COLOR[tone]} style={{ width: 70, margin: 0 }} />
      <span style={{ color: TONE_COLOR[tone], fontWeight: tone === 'over' ? 600 : undefined }}>{fmtRate(row.rate)}</span>
      {tone === 'over' && <Tag color="red" style={{ marginInlineEnd: 0 }}>{t('budgets.overBudget')}</Tag>}
      {tone === 'ahead' && <Tag color="gold" style={{ marginInlineEnd: 0 }}>{t('budgets.ahead')}</Tag>}
    </Space>
  );
}

/** Every cell of an over-budget row tinted (the fixed first column too: it paints its own background), the
 * total in bold. */
function cellStyle(r: ExecutionRow): React.HTMLAttributes<HTMLElement> {
  if (r.over_budget) return { style: { background: '#fff1f0', fontWeight: r.item_code === 'total' ? 600 : undefined } };
  return r.item_code === 'total' ? { style: { background: '#fafafa', fontWeight: 600 } } : {};
}

function ExecutionTab() {
  const { t } = useT();
  const { me } = useSession();
  const feedback = useApiFeedback();
  const [params, setParams] = useSearchParams();
  const unit_id = params.get('unit_id') ? Number(params.get('unit_id')) : me?.positions[0]?.unit_id;
  const period = params.get('period') ?? defaultBudgetPeriod();
  const [periodText, setPeriodText] = useState(period);
  const valid = isBudgetPeriod(period);
  const exec = useBudgetExecution({ unit_id, period: valid ? period : undefined });
  const set = (k: string, v: string | undefined) => {
    const next = new URLSearchParams(params);
    if (v === undefined || v === '') next.delete(k); else next.set(k, v);
    setParams(next, { replace: true });
  };
  const data = exec.data;
  const elapsed = data?.elapsed ?? 0;
  const exportXlsx = async () => {
    if (unit_id === undefined || !data) return;
    const err = await downloadWithToken(executionExportUrl(unit_id, period), `预算执行表-${data.unit_name}-${period}.xlsx`);
    if (err) feedback.fail(err);
  };
  const rows = data ? [...data.items, { ...data.total, item_code: 'total' }] : [];
  return (
    <div>
      <Space wrap style={{ marginBottom: 12 }}>
        <UnitSelect value={unit_id} onChange={(v) => set('unit_id', v === undefined ? undefined : String(v))} style={{ width: 220 }} />
        <Input.Search aria-label={t('budgets.period')} placeholder="2026-Q4" value={periodText} onChange={(e) => setPeriodText(e.target.value)}
          onSearch={(v) => set('period', v.trim())} status={isBudgetPeriod(periodText) ? undefined : 'error'} style={{ width: 150 }} />
        <Button icon={<DownloadOutlined />} disabled={!data} onClick={() => void exportXlsx()}>{t('budgets.export')}</Button>
      </Space>
      {!valid && <Alert type="error" showIcon message={t('budgets.periodInvalid')} style={{ marginBottom: 12 }} />}
      {unit_id === undefined && <Alert type="info" showIcon message={t('common.chooseUnit')} />}
      <QueryState loading={valid && unit_id !== undefined && exec.isPending} error={exec.error}>
        {data && (
          <>
            {data.total.over_budget && (
              <Alert type="warning" showIcon style={{ marginBottom: 12 }} data-testid="budgets-over-warning"
                message={t('budgets.overWarning', { unit: data.unit_name, period: data.period, rate: fmtRate(data.total.rate) })}
                description={t('budgets.overItems', { items: data.items.filter((r) => r.over_budget).map((r) => r.item_name).join('、') })} />
            )}
            <Row gutter={[12, 12]} style={{ marginBottom: 12 }}>
              <Col xs={12} md={6}><Card size="small"><Statistic title={t('budgets.budgetYuan')} value={fmtYuan(data.total.budget)} /></Card></Col>
              <Col xs={12} md={6}><Card size="small"><Statistic title={t('budgets.actualYuan')} value={fmtYuan(data.total.actual)}
                valueStyle={data.total.over_budget ? { color: TONE_COLOR.over } : undefined} /></Card></Col>
              <Col xs={12} md={6}><Card size="small"><Statistic title={t('budgets.rate')} value={fmtRate(data.total.rate)}
                valueStyle={{ color: TONE_COLOR[toneOf(data.total, elapsed)] }} /></Card></Col>
              <Col xs={12} md={6}><Card size="small"><Statistic title={t('budgets.elapsed')} value={`${(elapsed * 100).toFixed(1)}%`} /></Card></Col>
            </Row>
            {data.budget_holders.length > 0 && (
              <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
                {t('budgets.holders', { units: data.budget_holders.map((h) => h.unit_name).join('、') })}
              </Typography.Paragraph>
            )}
            {data.budget_holders.length === 0 && <Alert type="info" showIcon style={{ marginBottom: 12 }} message={t('budgets.noBudget')} />}
            <Table<ExecutionRow> size="small" rowKey="item_code" dataSource={rows} pagination={false} scroll={{ x: 720 }}
              data-testid="budgets-table"
              onRow={(r) => ({ 'data-over': r.over_budget ? 'true' : undefined } as React.HTMLAttributes<HTMLElement>)}
              columns={[
                { title: t('budgets.item'), dataIndex: 'item_name', fixed: 'left', width: 110, onCell: cellStyle },
                { title: t('budgets.budgetYuan'), dataIndex: 'budget', align: 'right', render: (v: number) => fmtYuan(v), onCell: cellStyle },
                { title: t('budgets.actualYuan'), dataIndex: 'actual', align: 'right', render: (v: number) => fmtYuan(v), onCell: cellStyle },
                { title: t('budgets.rate'), key: 'rate', render: (_: unknown, r) => <RateCell row={r} elapsed={elapsed} />, onCell: cellStyle },
                { title: t('budgets.remainingYuan'), dataIndex: 'remaining', align: 'right', onCell: cellStyle,
                  render: (v: number) => <span style={{ color: v < 0 ? TONE_COLOR.over : undefined }}>{fmtYuan(v)}</span> },
              ]} />
            {data.months.length > 1 && (
              <Card size="small" title={t('budgets.byMonth')} style={{ marginTop: 12 }}>
                <Table size="small" rowKey="period" pagination={false} dataSource={data.months as { period: string; budget: number; actual: number; rate: number | null }[]}
                  scroll={{ x: 480 }}
                  columns={[
                    { title: t('budgets.month'), dataIndex: 'period', width: 90 },
                    { title: t('budgets.budgetYuan'), dataIndex: 'budget', align: 'right', render: (v: number) => fmtYuan(v) },
                    { title: t('budgets.actualYuan'), dataIndex: 'actual', align: 'right', render: (v: number) => fmtYuan(v) },
                    { title: t('budgets.rate'), dataIndex: 'rate', align: 'right',
                      render: (v: number | null) => <span style={{ color: v !== null && v > 100 ? TONE_COLOR.over : undefined }}>{fmtRate(v)}</span> },
                  ]} />
              </Card>
            )}
          </>
        )}
      </QueryState>
    </div>
  );
}

export default function BudgetsPage() {
  const { t } = useT();
  const { access } = useSession();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'items' ? 'items' : 'execution';
  return (
    <div>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 8 }} wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>{t('budgets.title')}</Typography.Title>
        {access.rights.has('plan') && <Link to="/kpi/budgets/import"><Button icon={<UploadOutlined />}>{t('budgets.importActuals')}</Button></Link>}
      </Space>
      <Tabs activeKey={tab} onChange={(k) => { const next = new URLSearchParams(params); if (k === 'items') next.set('tab', 'items'); else next.delete('tab'); setParams(next, { replace: true }); }}
        items={[
          { key: 'execution', label: t('budgets.executionTab'), children: <ExecutionTab /> },
          { key: 'items', label: t('budgets.itemsTab'), children: <BudgetItemsTab /> },
        ]} />
    </div>
  );
}
