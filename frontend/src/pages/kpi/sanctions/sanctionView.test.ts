import { describe, expect, it } from 'vitest';
import { byGrade, decisionRequest, exportPeriod, fmtYuan, isChanged, needsAmount, pendingOutcomes } from './sanctionView';

const bonus = { kind: 'reward', type: 'bonus', amount: 20000 };

describe('sanction decisions', () => {
  it('confirms as proposed without a reason', () => {
    expect(decisionRequest(bonus, { mode: 'confirm' })).toEqual({ action: 'confirm', body: { reason: '' } });
  });
  it('asks a reason to change and to dismiss', () => {
    expect(decisionRequest(bonus, { mode: 'change', amount: 15000 })).toEqual({ problem: 'reasonRequired' });
    expect(decisionRequest(bonus, { mode: 'dismiss', reason: '  ' })).toEqual({ problem: 'reasonRequired' });
    expect(decisionRequest(bonus, { mode: 'dismiss', reason: '重复' })).toEqual({ action: 'dismiss', body: { reason: '重复' } });
  });
  it('sends the changed kind, type and amount with the reason', () => {
    expect(decisionRequest(bonus, { mode: 'change', amount: 15000, reason: '预算调整' })).toEqual({
      action: 'confirm', body: { kind: 'reward', type: 'bonus', amount: 15000, reason: '预算调整' } });
    expect(decisionRequest(bonus, { mode: 'change', type: 'certificate', amount: 5, reason: '改为表彰' })).toEqual({
      action: 'confirm', body: { kind: 'reward', type: 'certificate', amount: null, reason: '改为表彰' } });
  });
  it('refuses a penalty typed as a reward and money missing for a fine', () => {
    expect(decisionRequest(bonus, { mode: 'change', kind: 'penalty', reason: 'x' })).toEqual({ problem: 'typeMismatch' });
    expect(decisionRequest(bonus, { mode: 'change', kind: 'penalty', type: 'fine', amount: null, reason: 'x' })).toEqual({ problem: 'amountRequired' });
  });
  it('a change to the same values is a plain confirmation', () => {
    expect(isChanged(bonus, { amount: 20000 })).toBe(false);
    expect(decisionRequest(bonus, { mode: 'change', amount: 20000 })).toEqual({ action: 'confirm', body: { reason: '' } });
  });
});

describe('sanction formatting', () => {
  it('shows money in 元, fines negative when signed', () => {
    expect(fmtYuan(20000)).toBe('20,000 元');
    expect(fmtYuan(500, { signed: true, kind: 'penalty' })).toBe('−500 元');
    expect(fmtYuan(null)).toBe('—');
  });
  it('only bonuses and fines carry money', () => {
    expect(['bonus', 'fine', 'certificate', 'warning'].map(needsAmount)).toEqual([true, true, false, false]);
  });
  it('exports the filtered period or this year', () => {
    expect(exportPeriod('2025-Q4')).toBe('2025-Q4');
    expect(exportPeriod('bad', new Date(2026, 11, 3))).toBe('2026');
    expect(exportPeriod(undefined, new Date(2026, 11, 3))).toBe('2026');
  });
  it('groups the scale by grade in order', () => {
    expect(byGrade([{ grade: 'A', n: 1 }, { grade: 'B', n: 2 }, { grade: 'A', n: 3 }]).map(([g, l]) => [g, l.length])).toEqual([['A', 2], ['B', 1]]);
  });
});

describe('what finalising proposes', () => {
  const scale = [{ grade: 'B', subject_kind: 'person', kind: 'reward', type: 'bonus', amount: 2000, note: '良好' },
    { grade: 'D', subject_kind: 'any', kind: 'penalty', type: 'warning', amount: null, note: '' }];
  it('takes the scorecard outcomes first, then the scale for annual assessments only', () => {
    const card = [{ kind: 'reward', type: 'certificate', amount: null, note: '表彰' }];
    expect(pendingOutcomes(card, scale, { grade: 'B', kind: 'annual', subject_kind: 'person' })).toBe(card);
    expect(pendingOutcomes([], scale, { grade: 'B', kind: 'annual', subject_kind: 'person' })).toEqual([
      { kind: 'reward', type: 'bonus', amount: 2000, note: '良好' }]);
    expect(pendingOutcomes([], scale, { grade: 'B', kind: 'annual', subject_kind: 'unit' })).toEqual([]);
    expect(pendingOutcomes([], scale, { grade: 'D', kind: 'annual', subject_kind: 'unit' })).toHaveLength(1);
    expect(pendingOutcomes([], scale, { grade: 'B', kind: 'routine', subject_kind: 'person' })).toEqual([]);
  });
});
