import { canOver, grantCovers, highestUnitCovered } from './grants';

const g = (right: string, unit_path: string, mode: string) => ({ right, unit_path, mode });

describe('grants over a unit', () => {
  it('descendants (下属) covers units strictly below, not the unit itself', () => {
    const ops = g('assess', '/1/2/', 'descendants');
    expect(grantCovers(ops, 'assess', '/1/2/3/')).toBe(true);
    expect(grantCovers(ops, 'assess', '/1/2/')).toBe(false);
    expect(grantCovers(ops, 'assess', '/1/7/')).toBe(false);
  });

  it('subtree covers the unit and below; exact only the unit', () => {
    expect(grantCovers(g('assess', '/1/', 'subtree'), 'assess', '/1/')).toBe(true);
    expect(grantCovers(g('assess', '/1/', 'subtree'), 'assess', '/1/9/')).toBe(true);
    expect(grantCovers(g('view', '/1/2/', 'exact'), 'view', '/1/2/3/')).toBe(false);
  });

  it('needs the right itself, and a known unit', () => {
    const grants = [g('view', '/1/', 'subtree'), g('plan', '/1/2/', 'subtree')];
    expect(canOver(grants, 'assess', '/1/2/')).toBe(false);
    expect(canOver(grants, ['plan', 'assess'], '/1/2/5/')).toBe(true);
    expect(canOver(grants, 'view', undefined)).toBe(false);
  });
});

describe('the highest unit a caller covers (where 汇总平衡 opens)', () => {
  it('is the company for the operations director, whose plan and view reach the whole company', () => {
    const director = [g('plan', '/1/', 'subtree'), g('view', '/1/', 'subtree'), g('assess', '/1/2/', 'subtree'), g('suggest', '/1/', 'exact')];
    expect(highestUnitCovered(director, ['plan', 'view'], { subtreeOnly: true })).toBe('/1/');
  });

  it('is their department for a department manager, not the company they may only suggest to', () => {
    const manager = [g('plan', '/1/7/', 'subtree'), g('view', '/1/7/', 'subtree'), g('suggest', '/1/', 'exact'), g('assess', '/1/7/', 'subtree')];
    expect(highestUnitCovered(manager, ['plan', 'view'], { subtreeOnly: true })).toBe('/1/7/');
  });

  it('is none for a specialist, whose view is of their own team alone', () => {
    const analyst = [g('view', '/1/7/8/', 'exact'), g('suggest', '/1/7/8/', 'exact'), g('suggest', '/1/7/', 'exact')];
    expect(highestUnitCovered(analyst, ['plan', 'view'], { subtreeOnly: true })).toBeUndefined();
    expect(highestUnitCovered(analyst, 'view')).toBe('/1/7/8/');
  });

  it('skips a descendants grant, which does not cover its own unit', () => {
    expect(highestUnitCovered([g('assess', '/1/2/', 'descendants'), g('assess', '/1/2/3/', 'exact')], 'assess')).toBe('/1/2/3/');
    expect(highestUnitCovered(undefined, 'view')).toBeUndefined();
  });
});
