/** An assessment result (考核结果) as filed: who was assessed on which template for which period,
 * every item's weight, actual, target, attainment and score, the total and the grade, the rewards and
 * penalties, then the assessor's and the assessed party's signature lines. */
import { useParams } from 'react-router-dom';
import { useAssessment, type AssessmentItemRead } from '../../api/kpi';
import { fmtNum, fmtRatio } from '../../charts/kpi';
import { useUnitNames } from '../../components/common';
import { useIndicatorLabel } from '../../components/Indicator';
import { useT } from '../../i18n';
import { contribution, countedWeight, maxScore, ruleText } from '../kpi/assessmentView';
import { useWhoName } from '../kpi/people';
import { Facts, PrintDocument, PrintTable, Section, Text } from './PrintDocument';
import { docDate, docNumber } from './printText';

export default function AssessmentPrintPage() {
  const { t, locale } = useT();
  const id = Number(useParams().id);
  const query = useAssessment(Number.isFinite(id) ? id : undefined);
  const label = useIndicatorLabel();
  const who = useWhoName();
  const units = useUnitNames();
  const a = query.data;
  const items = a?.items ?? [];
  const weightSum = countedWeight(items);
  // the assessing unit: the assessed unit's parent (whose head holds 考核权 over it), else the unit itself
  const own = a ? units.get(a.unit_id) : undefined;
  const assessing = (own?.parent_id !== null && own?.parent_id !== undefined ? units.get(own.parent_id)?.name : own?.name) ?? '';
  const subject = a ? `${a.unit_name || a.unit_path}${a.person_name ? ` · ${a.person_name}` : ''}` : '';
  const outcomes = (a?.outcomes ?? []).map((o) => {
    const type = t(`kpi.outcomeTypes.${o.type}`);
    return `${type}${o.amount !== null && o.amount !== undefined ? ` ${fmtNum(o.amount, 0)}` : ''}${o.note && o.note !== type ? `（${o.note}）` : ''}`;
  }).join('；');
  return (
    <PrintDocument loading={query.isPending} error={query.error}
      title={a ? t('print.assessmentTitle', { subject, period: a.period }) : ''}
      docNo={a ? docNumber(t('print.code.assessment'), a.period, a.id) : undefined}
      issuer={assessing} date={a?.finalized_at}
      subtitle={a ? `${t(`kpi.assessmentKinds.${a.kind}`)} · ${t(`kpi.assessmentStatuses.${a.status}`)}` : undefined}
      signatures={a ? [
        { label: t('print.signAssessor'), name: a.status === 'finalized' ? who(a.finalized_by) : '' },
        { label: t('print.signReview') },
        { label: t('print.signAssessed') },
      ] : undefined}>
      {a && (
        <>
          <Facts items={[
            [t('print.assessed'), subject],
            [t('print.period'), a.period],
            [t('kpi.scorecard'), a.scorecard_name || `#${a.scorecard_id}`],
            [t('kpi.subjectKind'), t(`kpi.subjectKinds.${a.subject_kind}`)],
            [t('kpi.total'), <strong key="total" data-testid="print-total">{a.total === null ? '—' : fmtNum(a.total, 1)}</strong>],
            [t('kpi.grade'), <strong key="grade">{a.grade ?? '—'}</strong>],
            [t('print.finalizedOn'), a.finalized_at ? docDate(a.finalized_at, locale) : t('print.notFinalized')],
            [t('print.weightCounted'), `${fmtNum(a.weight_counted, 0)}%`],
          ]} />
          <Section n={1} title={t('print.items')}>
            <PrintTable<AssessmentItemRead> n={1} caption={t('print.items')} rows={items} testId="print-items"
              footer={`${t('kpi.total')}${t('print.colon')}${a.total === null ? '—' : fmtNum(a.total, 1)}　${t('kpi.grade')}${t('print.colon')}${a.grade ?? '—'}`}
              columns={[
                { title: t('kpi.item'), render: (l) => <>{l.name || (l.indicator_code ? label(l.indicator_code) : l.key)}<div className="print-muted" style={{ fontSize: '8.5pt' }}>{l.kind === 'qualitative' ? t('kpi.outOf', { n: maxScore(l) }) : ruleText(l.rule, t)}</div></> },
                { title: t('kpi.weight'), render: (l) => `${l.weight}%`, className: 'num', width: '3.5em' },
                { title: t('kpi.actual'), render: (l) => (l.kind === 'indicator' ? fmtNum(l.actual) : ''), className: 'num', width: '6em' },
                { title: t('kpi.target'), render: (l) => (l.kind === 'indicator' ? fmtNum(l.target) : ''), className: 'num', width: '6em' },
                { title: t('kpi.attainment'), render: (l) => (l.kind === 'indicator' ? fmtRatio(l.attainment) : ''), className: 'num', width: '4.5em' },
                { title: t('kpi.score'), render: (l) => (l.no_data ? t('kpi.noData') : l.kind === 'qualitative' ? `${fmtNum(l.score, 1)} / ${maxScore(l)}` : `${fmtNum(l.score, 1)}${l.vetoed ? ` ${t('kpi.vetoed')}` : ''}`), className: 'num', width: '5em' },
                { title: t('kpi.contribution'), render: (l) => fmtNum(contribution(l, weightSum), 1), className: 'num', width: '4.5em' },
              ]} />
          </Section>
          <Section n={2} title={t('kpi.outcomes')}>
            <Text value={outcomes} empty={t('print.noOutcomes')} />
          </Section>
          {(a.incomplete || a.vetoed) && (
            <Section n={3} title={t('print.remarks')}>
              {a.incomplete && <Text value={`${t('kpi.incomplete')}：${t('kpi.weightCounted', { pct: fmtNum(a.weight_counted, 0) })}${a.incomplete_reason ? `。${a.incomplete_reason}` : ''}`} empty="" />}
              {a.vetoed && <Text value={t('kpi.vetoedHint')} empty="" />}
            </Section>
          )}
        </>
      )}
    </PrintDocument>
  );
}
