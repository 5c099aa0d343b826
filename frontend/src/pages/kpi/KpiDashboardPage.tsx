import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { Alert, Button, Card, Col, Empty, Input, Row, Segmented, Space, Statistic, Tag, Tooltip, Typography } from 'antd';
import { EditOutlined } from '@ant-design/icons';
import { useEvaluations, useSeries } from '../../api/kpi';
import type { EvaluationRow } from '../../api/types';
import { changeIsGood, fmtChange, fmtNum, fmtRatio, kpiTrendOption, monthsBefore, MONTH_RE, statusColor, statusCounts } from '../../charts/kpi';
import { EChart } from '../../components/EChart';
import { QueryState, UnitSelect, useUnitNames } from '../../components/common';
import { useSession } from '../../app/session';
import { useT } from '../../i18n';
import { ActionFormModal, RAISE_RIGHTS, type ActionSeed } from './ActionFormModal';
import { canOver } from '../../app/grants';
import { missingUnits, partial } from './completeness';

/** The previous calendar month ("2026-10" in November 2026): the latest one usually complete. */
function defaultPeriod(): string {
  const d = new Date();
  return monthsBefore(`${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`, 1);
}

function Change({ value, direction, label }: { value: number | null; direction: string; label: string }) {
  const good = changeIsGood(value, direction);
  const color = good === null ? undefined : good ? '#389e0d' : '#cf1322';
  return (
    <span>
      <Typography.Text type="secondary">{label} </Typography.Text>
      <span style={{ color }}>{fmtChange(value)}</span>
    </span>
  );
}

function KpiCard({ row, selected, onSelect }: { row: EvaluationRow; selected: boolean; onSelect: () => void }) {
  const { t, locale } = useT();
  const name = locale === 'zh-CN' ? row.name : row.name_en || row.name;
  const status = row.status ?? 'none';
  return (
    <Card
      size="small"
      hoverable
      tabIndex={0}
      role="button"
      aria-pressed={selected}
      data-testid={`kpi-card-${row.indicator_code}`}
      onClick={onSelect}
      onKeyDown={(e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); onSelect(); } }}
      style={{ borderTop: `4px solid ${statusColor(row.status)}`, outline: selected ? '2px solid #1677ff' : undefined, width: '100%' }}
      styles={{ body: { padding: 10 } }}
    >
      <div style={{ display: 'flex', gap: 6, alignItems: 'flex-start' }}>
        <Typography.Text strong ellipsis style={{ flex: 1, minWidth: 0 }} title={name}>{name}</Typography.Text>
        <Tag color={status === 'none' ? 'default' : status === 'amber' ? 'gold' : status} style={{ marginInlineEnd: 0, flex: 'none' }}>{t(`kpi.status.${status}`)}</Tag>
      </div>
      <div style={{ fontSize: 22, fontWeight: 600, lineHeight: '32px' }}>
        {fmtNum(row.actual)} <Typography.Text type="secondary" style={{ fontSize: 12, fontWeight: 400 }}>{row.unit}</Typography.Text>
      </div>
      {row.completeness.expected > 0 && (
        <Tooltip title={partial(row.completeness) ? t('kpi.missingUnits', { units: row.completeness.missing.map((m) => m.name).join('、') }) : undefined}>
          <div style={{ fontSize: 12 }} data-testid={`kpi-completeness-${row.indicator_code}`}>
            <Typography.Text type={partial(row.completeness) ? 'warning' : 'secondary'}>
              {t('kpi.reportedUnits', { reported: row.completeness.reported, expected: row.completeness.expected })}
            </Typography.Text>
          </div>
        </Tooltip>
      )}
      <div style={{ fontSize: 12 }}>
        <Typography.Text type="secondary">{t('kpi.target')} </Typography.Text>{fmtNum(row.target)}
        <Typography.Text type="secondary" style={{ marginInlineStart: 8 }}>{t('kpi.attainment')} </Typography.Text><strong>{fmtRatio(row.attainment)}</strong>
      </div>
      <div style={{ fontSize: 12 }}>
        <Tooltip title={t('kpi.previousHint', { period: row.previous_period, value: fmtNum(row.previous) })}>
          <span><Change value={row.change_previous} direction={row.direction} label={t('kpi.mom')} /></span>
        </Tooltip>
        <span style={{ marginInlineStart: 8 }} />
        <Tooltip title={t('kpi.lastYearHint', { period: row.last_year_period, value: fmtNum(row.last_year) })}>
          <span><Change value={row.change_last_year} direction={row.direction} label={t('kpi.yoy')} /></span>
        </Tooltip>
      </div>
      {row.benchmark && (
        <Tooltip title={row.benchmark.source}>
          <div style={{ fontSize: 12 }}><Typography.Text type="secondary">{t('kpi.benchmark')} </Typography.Text>{fmtNum(row.benchmark.value)}</div>
        </Tooltip>
      )}
    </Card>
  );
}

