import { canOver, grantCovers } from './grants';

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
