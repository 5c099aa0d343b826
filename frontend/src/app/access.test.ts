import { accessOf, allows, CONSOLIDATION_ACCESS, MENU, selectedKey, visibleMenu, type MenuNode } from './access';

const keys = (nodes: MenuNode[]): string[] => nodes.flatMap((n) => [n.key, ...(n.children ? keys(n.children) : [])]);
const g = (...rights: string[]) => rights.map((right) => ({ right, mode: 'subtree' }));

describe('menu by grants', () => {
  it('shows only My work and proposing an improvement to a user without grants', () => {
    expect(keys(visibleMenu(MENU, accessOf([])))).toEqual(['inbox', 'proposals', 'proposals.new', 'proposals.mine']);
  });

  it('shows the proposal register to those who view units, and keeps a proposal under it', () => {
    expect(keys(visibleMenu(MENU, accessOf(g('view'))))).toContain('proposals.register');
    expect(selectedKey(MENU, '/proposals/12')).toBe('proposals.register');
    expect(selectedKey(MENU, '/proposals/new')).toBe('proposals.new');
  });

  it('shows plans and org but no admin to a department manager', () => {
    const k = keys(visibleMenu(MENU, accessOf(g('plan', 'suggest', 'veto', 'dispatch', 'view'))));
    expect(k).toEqual(expect.arrayContaining(['inbox', 'plans', 'plans.list', 'plans.new', 'plans.consolidation', 'org', 'org.tree']));
    expect(k).not.toContain('admin');
    expect(k.filter((x) => x.startsWith('admin'))).toEqual([]);
  });

  it('hides New plan from someone who may only view', () => {
    const k = keys(visibleMenu(MENU, accessOf(g('view'))));
    expect(k).toContain('plans.list');
    expect(k).not.toContain('plans.new');
  });

  it('shows the admin menu only with an admin grant', () => {
    const k = keys(visibleMenu(MENU, accessOf(g('admin'))));
    expect(k).toEqual(expect.arrayContaining(['admin', 'admin.roles', 'admin.users', 'admin.explain', 'admin.audit', 'admin.webhooks']));
  });

  it('shows KPI and risk to any grant holder, the import only with plan', () => {
    const viewer = keys(visibleMenu(MENU, accessOf(g('view'))));
    expect(viewer).toEqual(expect.arrayContaining(['kpi', 'kpi.dashboard', 'kpi.indicators', 'kpi.actions', 'risk', 'risk.register', 'risk.heatmap', 'risk.alerts']));
    expect(viewer).not.toContain('kpi.import');
    expect(keys(visibleMenu(MENU, accessOf(g('plan'))))).toContain('kpi.import');
    expect(selectedKey(MENU, '/risk/3')).toBe('risk.register');
    expect(selectedKey(MENU, '/risk/heatmap')).toBe('risk.heatmap');
  });

  it('allows nothing when signed out', () => {
    expect(visibleMenu(MENU, accessOf(g('admin'), false))).toEqual([]);
    expect(allows('signedIn', accessOf([], false))).toBe(false);
  });

  it('selects the longest matching menu path', () => {
    expect(selectedKey(MENU, '/plans/12')).toBe('plans.list');
    expect(selectedKey(MENU, '/plans/new')).toBe('plans.new');
    expect(selectedKey(MENU, '/plans/consolidation')).toBe('plans.consolidation');
    expect(selectedKey(MENU, '/nowhere')).toBeUndefined();
  });

  it('offers 汇总平衡 only to those whose plan or view reaches a unit and its children (the analyst would get 403)', () => {
    const grant = (right: string, mode: string) => ({ right, mode });
    // 专员: view and suggest over their own team, suggest over the department
    const analyst = accessOf([grant('view', 'exact'), grant('suggest', 'exact'), grant('suggest', 'exact')]);
    expect(keys(visibleMenu(MENU, analyst))).not.toContain('plans.consolidation');
    expect(allows(CONSOLIDATION_ACCESS, analyst)).toBe(false);
    const manager = accessOf([grant('plan', 'subtree'), grant('view', 'subtree'), grant('suggest', 'exact')]);
    expect(keys(visibleMenu(MENU, manager))).toContain('plans.consolidation');
    // the system administrator views the whole company
    expect(allows(CONSOLIDATION_ACCESS, accessOf([grant('admin', 'subtree'), grant('view', 'subtree')]))).toBe(true);
  });
});

describe('the cockpit in the menu', () => {
  it('is offered to those who view a unit with what lies below it, not to those who view one unit alone', () => {
    const head = accessOf([{ right: 'view', mode: 'subtree' }, { right: 'plan', mode: 'subtree' }]);
    expect(keys(visibleMenu(MENU, head))).toContain('cockpit');
    expect(keys(visibleMenu(MENU, accessOf([{ right: 'view', mode: 'exact' }])))).not.toContain('cockpit');
    expect(allows('viewsUnit', accessOf([]))).toBe(false);
  });
});