function Trend({ row, unitId, period, onRaise }: { row: EvaluationRow; unitId: number; period: string; onRaise?: () => void }) {
  const { t, locale } = useT();
  const from = monthsBefore(period, 23);
  const series = useSeries({ indicator_code: row.indicator_code, unit_id: unitId, from, to: period });
  const option = useMemo(
    () => kpiTrendOption(series.data?.items ?? [], { benchmark: row.benchmark?.value ?? null, benchmarkPeriod: row.benchmark?.period, unit: row.unit }, {
      actual: t('kpi.actual'), target: t('kpi.target'), benchmark: t('kpi.benchmark'),
    }),
    [series.data, row, t],
  );
  const name = locale === 'zh-CN' ? row.name : row.name_en || row.name;
  return (
    <Card size="small" title={t('kpi.trendTitle', { name, from, to: period })}
      extra={onRaise && <Button size="small" onClick={onRaise}>{t('kpi.raiseAction')}</Button>}>
      <QueryState loading={series.isPending} error={series.error} empty={!series.data?.items.length}>
        <EChart option={option} height={300} ariaLabel={t('kpi.trendTitle', { name, from, to: period })} />
      </QueryState>
    </Card>
  );
}

export default function KpiDashboardPage() {
  const { t, locale } = useT();
  const { me, access } = useSession();
  const units = useUnitNames();
  const [params, setParams] = useSearchParams();
  const [raising, setRaising] = useState<ActionSeed | null>(null);
  const unit_id = params.get('unit_id') ? Number(params.get('unit_id')) : me?.positions[0]?.unit_id;
  const period = params.get('period') ?? defaultPeriod();
  const [periodText, setPeriodText] = useState(period);
  // a month, a quarter (the cockpit opens one) or a year
  const valid = MONTH_RE.test(period) || /^\d{4}(-Q[1-4])?$/.test(period);
  const evals = useEvaluations({ unit_id, period: valid ? period : undefined });
  const [filter, setFilter] = useState<'measured' | 'all'>('measured');
  const set = (k: string, v?: string) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v); else next.delete(k);
    setParams(next, { replace: true });
  };
  const all = evals.data?.items ?? [];
  const rows = filter === 'all' ? all : all.filter((r) => r.actual !== null);
  const counts = statusCounts(rows);
  const missing = missingUnits(rows);
  const selectedCode = params.get('indicator') ?? rows.find((r) => r.target !== null)?.indicator_code ?? rows[0]?.indicator_code;
  const selected = rows.find((r) => r.indicator_code === selectedCode) ?? rows[0];
  const canRaise = unit_id !== undefined && canOver(me?.grants, RAISE_RIGHTS, units.get(unit_id)?.path);
  // one action per evaluation row (origin_ref): raising it twice answers 409 and names the first
  const raiseFor = (r: EvaluationRow) => setRaising({
    unit_id, indicator_code: r.indicator_code, period, origin: 'evaluation', origin_ref: `${r.indicator_code}@${unit_id}/${period}`,
    title: t('kpi.evaluationActionTitle', { name: locale === 'zh-CN' ? r.name : r.name_en || r.name, period }),
    description: t('kpi.evaluationActionDescription', { actual: fmtNum(r.actual), target: fmtNum(r.target), attainment: fmtRatio(r.attainment) }),
  });
  return (
    <div>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>{t('kpi.dashboardTitle')}</Typography.Title>
        <Space wrap>
          <UnitSelect value={unit_id} onChange={(v) => set('unit_id', v === undefined ? undefined : String(v))} style={{ width: 220 }} />
          <Input.Search aria-label={t('kpi.period')} placeholder="2026-10" value={periodText} onChange={(e) => setPeriodText(e.target.value)}
            onSearch={(v) => set('period', v.trim())} status={MONTH_RE.test(periodText) || /^\d{4}(-Q[1-4])?$/.test(periodText) ? undefined : 'error'} style={{ width: 150 }} />
          {access.rights.has('plan') && (
            <Link to={`/kpi/measurements/new?${new URLSearchParams({ ...(unit_id !== undefined ? { unit_id: String(unit_id) } : {}), period }).toString()}`}>
              <Button icon={<EditOutlined />}>{t('kpi.manualEntry')}</Button>
            </Link>
          )}
          <Segmented value={filter} onChange={(v) => setFilter(v as 'measured' | 'all')}
            options={[{ value: 'measured', label: t('kpi.onlyMeasured') }, { value: 'all', label: t('kpi.allIndicators') }]} />
        </Space>
      </Space>
      {!valid && <Alert type="error" showIcon message={t('kpi.periodInvalid')} style={{ marginBottom: 12 }} />}
      {unit_id === undefined && <Alert type="info" showIcon message={t('common.chooseUnit')} />}
      <QueryState loading={valid && unit_id !== undefined && evals.isPending} error={evals.error}>
        {evals.data && (
          <>
            {missing.length > 0 && (
              <Alert type="warning" showIcon style={{ marginBottom: 12 }} data-testid="kpi-partial-period"
                message={t('kpi.partialPeriod', { period: evals.data.period, units: missing.join('、') })} />
            )}
            <Row gutter={[12, 12]} style={{ marginBottom: 12 }}>
              {(['green', 'amber', 'red', 'none'] as const).map((s) => (
                <Col key={s} xs={12} md={6}>
                  <Card size="small" style={{ borderInlineStart: `4px solid ${statusColor(s === 'none' ? null : s)}` }}>
                    <Statistic title={t(`kpi.status.${s}`)} value={counts[s]} suffix={t('kpi.indicatorsSuffix')} />
                  </Card>
                </Col>
              ))}
            </Row>
            {rows.length === 0 ? <Empty description={t('kpi.noEvaluations')} /> : (
              <Row gutter={[12, 12]}>
                <Col xs={24} xl={14}>
                  <Row gutter={[8, 8]}>
                    {rows.map((r) => (
                      <Col key={r.indicator_code} xs={24} sm={12} lg={8} style={{ display: 'flex' }}>
                        <KpiCard row={r} selected={r.indicator_code === selected?.indicator_code} onSelect={() => set('indicator', r.indicator_code)} />
                      </Col>
                    ))}
                  </Row>
                </Col>
                <Col xs={24} xl={10}>
                  {selected && unit_id !== undefined && <Trend row={selected} unitId={unit_id} period={MONTH_RE.test(period) ? period : `${period}-12`} onRaise={canRaise ? () => raiseFor(selected) : undefined} />}
                </Col>
              </Row>
            )}
          </>
        )}
      </QueryState>
      <ActionFormModal open={raising !== null} seed={raising ?? undefined} onClose={() => setRaising(null)} />
    </div>
  );
}
