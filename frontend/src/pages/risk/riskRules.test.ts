import { describe, expect, it } from 'vitest';
import { canActivate, changedFields, kriDirectionFor, linesToList, mayUpdateAction, riskRights, statusOptions, statusProblem, thresholdsOrdered } from './riskRules';

const OPS = '/1/2/';
const SUP = '/1/2/3/';
const lead = (path: string) => ['plan', 'veto', 'dispatch', 'view'].map((right) => ({ right, unit_path: path, mode: 'subtree' }));

describe('riskRights', () => {
  const risk = { owner_id: 6, unit_path: SUP };
  it('a planner over the unit may do everything', () => {
    const r = riskRights(risk, lead(OPS), 3);
    expect(r).toMatchObject({ plan: true, edit: true, addAction: true, signAcceptance: true, activate: true, owner: false });
  });
  it('the owner edits and adds actions but does not sign off or activate without rights', () => {
    const r = riskRights(risk, [{ right: 'view', unit_path: SUP, mode: 'exact' }], 6);
    expect(r).toMatchObject({ plan: false, edit: true, owner: true, addAction: true, signAcceptance: false, activate: false });
  });
  it('a viewer gets nothing; veto alone signs off; dispatch alone activates and updates actions', () => {
    expect(Object.values(riskRights(risk, [{ right: 'view', unit_path: '/1/', mode: 'subtree' }], 7)).some(Boolean)).toBe(false);
    expect(riskRights(risk, [{ right: 'veto', unit_path: OPS, mode: 'subtree' }], 22).signAcceptance).toBe(true);
    const d = riskRights(risk, [{ right: 'dispatch', unit_path: SUP, mode: 'subtree' }], 20);
    expect([d.activate, d.updateActions, d.edit]).toEqual([true, true, false]);
  });
  it("an action's own owner may update it", () => {
    const none = riskRights(risk, [], 9);
    expect(mayUpdateAction({ owner_id: 9 }, none, 9)).toBe(true);
    expect(mayUpdateAction({ owner_id: 8 }, none, 9)).toBe(false);
  });
});

describe('lifecycle', () => {
  it('offers the current status and its transitions', () => {
    expect(statusOptions('identified', false)).toEqual(['identified', 'closed']);
    expect(statusOptions('closed', false)).toEqual(['closed', 'identified']);
    expect(statusOptions('closed', true)).toEqual(['closed', 'identified', 'assessed']);
  });
  it('names the 409s before sending', () => {
    expect(statusProblem({ level: 'low', acceptance: null }, { status: 'treating', strategy: null })).toBe('risk.rule.treatingNeedsStrategy');
    expect(statusProblem({ level: 'high', acceptance: null }, { status: 'treating', strategy: 'reduce', contingency: false })).toBe('risk.rule.treatingNeedsPlan');
    expect(statusProblem({ level: 'high', acceptance: null }, { status: 'treating', strategy: 'reduce', contingency: true })).toBeNull();
    expect(statusProblem({ level: 'critical', acceptance: null }, { status: 'monitoring', strategy: 'accept' })).toBe('risk.rule.acceptNeedsSignOff');
    expect(statusProblem({ level: 'medium', acceptance: null }, { status: 'monitoring', strategy: 'accept' })).toBeNull();
  });
});

describe('KRIs and plans', () => {
  it('orders thresholds by direction', () => {
    expect(thresholdsOrdered('below', 85, 80)).toBe(true);
    expect(thresholdsOrdered('below', 80, 85)).toBe(false);
    expect(thresholdsOrdered('above', 5, 8)).toBe(true);
    expect(thresholdsOrdered('above', 8, 5)).toBe(false);
    expect(kriDirectionFor('lower_better')).toBe('above');
    expect(kriDirectionFor('higher_better')).toBe('below');
  });
  it('activates only when no contingency action is open', () => {
    const plan = { trigger: 't', steps: [{ title: 's', due_in_days: 1 }], owner_id: 3 };
    expect(canActivate({ contingency_plan: plan, status: 'treating' }, [{ source: 'measure', status: 'open' }])).toBe(true);
    expect(canActivate({ contingency_plan: plan, status: 'treating' }, [{ source: 'contingency', status: 'in_progress' }])).toBe(false);
    expect(canActivate({ contingency_plan: null, status: 'treating' }, [])).toBe(false);
    expect(canActivate({ contingency_plan: plan, status: 'closed' }, [])).toBe(false);
  });
  it('reads lines and sends only changed fields', () => {
    expect(linesToList(' a \n\nb')).toEqual(['a', 'b']);
    expect(changedFields({ title: 'x', description: 'd', next_review_date: null }, { title: 'x', description: 'e', next_review_date: undefined })).toEqual({ description: 'e' });
  });
});
