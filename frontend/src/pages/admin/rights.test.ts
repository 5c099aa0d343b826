import { hasPair, scopeKey, togglePair } from './rights';

describe('rights × scope matrix', () => {
  it('adds a cell in matrix order and removes it again', () => {
    const start = [{ right: 'veto' as const, scope: 'subtree' as const }];
    const added = togglePair(start, 'plan', 'company');
    expect(added).toEqual([{ right: 'plan', scope: 'company' }, { right: 'veto', scope: 'subtree' }]);
    expect(hasPair(added, 'plan', 'company')).toBe(true);
    expect(togglePair(added, 'plan', 'company')).toEqual(start);
  });
});

describe('scope names in the explainer', () => {
  it("says whether 'subordinates' reaches the position's own unit", () => {
    expect(scopeKey('subordinates', true)).toBe('org.scope.subordinatesHead');
    expect(scopeKey('subordinates', false)).toBe('org.scope.subordinatesBelow');
    expect(scopeKey('subordinates', null)).toBe('org.scope.subordinates');
    expect(scopeKey('subtree', true)).toBe('org.scope.subtree');
  });
});
