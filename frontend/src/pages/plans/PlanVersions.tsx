import { Alert, Button, Card, List, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { useApplyAdjustment } from '../../api/planning';
import type { AdjustmentRead, PlanRead } from '../../api/types';
import { useApiFeedback } from '../../app/feedback';
import { IndicatorName } from '../../components/Indicator';
import { useT } from '../../i18n';

type SnapshotTarget = { indicator_code: string; value: number; unit?: string };

const num = (v: number | null | undefined) => (v === null || v === undefined ? '—' : v.toLocaleString('zh-CN', { maximumFractionDigits: 2 }));
const when = (iso: string | null | undefined) => (iso ? iso.slice(0, 16).replace('T', ' ') : '—');

function TargetsList({ targets }: { targets: SnapshotTarget[] }) {
  return (
    <Space wrap size={4}>
      {targets.map((x) => <Tag key={x.indicator_code}><IndicatorName code={x.indicator_code} />: {num(x.value)}{x.unit ? ` ${x.unit}` : ''}</Tag>)}
    </Space>
  );
}

/** While a revision (计划调整) is drafted, reviewed or returned, the version in force still applies: say so and show it. */
export function InForceCard({ plan }: { plan: PlanRead }) {
  const { t } = useT();
  const inForce = plan.in_force;
  if (!inForce) return null;
  const targets = ((inForce.snapshot as { targets?: SnapshotTarget[] }).targets ?? []);
  return (
    <Alert type="info" showIcon style={{ marginBottom: 12 }} data-testid="in-force"
      message={t('plans.inForceMessage', { n: inForce.revision, status: t(`plans.status.${inForce.status}`), m: plan.revision, now: t(`plans.status.${plan.status}`) })}
      description={<><Typography.Text type="secondary">{t('plans.inForceTargets')}: </Typography.Text><TargetsList targets={targets} /></>} />
  );
}

/** Revisions that were vetoed: they never came into force; each with its reason and what it proposed. */
export function RejectedRevisionsCard({ plan }: { plan: PlanRead }) {
  const { t } = useT();
  const items = plan.rejected_revisions ?? [];
  if (items.length === 0) return null;
  return (
    <Card size="small" title={t('plans.rejectedRevisions')} style={{ marginTop: 12 }} data-testid="rejected-revisions">
      <List size="small" dataSource={items} renderItem={(r) => (
        <List.Item>
          <List.Item.Meta
            title={<Space wrap><Tag color="red">{t('plans.revisionN', { n: r.revision })} · {t('plans.status.vetoed')}</Tag><span>{r.actor_name}</span><Typography.Text type="secondary" style={{ fontSize: 12 }}>{when(r.at)}</Typography.Text></Space>}
            description={<>
              <div data-testid="veto-reason">{t('plans.vetoReason')}: {r.reason}</div>
              <div><Typography.Text type="secondary">{t('plans.proposedTargets')}: </Typography.Text><TargetsList targets={((r.snapshot as { targets?: SnapshotTarget[] }).targets ?? [])} /></div>
            </>}
          />
        </List.Item>
      )} />
    </Card>
  );
}

/** 综合平衡 adjustments: on the child plan they change, and in the company view where they are made. */
export function AdjustmentsTable({ items, canApply, showPlan }: { items: AdjustmentRead[]; canApply: boolean; showPlan: boolean }) {
  const { t } = useT();
  const apply = useApplyAdjustment();
  const feedback = useApiFeedback();
  return (
    <Table<AdjustmentRead> size="small" rowKey="id" pagination={false} dataSource={items} locale={{ emptyText: t('plans.noAdjustments') }}
      columns={[
        ...(showPlan ? [{ title: t('plans.plan'), dataIndex: 'plan_title', render: (v: string | null, a: AdjustmentRead) => (a.plan_id ? <Link to={`/plans/${a.plan_id}`}>{v}</Link> : '—') }] : []),
        { title: t('plans.indicator'), dataIndex: 'indicator_code', render: (c: string) => <IndicatorName code={c} /> },
        { title: t('plans.adjustedValue'), dataIndex: 'value', align: 'right' as const, render: (v: number, a: AdjustmentRead) => <span>{a.previous_value !== null && a.previous_value !== undefined ? `${num(a.previous_value)} → ` : ''}{num(v)}</span> },
        { title: t('plans.reason'), dataIndex: 'reason' },
        { title: t('plans.author'), dataIndex: 'author_name' },
        { title: t('plans.adjustmentStatus'), dataIndex: 'status', render: (s: string, a: AdjustmentRead) => (
          <Space size={4} wrap>
            <Tag color={s === 'applied' ? 'green' : s === 'proposed' ? 'gold' : 'default'}>{t(`plans.adjustmentStatusValue.${s}`)}</Tag>
            {a.applied_by_name && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{a.applied_by_name} {when(a.applied_at)}</Typography.Text>}
            {s === 'proposed' && canApply && (
              <Popconfirm title={t('plans.applyConfirm')} onConfirm={async () => {
                try { await apply.mutateAsync(a.id); feedback.ok(t('plans.adjustmentApplied')); } catch (err) { feedback.fail(err); }
              }}>
                <Button size="small" type="link" loading={apply.isPending}>{t('plans.applyAdjustment')}</Button>
              </Popconfirm>
            )}
          </Space>
        ) },
      ]} />
  );
}
