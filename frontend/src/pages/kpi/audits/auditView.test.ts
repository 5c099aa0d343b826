import { allowedSteps, disputedIds, onTeam, responseReady, stageIndex, timelineStatus } from './auditView';

const MKT = '/1/7/';
const RES = '/1/7/8/';
const PLN = '/1/7/9/';
const audit = (status: string, extra: Record<string, unknown> = {}) => ({
  status, unit_path: RES, units: [{ unit_path: RES }, { unit_path: PLN }],
  leader: { user_id: 21 }, members: [{ user_id: 22 }], response_overdue: false, ...extra,
});
const grant = (right: string, unit_path: string) => ({ right, unit_path, mode: 'subtree' as const });

describe('audit timeline', () => {
  it('places each stage on the Steps and finishes at the final report', () => {
    expect(stageIndex('draft')).toBe(0);
    expect(stageIndex('draft_report')).toBe(3);
    expect(stageIndex('final')).toBe(5);
    expect(stageIndex('unknown')).toBe(0);
    expect(timelineStatus('fieldwork')).toBe('process');
    expect(timelineStatus('final')).toBe('finish');
  });
});

describe('who may take which step', () => {
  it('lets only a holder of assess over every audited unit issue the notice', () => {
    expect(allowedSteps(audit('draft'), 5, [grant('assess', MKT)]).notice).toBe(true);
    expect(allowedSteps(audit('draft'), 5, [grant('assess', RES)]).notice).toBe(false);
    expect(allowedSteps(audit('noticed'), 5, [grant('assess', MKT)]).notice).toBe(false);
  });

  it('gives fieldwork and findings to the team, the draft report to the leader alone', () => {
    expect(onTeam(audit('fieldwork'), 22)).toBe(true);
    expect(onTeam(audit('fieldwork'), undefined)).toBe(false);
    expect(allowedSteps(audit('noticed'), 22, []).fieldwork).toBe(true);
    expect(allowedSteps(audit('fieldwork'), 22, []).finding).toBe(true);
    expect(allowedSteps(audit('fieldwork'), 22, []).draft).toBe(false);
    expect(allowedSteps(audit('fieldwork'), 21, []).draft).toBe(true);
    expect(allowedSteps(audit('fieldwork'), 5, [grant('assess', MKT)]).finding).toBe(false);
    expect(allowedSteps(audit('final'), 21, []).upload).toBe(false);
  });

  it('gives the response to plan over the first audited unit, not the second', () => {
    expect(allowedSteps(audit('draft_report'), 30, [grant('plan', RES)]).respond).toBe(true);
    expect(allowedSteps(audit('draft_report'), 31, [grant('plan', PLN)]).respond).toBe(false);
    expect(allowedSteps(audit('responded'), 30, [grant('plan', RES)]).respond).toBe(false);
    expect(allowedSteps(audit('draft_report'), 21, [grant('plan', MKT)]).respond).toBe(false); // the leader
  });

  it('lets the leader finalise after the response, or once its deadline passed', () => {
    expect(allowedSteps(audit('responded'), 21, []).finalise).toBe(true);
    expect(allowedSteps(audit('responded'), 22, []).finalise).toBe(false);
    expect(allowedSteps(audit('draft_report'), 21, []).finalise).toBe(false);
    expect(allowedSteps(audit('draft_report', { response_overdue: true }), 21, []).finalise).toBe(true);
  });
});

describe('response and resolutions', () => {
  it('needs a verdict for every finding and a reason for each dispute', () => {
    expect(responseReady([1, 2], { 1: { verdict: 'accept' } })).toBe(false);
    expect(responseReady([1, 2], { 1: { verdict: 'accept' }, 2: { verdict: 'dispute', reason: ' ' } })).toBe(false);
    expect(responseReady([1, 2], { 1: { verdict: 'accept' }, 2: { verdict: 'dispute', reason: '已补批' } })).toBe(true);
    expect(responseReady([], {})).toBe(true);
  });

  it('lists the disputed findings the final report must resolve', () => {
    expect(disputedIds([{ finding_id: 1, verdict: 'accept' }, { finding_id: 2, verdict: 'dispute' }])).toEqual([2]);
    expect(disputedIds(undefined)).toEqual([]);
  });
});
