import { hasPair, togglePair } from './rights';

describe('rights × scope matrix', () => {
  it('adds a cell in matrix order and removes it again', () => {
    const start = [{ right: 'veto' as const, scope: 'subtree' as const }];
    const added = togglePair(start, 'plan', 'company');
    expect(added).toEqual([{ right: 'plan', scope: 'company' }, { right: 'veto', scope: 'subtree' }]);
    expect(hasPair(added, 'plan', 'company')).toBe(true);
    expect(togglePair(added, 'plan', 'company')).toEqual(start);
  });
});
