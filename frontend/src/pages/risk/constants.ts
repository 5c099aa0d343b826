/** The risk pages' fixed vocabularies, in the order the forms and filters offer them. Each is the whole
 *  of an enum of the generated API types (src/api/schema.d.ts, from openapi.json by `npm run gen:api`):
 *  the compiler refuses a list that misses a value the API has, or names one it has not. */
import type { RiskActionStatus } from '../../api/risk';
import type { RiskCategory, RiskLevel, RiskStatus, RiskStrategy } from '../../api/types';

/** `allOf<Union>()([...])`: the list as given, once it holds every member of the union. */
function allOf<T extends string>() {
  return <const V extends readonly T[]>(values: V & ([Exclude<T, V[number]>] extends [never] ? unknown : { missing: Exclude<T, V[number]> })) => values;
}

export const CATEGORIES = allOf<RiskCategory>()(['market', 'policy', 'technology', 'personnel', 'supply_chain', 'equipment', 'safety', 'finance', 'compliance', 'other']);
export const STATUSES = allOf<RiskStatus>()(['identified', 'assessed', 'treating', 'monitoring', 'closed']);
export const LEVELS = allOf<RiskLevel>()(['low', 'medium', 'high', 'critical']);
export const STRATEGIES = allOf<RiskStrategy>()(['avoid', 'reduce', 'transfer', 'accept']);
export const ACTION_STATUSES = allOf<RiskActionStatus>()(['open', 'in_progress', 'done', 'cancelled']);
