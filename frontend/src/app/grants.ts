/** Whether the signed-in user's grants (GET /api/org/me) cover a right over one unit.
 * The same rule as the services' path_matches, so a button shows exactly when the API would
 * accept the click: exact = that unit, subtree = it and below, descendants = strictly below. */
import type { GrantRead } from '../api/types';

type GrantLike = Pick<GrantRead, 'right' | 'unit_path' | 'mode'>;

export function grantCovers(g: GrantLike, right: string, unitPath: string): boolean {
  if (g.right !== right) return false;
  if (g.mode === 'exact') return unitPath === g.unit_path;
  if (g.mode === 'subtree') return unitPath.startsWith(g.unit_path);
  if (g.mode === 'descendants') return unitPath !== g.unit_path && unitPath.startsWith(g.unit_path);
  return false;
}

/** Holds admin over a whole company (its root unit and below): the services' is_admin, who may
 * edit company-wide things such as the indicator library. */
export function isCompanyAdmin(grants: readonly GrantLike[] | undefined): boolean {
  return (grants ?? []).some((g) => g.right === 'admin' && g.mode === 'subtree' && /^\/\d+\/$/.test(g.unit_path));
}

/** True when any of `rights` is held over the unit; false while the unit's path is unknown. */
export function canOver(grants: readonly GrantLike[] | undefined, rights: string | readonly string[], unitPath: string | undefined): boolean {
  if (!grants || !unitPath) return false;
  const wanted = typeof rights === 'string' ? [rights] : rights;
  return grants.some((g) => wanted.some((r) => grantCovers(g, r, unitPath)));
}

/** The highest unit (shortest path) over which one of `rights` is held for the unit itself, or undefined:
 * the unit a page opens on when the caller has not picked one (汇总平衡 opens on the company for the
 * operations director, on 市场部 for its manager). `subtreeOnly`: only grants reaching the unit's children. */
export function highestUnitCovered(grants: readonly GrantLike[] | undefined, rights: string | readonly string[],
  { subtreeOnly = false }: { subtreeOnly?: boolean } = {}): string | undefined {
  const wanted = typeof rights === 'string' ? [rights] : rights;
  const depth = (path: string) => path.split('/').filter(Boolean).length;
  let best: string | undefined;
  for (const g of grants ?? []) {
    if (!wanted.includes(g.right)) continue;
    // a descendants grant does not cover its own unit
    if (g.mode === 'descendants' || (subtreeOnly && g.mode !== 'subtree')) continue;
    if (best === undefined || depth(g.unit_path) < depth(best)) best = g.unit_path;
  }
  return best;
}
