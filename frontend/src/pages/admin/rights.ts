import type { Right, RightScope, Scope } from '../../api/types';

export const RIGHTS: Right[] = ['plan', 'suggest', 'veto', 'dispatch', 'assess', 'guide', 'view', 'admin'];
export const SCOPES: Scope[] = ['self', 'subordinates', 'subtree', 'superior', 'company'];

export function hasPair(rights: RightScope[], right: Right, scope: Scope): boolean {
  return rights.some((r) => r.right === right && r.scope === scope);
}

/** Toggle one cell of the rights × scope matrix; the result is sorted like the matrix. */
export function togglePair(rights: RightScope[], right: Right, scope: Scope): RightScope[] {
  const next = hasPair(rights, right, scope)
    ? rights.filter((r) => !(r.right === right && r.scope === scope))
    : [...rights, { right, scope }];
  return next.sort((a, b) => RIGHTS.indexOf(a.right) - RIGHTS.indexOf(b.right) || SCOPES.indexOf(a.scope) - SCOPES.indexOf(b.scope));
}

/** 'subordinates' reaches the position's own unit when the position heads it: say which it is. */
export function scopeKey(scope: string, headsUnit?: boolean | null): string {
  if (scope !== 'subordinates' || headsUnit == null) return `org.scope.${scope}`;
  return headsUnit ? 'org.scope.subordinatesHead' : 'org.scope.subordinatesBelow';
}
