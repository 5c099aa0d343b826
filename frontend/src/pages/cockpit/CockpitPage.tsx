/** 经营驾驶舱: one unit's plan execution, KPIs, 整改, budget and risks for a period, from one call
 * (GET /api/me/cockpit). Every tile opens the page behind it with the same unit and period. */
import { useMemo, type ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { Alert, Button, Card, Col, Empty, List, Progress, Row, Segmented, Space, Statistic, Tag, TreeSelect, Typography } from 'antd';
import { LeftOutlined, RightOutlined } from '@ant-design/icons';
import { useCockpit } from '../../api/cockpit';
import { useUnitTree } from '../../api/org';
import type { KpiCockpit, PlanningCockpit, RiskCockpit } from '../../api/types';
import { useSession } from '../../app/session';
import { EChart } from '../../components/EChart';
import { QueryState } from '../../components/common';
import { useT } from '../../i18n';
import { fmtNum, KPI_STATUS_COLORS } from '../../charts/kpi';
import {
  ALERT_LEVELS, ATTAINMENT_COLORS, countsOption, kindOf, money, percent, periodOf, PERIOD_KINDS, RISK_LEVEL_COLORS, RISK_LEVELS,
  shiftPeriod, viewableUnits, type PeriodKind,
} from './cockpit';

type T = ReturnType<typeof useT>['t'];

function Tile({ title, drill, testId, children, extra }: { title: string; drill: string; testId: string; children: ReactNode; extra?: ReactNode }) {
  const { t } = useT();
  return (
    <Card size="small" title={title} data-testid={testId} style={{ height: '100%' }}
      extra={<Space size="small">{extra}<Link to={drill} data-testid={`${testId}-drill`}>{t('cockpit.drill')}</Link></Space>}>
      {children}
    </Card>
  );
}

function Figures({ items }: { items: { title: string; value: number | string; suffix?: string; danger?: boolean; testId?: string }[] }) {
  return (
    <Row gutter={[8, 8]}>
      {items.map((i) => (
        <Col key={i.title} xs={12} sm={Math.max(6, Math.floor(24 / items.length))}>
          <Statistic title={i.title} value={i.value} suffix={i.suffix} data-testid={i.testId}
            valueStyle={i.danger ? { color: KPI_STATUS_COLORS.red } : undefined} />
        </Col>
      ))}
    </Row>
  );
}

function PlanTiles({ part, t }: { part: PlanningCockpit; t: T }) {
  const { plans, tasks, approvals } = part;
  const live = tasks.total || 1;
  return (
    <>
      <Col xs={24} lg={12}>
        <Tile title={t('cockpit.plans.title')} drill={plans.drill} testId="cockpit-plans"
          extra={<Link to={tasks.drill}>{t('cockpit.plans.taskDrill')}</Link>}>
          <Figures items={[
            { title: t('cockpit.plans.issued'), value: plans.issued },
            { title: t('cockpit.plans.targets'), value: plans.targets },
            { title: t('cockpit.plans.tasks'), value: tasks.total },
            { title: t('cockpit.plans.overdue'), value: tasks.overdue, danger: tasks.overdue > 0, testId: 'cockpit-tasks-overdue' },
          ]} />
          <Progress percent={Math.round(((tasks.done + tasks.on_time) / live) * 100)} success={{ percent: Math.round((tasks.done / live) * 100) }}
            showInfo={false} strokeColor={KPI_STATUS_COLORS.green} trailColor={tasks.overdue ? KPI_STATUS_COLORS.red : undefined}
            aria-label={`${t('cockpit.plans.done')} ${tasks.done} · ${t('cockpit.plans.onTime')} ${tasks.on_time} · ${t('cockpit.plans.overdue')} ${tasks.overdue}`} />
          <Space wrap size="small" style={{ marginBottom: 8 }}>
            <Tag color="green">{t('cockpit.plans.done')} {tasks.done}</Tag>
            <Tag color="blue">{t('cockpit.plans.onTime')} {tasks.on_time}</Tag>
            <Tag color={tasks.overdue ? 'red' : undefined}>{t('cockpit.plans.overdue')} {tasks.overdue}</Tag>
          </Space>
          <Typography.Text type="secondary">{t('cockpit.plans.topOverdue')}</Typography.Text>
          <List size="small" dataSource={tasks.top_overdue} locale={{ emptyText: t('cockpit.plans.noOverdue') }}
            renderItem={(task) => (
              <List.Item extra={<Typography.Text type="danger">{task.due ? t('cockpit.plans.due', { date: task.due }) : ''}</Typography.Text>}>
                <Link to={`/plans/${task.plan_id}`} style={{ minWidth: 0 }}>{task.title}</Link>
                <Typography.Text type="secondary" style={{ marginInlineStart: 8 }}>{task.owner_name}</Typography.Text>
              </List.Item>
            )} />
        </Tile>
      </Col>
      <Col xs={24} lg={12}>
        <Tile title={t('cockpit.approvals.title')} drill={approvals.drill} testId="cockpit-approvals">
          <Figures items={[{ title: t('cockpit.approvals.awaiting'), value: approvals.awaiting }]} />
          <List size="small" dataSource={approvals.top} locale={{ emptyText: t('cockpit.approvals.none') }}
            renderItem={(plan) => (
              <List.Item extra={<Typography.Text type="secondary">{plan.period}</Typography.Text>}>
                <Link to={`/plans/${plan.id}`}>{plan.title}</Link>
                <Typography.Text type="secondary" style={{ marginInlineStart: 8 }}>{plan.unit_name}</Typography.Text>
              </List.Item>
            )} />
        </Tile>
      </Col>
    </>
  );
}

function KpiTiles({ part, t, locale }: { part: KpiCockpit; t: T; locale: string }) {
  const { attainment: a, actions, budget } = part;
  const bars = [
    { label: t('cockpit.kpi.onTarget'), value: a.on_target, color: ATTAINMENT_COLORS.on_target },
    { label: t('cockpit.kpi.warning'), value: a.warning, color: ATTAINMENT_COLORS.warning },
    { label: t('cockpit.kpi.offTarget'), value: a.off_target, color: ATTAINMENT_COLORS.off_target },
    { label: t('cockpit.kpi.notJudged'), value: a.not_judged, color: ATTAINMENT_COLORS.not_judged },
  ];
  const option = useMemo(() => countsOption(bars), [JSON.stringify(bars)]); // eslint-disable-line react-hooks/exhaustive-deps
  const yuan = (n: number) => money(n);
  const unitWord = (u: '元' | '万元') => t(`plans.moneyUnit.${u === '万元' ? 'wan' : 'yuan'}`);
  return (
    <>
      <Col xs={24} lg={12}>
        <Tile title={t('cockpit.kpi.title')} drill={a.drill} testId="cockpit-kpi">
          <EChart option={option} height={140}
            ariaLabel={t('cockpit.chartAttainment', { text: bars.map((b) => `${b.label} ${b.value}`).join('，') })} />
          <Typography.Text type="secondary">{t('cockpit.kpi.completeness')}</Typography.Text>
          <Progress percent={a.expected ? Math.round((a.reported / a.expected) * 100) : 100} size="small"
            format={() => t('cockpit.kpi.reported', { reported: a.reported, expected: a.expected })} />
          <Typography.Text type="secondary">{t('cockpit.kpi.targets')}</Typography.Text>
          <List size="small" dataSource={a.targets} locale={{ emptyText: t('cockpit.kpi.noTargets') }}
            renderItem={(row) => (
              <List.Item extra={<Tag color={row.status === 'green' ? 'green' : row.status === 'amber' ? 'orange' : row.status === 'red' ? 'red' : undefined}>
                {percent(row.attainment)}</Tag>}>
                <Typography.Text>{locale === 'zh-CN' ? row.name : row.name_en || row.name}</Typography.Text>
                <Typography.Text type="secondary" style={{ marginInlineStart: 8 }}>
                  {t('cockpit.kpi.actualOfTarget', { actual: fmtNum(row.actual), target: fmtNum(row.target), unit: row.unit })}
                </Typography.Text>
              </List.Item>
            )} />
        </Tile>
      </Col>
      <Col xs={24} md={12} lg={6}>
        <Tile title={t('cockpit.actions.title')} drill={actions.drill} testId="cockpit-actions"
          extra={actions.overdue > 0 ? <Link to={actions.overdue_drill} data-testid="cockpit-actions-overdue-drill">{t('cockpit.actions.overdueDrill')}</Link> : undefined}>
          <Figures items={[
            { title: t('cockpit.actions.open'), value: actions.open },
            { title: t('cockpit.actions.awaiting'), value: actions.awaiting_verification },
            { title: t('cockpit.actions.overdue'), value: actions.overdue, danger: actions.overdue > 0 },
          ]} />
        </Tile>
      </Col>
      <Col xs={24} md={12} lg={6}>
        {budget ? (
          <Tile title={t('cockpit.budget.title')} drill={budget.drill} testId="cockpit-budget">
            <Statistic title={t('cockpit.budget.spent')} value={yuan(budget.spent).value} suffix={unitWord(yuan(budget.spent).unit)} />
            <Typography.Text type="secondary">
              {t('cockpit.budget.budget')} {yuan(budget.budget).value} {unitWord(yuan(budget.budget).unit)}
            </Typography.Text>
            <Progress percent={Math.min(100, Math.round(budget.rate ?? 0))} status={budget.over_budget ? 'exception' : 'normal'}
              format={() => `${t('cockpit.budget.rate')} ${budget.rate === null ? '—' : `${budget.rate.toFixed(1)}%`}`} />
            <Typography.Text type="secondary">{t('cockpit.budget.elapsed', { elapsed: percent(budget.elapsed) })}</Typography.Text>
            {budget.over_budget && <Tag color="red" style={{ marginInlineStart: 8 }}>{t('cockpit.budget.over')}</Tag>}
          </Tile>
        ) : (
          <Card size="small" title={t('cockpit.budget.title')} style={{ height: '100%' }} data-testid="cockpit-budget">
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('cockpit.budget.none')} />
          </Card>
        )}
      </Col>
    </>
  );
}

