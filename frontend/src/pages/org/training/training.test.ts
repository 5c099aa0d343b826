import { attendanceBody, certificateColor, defaultPlan, percent, periodsOf, planActions, sheetOf, sheetSummary, updateRow } from './training';

const session = {
  attendees: [
    { user_id: 1, user_name: '赵供应科主管', expected: true, attended: null, result: null, score: null },
    { user_id: 2, user_name: '李运营总监', expected: true, attended: false, result: null, score: null },
    { user_id: 3, user_name: '王总经理', expected: false, attended: true, result: 'pass', score: 90 },
  ],
};

describe('the attendance sheet', () => {
  it('starts from what was recorded, the audience not yet recorded as attended', () => {
    expect(sheetOf(session).map((r) => [r.user_id, r.attended, r.result])).toEqual([[1, true, null], [2, false, null], [3, true, 'pass']]);
  });

  it('clears the result and score of someone marked absent, and sends none for them', () => {
    const rows = updateRow(sheetOf(session), 3, { attended: false });
    expect(rows[2]).toMatchObject({ attended: false, result: null, score: null });
    const marked = updateRow(rows, 1, { result: 'fail', score: 55 });
    expect(attendanceBody(marked)).toEqual([
      { user_id: 1, attended: true, result: 'fail', score: 55 },
      { user_id: 2, attended: false, result: null, score: null },
      { user_id: 3, attended: false, result: null, score: null },
    ]);
  });

  it('counts attended, absent, passed and failed', () => {
    const rows = updateRow(sheetOf(session), 1, { result: 'fail' });
    expect(sheetSummary(rows)).toEqual({ total: 3, attended: 2, absent: 1, passed: 1, failed: 1 });
  });
});

describe('a plan\'s buttons', () => {
  it('lets plan holders submit drafts and returned plans only', () => {
    expect(planActions({ status: 'draft', drafted_by: '6' }, { sub: '6', canPlan: true, canGuide: false }).submit).toBe(true);
    expect(planActions({ status: 'returned', drafted_by: '6' }, { sub: '6', canPlan: true, canGuide: false }).submit).toBe(true);
    expect(planActions({ status: 'approved', drafted_by: '6' }, { sub: '6', canPlan: true, canGuide: true }).submit).toBe(false);
    expect(planActions({ status: 'draft', drafted_by: '6' }, { sub: '7', canPlan: false, canGuide: true }).submit).toBe(false);
  });

  it('lets guide holders decide a submitted plan, never its drafter', () => {
    expect(planActions({ status: 'submitted', drafted_by: '6' }, { sub: '3', canPlan: false, canGuide: true }).decide).toBe(true);
    expect(planActions({ status: 'submitted', drafted_by: '6' }, { sub: '6', canPlan: true, canGuide: true }).decide).toBe(false);
    expect(planActions({ status: 'submitted', drafted_by: '6' }, { sub: '3', canPlan: true, canGuide: false }).decide).toBe(false);
  });
});

describe('reading rates and certificates', () => {
  it('shows a rate to one decimal, and a dash when nothing was required', () => {
    expect(percent(75)).toBe('75%');
    expect(percent(66.6667)).toBe('66.7%');
    expect(percent(null)).toBe('—');
  });

  it('colours expired red, expiring orange, valid green', () => {
    expect(['expired', 'expiring', 'valid'].map(certificateColor)).toEqual(['red', 'orange', 'green']);
  });

  it('names the month and quarter of a day', () => {
    expect(periodsOf(new Date(2026, 10, 20))).toEqual({ month: '2026-11', quarter: '2026-Q4' });
    expect(periodsOf(new Date(2026, 0, 1))).toEqual({ month: '2026-01', quarter: '2026-Q1' });
  });
});

describe('the plan the sessions page opens on', () => {
  it('is this year\'s approved plan rather than next year\'s', () => {
    const plans = [{ id: 3, year: 2027, status: 'approved' }, { id: 1, year: 2026, status: 'approved' }, { id: 2, year: 2026, status: 'submitted' }];
    expect(defaultPlan(plans, 2026)?.id).toBe(1);
    expect(defaultPlan(plans.slice(0, 1), 2026)?.id).toBe(3);
    expect(defaultPlan([], 2026)).toBeUndefined();
  });
});
