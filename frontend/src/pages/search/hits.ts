/** What the search box and the search page share: when a query is worth asking, the order of the kinds, and
 * where each kind's status is named. Pure, so it is tested without a browser. */
import type { SearchHit } from '../../api/search';

/** The order kinds are shown in (the gateway answers in it too); kinds added later go last. */
export const KINDS = ['plan', 'task', 'indicator', 'action', 'finding', 'risk', 'alert', 'person', 'unit'] as const;

/** The same rule as the server (services.common.search): two letters or digits, or one Chinese character. */
export const MIN_CHARS = 2;
const WIDE = /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u;

export function searchable(q: string): boolean {
  const text = q.normalize('NFKC').trim();
  return text.replace(/\s+/g, '').length >= MIN_CHARS || WIDE.test(text);
}

/** Non-empty groups in the order of KINDS (unknown kinds after, by name). */
export function orderedGroups(groups: Record<string, SearchHit[]> | undefined): [string, SearchHit[]][] {
  const rank = (k: string) => {
    const i = (KINDS as readonly string[]).indexOf(k);
    return i < 0 ? KINDS.length : i;
  };
  return Object.entries(groups ?? {})
    .filter(([, hits]) => hits.length > 0)
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
}

/** The locale key naming a hit's status (the namespaces the kinds' own pages use). */
const STATUS_NS: Record<string, string> = {
  plan: 'plans.status',
  task: 'plans.taskStatus',
  action: 'kpi.actionStatuses',
  finding: 'search.findingStatus',
  risk: 'risk.statuses',
  alert: 'risk.alertStatuses',
  indicator: 'search.indicatorStatus',
};

export function statusKey(hit: Pick<SearchHit, 'kind' | 'status'>): string | null {
  const ns = STATUS_NS[hit.kind];
  return ns && hit.status ? `${ns}.${hit.status}` : null;
}

/** The search page's address for a query. */
export function searchPath(q: string): string {
  return `/search?q=${encodeURIComponent(q.trim())}`;
}