function RiskTiles({ part, t }: { part: RiskCockpit; t: T }) {
  const { risks, alerts } = part;
  const riskBars = RISK_LEVELS.map((lv) => ({ label: t(`cockpit.risks.level.${lv}`), value: risks.by_level[lv] ?? 0, color: RISK_LEVEL_COLORS[lv] }));
  const alertBars = ALERT_LEVELS.map((lv) => ({ label: t(`cockpit.alerts.level.${lv}`), value: alerts.by_level[lv] ?? 0,
    color: lv === 'critical' ? KPI_STATUS_COLORS.red : KPI_STATUS_COLORS.amber }));
  const riskOption = useMemo(() => countsOption(riskBars), [JSON.stringify(riskBars)]); // eslint-disable-line react-hooks/exhaustive-deps
  const alertOption = useMemo(() => countsOption(alertBars), [JSON.stringify(alertBars)]); // eslint-disable-line react-hooks/exhaustive-deps
  return (
    <>
      <Col xs={24} lg={12}>
        <Tile title={t('cockpit.risks.title')} drill={risks.drill} testId="cockpit-risks">
          <Figures items={[{ title: t('cockpit.risks.open'), value: risks.open }]} />
          <EChart option={riskOption} height={150} ariaLabel={t('cockpit.chartRisks', { text: riskBars.map((b) => `${b.label} ${b.value}`).join('，') })} />
          <List size="small" dataSource={risks.top} locale={{ emptyText: t('cockpit.risks.none') }}
            renderItem={(r) => (
              <List.Item extra={<Tag color={RISK_LEVEL_COLORS[r.level ?? 'none']}>{t('cockpit.risks.score', { score: r.score ?? '—' })}</Tag>}>
                <Link to={`/risk/${r.id}`}>{r.title}</Link>
                <Typography.Text type="secondary" style={{ marginInlineStart: 8 }}>{r.unit_name}</Typography.Text>
              </List.Item>
            )} />
        </Tile>
      </Col>
      <Col xs={24} lg={12}>
        <Tile title={t('cockpit.alerts.title')} drill={alerts.drill} testId="cockpit-alerts"
          extra={(alerts.by_level.critical ?? 0) > 0 ? <Link to={alerts.critical_drill}>{t('cockpit.alerts.criticalDrill')}</Link> : undefined}>
          <Figures items={[{ title: t('cockpit.alerts.open'), value: alerts.open, danger: (alerts.by_level.critical ?? 0) > 0 }]} />
          <EChart option={alertOption} height={100} ariaLabel={t('cockpit.chartAlerts', { text: alertBars.map((b) => `${b.label} ${b.value}`).join('，') })} />
        </Tile>
      </Col>
    </>
  );
}

