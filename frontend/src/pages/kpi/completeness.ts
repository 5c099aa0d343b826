/** How complete a period's data is, as the evaluations say it (units reported / units expected), so a
 * half-reported month is read as such and not as a collapse. */
import type { EvaluationRow } from '../../api/types';

type Completeness = EvaluationRow['completeness'];

/** Some expected unit has not reported the figure for the period. */
export const partial = (c: Completeness | undefined): boolean => !!c && c.reported < c.expected;

/** The units missing from any figure on the page, each named once, in the order first met. */
export function missingUnits(rows: Pick<EvaluationRow, 'completeness'>[]): string[] {
  const seen = new Set<string>();
  for (const r of rows) for (const m of r.completeness?.missing ?? []) seen.add(m.name);
  return [...seen];
}
