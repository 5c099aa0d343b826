/** The risk register (风险登记册) as filed: every risk the filters of the register page match (the
 * same query parameters), highest level first as the API orders them, with likelihood × impact, the
 * level, the strategy and its note, the contingency plan's trigger and the next review date. */
import { useSearchParams } from 'react-router-dom';
import { useAllRisks, type RiskFilters } from '../../api/risk';
import type { RiskRead } from '../../api/types';
import { useUnitNames } from '../../components/common';
import { useT } from '../../i18n';
import { LEVELS } from '../risk/constants';
import { Facts, PrintDocument, PrintTable, Section } from './PrintDocument';

const FILTERS = ['category', 'status', 'level', 'strategy', 'q'] as const;

/** The register page's filters from the print view's query string (unknown keys ignored). */
export function riskFilters(params: URLSearchParams): Omit<RiskFilters, 'cursor'> {
  const out: Omit<RiskFilters, 'cursor'> = {};
  const unit = Number(params.get('unit_id'));
  if (params.get('unit_id') && Number.isInteger(unit)) out.unit_id = unit;
  for (const k of FILTERS) {
    const v = params.get(k);
    if (v) out[k] = v;
  }
  return out;
}

export default function RiskRegisterPrintPage() {
  const { t } = useT();
  const [params] = useSearchParams();
  const filters = riskFilters(params);
  const risks = useAllRisks(filters);
  const units = useUnitNames();
  const items = risks.data ?? [];
  const scope = filters.unit_id !== undefined ? units.get(filters.unit_id)?.name ?? String(filters.unit_id) : t('print.allVisible');
  const chosen = [
    filters.category && t(`risk.categories.${filters.category}`),
    filters.status && t(`risk.statuses.${filters.status}`),
    filters.level && t(`risk.levels.${filters.level}`),
    filters.strategy && t(`risk.strategies.${filters.strategy}`),
    filters.q && `“${filters.q}”`,
  ].filter(Boolean).join('、');
  const count = (level: string) => items.filter((r) => r.level === level).length;
  return (
    <PrintDocument loading={risks.isPending} error={risks.error} title={t('risk.registerTitle')}
      issuer={t('print.opsDepartment')}
      signatures={[{ label: t('print.signReview') }, { label: t('print.signCompile') }]}>
      <Facts items={[
        [t('print.scope'), scope],
        [t('print.filters'), chosen || t('print.noFilters')],
        [t('print.riskCount'), String(items.length)],
        [t('print.byLevel'), [...LEVELS].reverse().map((l) => `${t(`risk.levels.${l}`)} ${count(l)}`).join(' · ')],
      ]} />
      <Section n={1} title={t('print.riskList')}>
        <PrintTable<RiskRead> n={1} caption={t('risk.registerTitle')} rows={items} testId="print-risks" columns={[
          { title: t('risk.title'), render: (r) => <>{r.title}{r.description ? <div className="print-muted" style={{ fontSize: '8.5pt' }}>{r.description}</div> : null}</> },
          { title: t('risk.category'), render: (r) => r.category_label || t(`risk.categories.${r.category}`), className: 'center', width: '4.5em' },
          { title: t('common.unit'), render: (r) => r.unit_name ?? '—', className: 'center', width: '6em' },
          { title: t('print.likelihoodImpact'), render: (r) => (r.current ? `${r.current.likelihood}×${r.current.impact}=${r.current.score}` : '—'), className: 'center', width: '5.5em' },
          { title: t('risk.level'), render: (r) => (r.level ? t(`risk.levels.${r.level}`) : '—'), className: 'center', width: '3em' },
          { title: t('risk.strategy'), render: (r) => <>{r.strategy ? t(`risk.strategies.${r.strategy}`) : '—'}{r.strategy_note ? <div className="print-muted" style={{ fontSize: '8.5pt' }}>{r.strategy_note}</div> : null}</> },
          { title: t('risk.contingency'), render: (r) => r.contingency_plan?.trigger ?? '—' },
          { title: t('risk.status'), render: (r) => t(`risk.statuses.${r.status}`), className: 'center', width: '4em' },
          { title: t('risk.nextReview'), render: (r) => r.next_review_date ?? '—', className: 'center', width: '6em' },
        ]} />
      </Section>
    </PrintDocument>
  );
}
