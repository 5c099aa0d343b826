/** A plan as filed: 文号, title, the facts, 一、业务目标 二、工作任务 三、资源需求 四、指导方针
 * 五、风险评估与应对措施 六、审批流程, then 签发 / 审核 / 编制 from the plan's own approval record. */
import { useParams } from 'react-router-dom';
import { usePlan, usePlanHistory } from '../../api/planning';
import type { ActionRead, PlanRead, ResourceRead, StageRead, TaskRead } from '../../api/types';

type TargetRead = NonNullable<PlanRead['targets']>[number];
import { useUnitNames } from '../../components/common';
import { useIndicatorLabel } from '../../components/Indicator';
import { useT } from '../../i18n';
import { moneyText } from '../plans/money';
import { Facts, PrintDocument, PrintTable, Section, Text, type Signature } from './PrintDocument';
import { docDate, docNumber } from './printText';

const num = (n: number | null | undefined) => (n === null || n === undefined ? '—' : n.toLocaleString('zh-CN', { maximumFractionDigits: 2 }));

/** Who wrote, reviewed and issued the plan's current revision, by name, from its approval record. */
export function planSignatures(plan: Pick<PlanRead, 'revision'>, actions: ActionRead[], t: (k: string) => string): Signature[] {
  const mine = actions.filter((a) => a.revision === plan.revision);
  const names = (kinds: string[]) => [...new Set(mine.filter((a) => kinds.includes(a.action)).map((a) => a.actor_name || a.actor))].join('、');
  return [
    { label: t('print.signIssue'), name: names(['issue', 'publish']) },
    { label: t('print.signReview'), name: names(['approve', 'countersign']) },
    { label: t('print.signDraft'), name: names(['submit']) },
  ];
}

export default function PlanPrintPage() {
  const { t, locale } = useT();
  const id = Number(useParams().id);
  const plan = usePlan(Number.isFinite(id) ? id : undefined);
  const history = usePlanHistory(Number.isFinite(id) ? id : undefined);
  const units = useUnitNames();
  const label = useIndicatorLabel();
  const p = plan.data;
  const unit = p ? units.get(p.unit_id)?.name ?? String(p.unit_id) : '';
  const milestones = (task: TaskRead) => (task.milestones ?? []).map((m) => {
    const ms = m as { title?: string; due?: string; done?: boolean };
    return `${ms.title ?? ''} ${ms.due ?? ''}${ms.done ? ` ✓` : ''}`;
  }).join('；');
  return (
    <PrintDocument loading={plan.isPending || history.isPending} error={plan.error ?? history.error}
      title={p?.title ?? ''} docNo={p ? docNumber(t('print.code.plan'), p.period, p.id) : undefined}
      issuer={unit} date={p?.issued_at ?? p?.updated_at}
      subtitle={p ? `${t(`plans.kind.${p.kind}`)} · ${p.period} · ${t('plans.revisionN', { n: p.revision })}` : undefined}
      signatures={p ? planSignatures(p, history.data?.actions ?? [], t) : undefined}>
      {p && (
        <>
          <Facts items={[
            [t('print.draftingUnit'), unit],
            [t('print.period'), p.period],
            [t('print.kind'), t(`plans.kind.${p.kind}`)],
            [t('print.status'), t(`plans.status.${p.status}`)],
            [t('print.revision'), t('plans.revisionN', { n: p.revision })],
            [t('print.issuedOn'), p.issued_at ? docDate(p.issued_at, locale) : '—'],
          ]} />
          <Section n={1} title={t('plans.targets')}>
            <PrintTable<TargetRead> n={1} caption={t('plans.targets')} rows={p.targets ?? []} testId="print-targets" columns={[
              { title: t('plans.indicator'), render: (r) => label(r.indicator_code) },
              { title: t('plans.value'), render: (r) => num(r.value), className: 'num', width: '7em' },
              { title: t('plans.unitOfMeasure'), render: (r) => r.unit, className: 'center', width: '5em' },
              { title: t('plans.aggregation'), render: (r) => t(`plans.agg.${r.aggregation}`), className: 'center', width: '5em' },
              { title: t('plans.note'), render: (r) => r.note },
            ]} />
          </Section>
          <Section n={2} title={t('plans.tasks')}>
            <PrintTable<TaskRead> n={2} caption={t('plans.tasks')} rows={p.tasks ?? []} testId="print-tasks" columns={[
              { title: t('plans.taskTitle'), render: (r) => r.title },
              { title: t('print.measures'), render: (r) => r.measures },
              { title: t('plans.owner'), render: (r) => r.owner_name || '—', className: 'center', width: '7.5em' },
              { title: t('print.dates'), render: (r) => `${r.start ?? ''}～${r.due ?? ''}`, className: 'center', width: '7.5em' },
              { title: t('print.milestones'), render: milestones },
              { title: t('plans.progress'), render: (r) => `${Math.round(r.progress)}%`, className: 'num', width: '3.5em' },
            ]} />
          </Section>
          <Section n={3} title={t('plans.resources')}>
            <PrintTable<ResourceRead> n={3} caption={t('plans.resources')} rows={p.resources ?? []} testId="print-resources"
              footer={`${t('plans.budgetTotal')}${t('print.colon')}${moneyText(p.budget_total ?? 0, '元', t)}`} columns={[
                { title: t('plans.resourceKind.label'), render: (r) => t(`plans.resourceKind.${r.kind}`), className: 'center', width: '4.5em' },
                { title: t('plans.description'), render: (r) => r.description },
                { title: t('plans.quantity'), render: (r) => (r.quantity === null ? '' : `${num(r.quantity)} ${r.unit}`), className: 'num', width: '6em' },
                { title: t('plans.amount'), render: (r) => (r.amount === null ? '' : moneyText(r.amount, r.amount_unit, t)), className: 'num', width: '9em' },
              ]} />
          </Section>
          <Section n={4} title={t('plans.guidance')}>
            <Text value={p.guidance || (p.inherited_guidance as { guidance?: string }[] | undefined)?.map((g) => g.guidance).filter(Boolean).join('\n')} empty={t('plans.noGuidance')} />
          </Section>
          <Section n={5} title={t('plans.riskNotes')}>
            <Text value={p.risk_notes} empty={t('plans.noRiskNotes')} />
          </Section>
          <Section n={6} title={t('plans.stages')}>
            <PrintTable<StageRead> n={4} caption={t('plans.stages')} rows={p.stages ?? []} columns={[
              { title: t('print.stage'), render: (r) => r.name },
              { title: t('plans.signers'), render: (r) => t(`plans.signerMode.${r.signers}`), className: 'center', width: '6em' },
              { title: t('print.state'), render: (r) => t(`plans.stageState.${r.state}`), className: 'center', width: '5em' },
            ]} />
          </Section>
        </>
      )}
    </PrintDocument>
  );
}
