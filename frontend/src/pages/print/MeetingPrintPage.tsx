/** The weekly operations meeting's minutes (每周运营工作例会纪要) as filed: the week's number, each
 * unit's report with its problems and requests for help, the overdue tasks, the decisions taken,
 * then the chair's and the recorder's lines. */
import { useParams, useSearchParams } from 'react-router-dom';
import { useAgenda, usePlans } from '../../api/planning';
import type { AgendaReport, TaskRead } from '../../api/types';
import { useUnitNames } from '../../components/common';
import { useT } from '../../i18n';
import { WEEK_RE } from '../plans/week';
import { Facts, PrintDocument, PrintTable, Section, Text } from './PrintDocument';
import { docNumber, weekSerial } from './printText';

type Decision = { id: number; text: string; plan_id: number };

export default function MeetingPrintPage() {
  const { t } = useT();
  const week = useParams().week ?? '';
  const [params] = useSearchParams();
  const unit_id = params.get('unit_id') ? Number(params.get('unit_id')) : undefined;
  const valid = WEEK_RE.test(week);
  const agenda = useAgenda(valid ? week : undefined, unit_id);
  const units = useUnitNames();
  const a = agenda.data;
  // the agenda's tasks and decisions name their plan by id: its title from the plans the reader sees
  const plans = usePlans({});
  const planTitle = new Map((plans.data?.items ?? []).map((p) => [p.id, p.title]));
  (a?.reports ?? []).forEach((r) => planTitle.set(r.plan_id, r.plan_title));
  const scope = unit_id !== undefined ? units.get(unit_id)?.name ?? String(unit_id) : t('print.allVisible');
  return (
    <PrintDocument loading={valid && (agenda.isPending || plans.isPending)} error={valid ? agenda.error : new Error(t('plans.weekInvalid'))}
      title={t('print.minutesTitle', { week })} docNo={valid ? docNumber(t('print.code.minutes'), week, weekSerial(week)) : undefined}
      issuer={t('print.opsDepartment')}
      signatures={[{ label: t('print.signIssue') }, { label: t('print.signChair') }, { label: t('print.signRecorder') }]}>
      {a && (
        <>
          <Facts items={[
            [t('print.meetingWeek'), week],
            [t('print.scope'), scope],
            [t('print.reportCount'), String(a.reports.length)],
            [t('print.decisionCount'), String(a.decisions.length)],
          ]} />
          <Section n={1} title={t('plans.agendaReports')}>
            {a.reports.length === 0 && <Text value="" empty={t('plans.noAgendaReports')} />}
            {a.reports.map((r: AgendaReport, i) => (
              <div key={`${r.plan_id}-${i}`} style={{ breakInside: 'avoid' }} data-testid="print-report">
                <div className="print-text"><strong>{`（${i + 1}）${r.unit_name}`}</strong>　{r.plan_title}　{r.report.author_name}</div>
                <Text value={r.report.summary} empty="—" />
                {r.problems.map((p) => (
                  <Text key={p.task_id} value={`${t('plans.problems')}：${p.problems}${p.help_needed ? `；${t('plans.helpNeeded')}：${p.help_needed}` : ''}`} empty="" />
                ))}
              </div>
            ))}
          </Section>
          <Section n={2} title={t('plans.overdueTasks')}>
            <PrintTable<TaskRead> n={1} caption={t('plans.overdueTasks')} rows={a.overdue_tasks} testId="print-overdue" columns={[
              { title: t('plans.taskTitle'), render: (r) => r.title },
              { title: t('print.plan'), render: (r) => r.plan_title || planTitle.get(r.plan_id) || `#${r.plan_id}` },
              { title: t('plans.owner'), render: (r) => r.owner_name || '—', className: 'center', width: '7.5em' },
              { title: t('plans.due'), render: (r) => r.due ?? '—', className: 'center', width: '6em' },
              { title: t('plans.progress'), render: (r) => `${Math.round(r.progress)}%`, className: 'num', width: '3.5em' },
            ]} />
          </Section>
          <Section n={3} title={t('plans.decisions')}>
            <PrintTable<Decision> n={2} caption={t('plans.decisions')} rows={a.decisions} testId="print-decisions" empty={t('plans.noDecisions')} columns={[
              { title: t('print.decision'), render: (d) => d.text },
              { title: t('print.plan'), render: (d) => planTitle.get(d.plan_id) ?? `#${d.plan_id}` },
            ]} />
          </Section>
        </>
      )}
    </PrintDocument>
  );
}