export default function CockpitPage() {
  const { t, locale } = useT();
  const { me } = useSession();
  const tree = useUnitTree();
  const [params, setParams] = useSearchParams();
  const unitParam = params.get('unit');
  const unit = unitParam ? Number(unitParam) : undefined;
  const period = params.get('period') && kindOf(params.get('period') ?? '') ? (params.get('period') as string) : periodOf('month', new Date());
  const kind = kindOf(period) as PeriodKind;
  const cockpit = useCockpit({ period, unit });
  const options = useMemo(() => viewableUnits(tree.data ?? [], me?.grants), [tree.data, me?.grants]);
  const set = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v); else next.delete(k);
    }
    setParams(next, { replace: true });
  };
  const data = cockpit.data;
  const down = Object.keys(data?.errors ?? {});
  return (
    <div>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
        <Space direction="vertical" size={0}>
          <Typography.Title level={4} style={{ margin: 0 }}>{t('cockpit.title')}</Typography.Title>
          {data?.scope && (
            <Typography.Text type="secondary" data-testid="cockpit-scope">
              {t('cockpit.scope', { unit: String(data.scope.unit_name), period: String(data.scope.period) })}
            </Typography.Text>
          )}
        </Space>
        <Space wrap>
          <TreeSelect aria-label={t('cockpit.unit')} value={unit ?? (data?.scope?.unit_id as number | undefined)} treeData={options}
            onChange={(v) => set({ unit: v === undefined ? undefined : String(v) })} treeDefaultExpandAll showSearch
            treeNodeFilterProp="title" style={{ minWidth: 200 }} loading={tree.isPending} data-testid="cockpit-unit" />
          <Segmented aria-label={t('cockpit.period')} value={kind}
            options={PERIOD_KINDS.map((k) => ({ value: k, label: t(`cockpit.kind.${k}`) }))}
            onChange={(k) => set({ period: periodOf(k as PeriodKind, new Date()) })} />
          <Space.Compact>
            <Button icon={<LeftOutlined />} aria-label={t('cockpit.previous')} onClick={() => set({ period: shiftPeriod(period, -1) })} />
            <Button style={{ minWidth: 92 }} data-testid="cockpit-period">{period}</Button>
            <Button icon={<RightOutlined />} aria-label={t('cockpit.next')} onClick={() => set({ period: shiftPeriod(period, 1) })} />
          </Space.Compact>
        </Space>
      </Space>
      {down.length > 0 && (
        <Alert type="warning" showIcon style={{ marginBottom: 12 }} data-testid="cockpit-partial"
          message={t('cockpit.partial', { parts: down.map((p) => t(`cockpit.part.${p}`)).join('、') })} />
      )}
      <QueryState loading={cockpit.isPending} error={cockpit.error}>
        {data && (
          <Row gutter={[12, 12]}>
            {data.kpi && <KpiTiles part={data.kpi} t={t} locale={locale} />}
            {data.planning && <PlanTiles part={data.planning} t={t} />}
            {data.risk && <RiskTiles part={data.risk} t={t} />}
          </Row>
        )}
      </QueryState>
    </div>
  );
}
