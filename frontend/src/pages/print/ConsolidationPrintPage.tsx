/** The consolidation (汇总平衡表) of a unit's period as filed by the operations department: each
 * indicator's target from above against the sum of the units' plans, the gap, the units' shares, the
 * balancing adjustments, and the units that have not yet filed a plan. */
import { useSearchParams } from 'react-router-dom';
import { useUnitTree } from '../../api/org';
import { useConsolidation } from '../../api/planning';
import type { AdjustmentRead, ConsolidationLine } from '../../api/types';
import { useIndicatorLabel } from '../../components/Indicator';
import { useT } from '../../i18n';
import { PERIOD_RE } from '../plans/PlanListPage';
import { Facts, PrintDocument, PrintTable, Section, Text } from './PrintDocument';

const num = (v: number | null | undefined) => (v === null || v === undefined ? '—' : v.toLocaleString('zh-CN', { maximumFractionDigits: 2 }));

export default function ConsolidationPrintPage() {
  const { t } = useT();
  const [params] = useSearchParams();
  const tree = useUnitTree();
  const unit_id = params.get('unit_id') ? Number(params.get('unit_id')) : tree.data?.[0]?.id;
  const period = params.get('period') ?? String(new Date().getFullYear());
  const valid = PERIOD_RE.test(period);
  const data = useConsolidation({ unit_id, period: valid ? period : undefined });
  const label = useIndicatorLabel();
  const c = data.data;
  const contributions = (c?.lines ?? []).flatMap((l) => l.contributors.map((x) => ({ line: l, ...x })));
  const invalid = valid ? null : new Error(t('plans.periodInvalid'));
  return (
    <PrintDocument loading={valid && (tree.isPending || (unit_id !== undefined && data.isPending))} error={invalid ?? data.error}
      title={c ? t('print.consolidationTitle', { unit: c.unit_name, period: c.period }) : ''}
      issuer={t('print.opsDepartment')} signatures={[
        { label: t('print.signIssue') }, { label: t('print.signReview') }, { label: t('print.signCompile') },
      ]}>
      {c && (
        <>
          <Facts items={[
            [t('print.scope'), c.unit_name],
            [t('print.period'), c.period],
            [t('print.topPlan'), c.plan ? c.plan.title : t('plans.noTopPlan')],
            [t('print.lineCount'), String(c.lines.length)],
          ]} />
          <Section n={1} title={t('print.balance')}>
            <PrintTable<ConsolidationLine> n={1} caption={t('print.balance')} rows={c.lines} testId="print-lines" columns={[
              { title: t('plans.indicator'), render: (l) => label(l.indicator_code) },
              { title: t('plans.topDown'), render: (l) => num(l.reference), className: 'num', width: '7em' },
              { title: t('plans.bottomUp'), render: (l) => num(l.combined), className: 'num', width: '7em' },
              { title: t('plans.gap'), render: (l) => `${num(l.gap)}${l.gap_ratio !== null ? `（${(l.gap_ratio * 100).toFixed(1)}%）` : ''}`, className: 'num', width: '8em' },
              { title: t('plans.gapStatus'), render: (l) => t(`plans.gapStatusValue.${l.status}`), className: 'center', width: '5em' },
              { title: t('plans.missing'), render: (l) => l.missing.join('、') || '—' },
            ]} />
          </Section>
          <Section n={2} title={t('print.contributions')}>
            <PrintTable n={2} caption={t('print.contributions')} rows={contributions} columns={[
              { title: t('plans.indicator'), render: (r) => label(r.line.indicator_code) },
              { title: t('print.contributor'), render: (r) => r.label },
              { title: t('plans.value'), render: (r) => num(r.value), className: 'num', width: '8em' },
            ]} />
          </Section>
          <Section n={3} title={t('plans.adjustments')}>
            <PrintTable<AdjustmentRead> n={3} caption={t('plans.adjustments')} rows={c.adjustments} columns={[
              { title: t('print.plan'), render: (a) => a.plan_title },
              { title: t('plans.indicator'), render: (a) => label(a.indicator_code) },
              { title: t('print.change'), render: (a) => `${num(a.previous_value)} → ${num(a.value)}`, className: 'num', width: '9em' },
              { title: t('plans.reason'), render: (a) => a.reason },
              { title: t('print.proposedBy'), render: (a) => a.author_name, className: 'center', width: '5.5em' },
              { title: t('print.applied'), render: (a) => (a.applied_at ? `${a.applied_by_name ?? ''} ${a.applied_at.slice(0, 10)}` : t('print.notApplied')), className: 'center', width: '7em' },
            ]} />
          </Section>
          <Section n={4} title={t('plans.unitsMissingPlan')}>
            <Text value={c.units_missing_plan.map((u) => u.name).join('、')} empty={t('print.noneMissing')} />
          </Section>
        </>
      )}
    </PrintDocument>
  );
}
