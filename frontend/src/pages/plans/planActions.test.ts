import { actionBody, describeRequirement, NEEDS_TEXT, orderedActions } from './planActions';
import { isoWeek, WEEK_RE } from './week';

describe('plan actions', () => {
  it('shows exactly the allowed actions, primary ones first', () => {
    expect(orderedActions(['veto', 'approve', 'return', 'unknown'])).toEqual(['approve', 'return', 'veto']);
    expect(orderedActions(undefined)).toEqual([]);
  });

  it('sends the reason for veto and return', () => {
    expect(actionBody('veto', 'no budget')).toEqual({ comment: 'no budget', reason: 'no budget' });
    expect(actionBody('approve', 'ok')).toEqual({ comment: 'ok' });
  });

  it('asks for the reason of an adjustment (revise), which the server requires as its comment', () => {
    expect(NEEDS_TEXT.revise).toBe('text');
    expect(actionBody('revise', '原材料涨价')).toEqual({ comment: '原材料涨价' });
    expect(NEEDS_TEXT.approve).toBeUndefined();
  });
});

describe('weeks', () => {
  it('writes ISO weeks as the API does', () => {
    expect(isoWeek(new Date(2026, 0, 1))).toBe('2026-W01');
    expect(isoWeek(new Date(2026, 10, 23))).toBe('2026-W48');
    expect(isoWeek(new Date(2027, 0, 1))).toBe('2026-W53');
    expect(WEEK_RE.test('2026-W48')).toBe(true);
    expect(WEEK_RE.test('2026-48')).toBe(false);
  });
});

describe('describeRequirement', () => {
  const words = {
    right: (r: string) => ({ plan: '计划权' })[r] ?? r,
    unit: (p: string) => ({ '/1/': '华东燃气有限公司', '/1/2/': '运营管理部' })[p] ?? p,
    over: (v: { right: string; unit: string }) => `对${v.unit}的${v.right}`,
    heldIn: (v: { unit: string }) => `（由${v.unit}持有）`,
  };
  it('names the right and the units', () => {
    expect(describeRequirement("'plan' over /1/, held in /1/2/", words)).toBe('对华东燃气有限公司的计划权（由运营管理部持有）');
    expect(describeRequirement("'plan' over /1/", words)).toBe('对华东燃气有限公司的计划权');
  });
  it('passes unknown shapes through', () => {
    expect(describeRequirement('someone senior', words)).toBe('someone senior');
  });
});
