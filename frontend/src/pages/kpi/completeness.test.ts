import { missingUnits, partial } from './completeness';

const row = (reported: number, expected: number, missing: string[] = []) => ({
  completeness: { reported, expected, missing: missing.map((name, i) => ({ unit_id: i + 1, name })) },
});

describe('data completeness', () => {
  it('is partial while an expected unit has not reported', () => {
    expect(partial(row(1, 2, ['市场策划组']).completeness)).toBe(true);
    expect(partial(row(2, 2).completeness)).toBe(false);
    expect(partial(row(0, 0).completeness)).toBe(false); // nobody reports it: nothing missing
  });

  it('names each missing unit once across the figures', () => {
    expect(missingUnits([row(1, 2, ['苏州分公司']), row(2, 4, ['苏州分公司', '财务部']), row(3, 3)])).toEqual(['苏州分公司', '财务部']);
  });
});
