import { barPercent, defaultBudgetPeriod, fmtRate, fmtYuan, isBudgetPeriod, toneOf } from './execution';

describe('budget execution', () => {
  it('takes years, quarters and months, nothing finer', () => {
    expect(['2026', '2026-Q4', '2026-11'].every(isBudgetPeriod)).toBe(true);
    expect(['2026-W10', '2026-13', '2026-11-03', '', null].some(isBudgetPeriod)).toBe(false);
    expect(defaultBudgetPeriod(new Date(2026, 11, 3))).toBe('2026');
  });

  it('shows 元 with two decimals and rates with one', () => {
    expect(fmtYuan(1234567.5)).toBe('1,234,567.50');
    expect(fmtYuan(null)).toBe('—');
    expect(fmtRate(112.345)).toBe('112.3%');
    expect(fmtRate(null)).toBe('—');
  });

  it('reads a row as over budget, ahead of time, within it, or empty', () => {
    const row = (budget: number, actual: number, over = actual > budget) =>
      ({ budget, actual, rate: budget > 0 ? (actual / budget) * 100 : null, over_budget: over });
    expect(toneOf(row(100, 120), 0.5)).toBe('over');
    expect(toneOf(row(0, 5, false), 0.5)).toBe('over');
    expect(toneOf(row(100, 70), 0.5)).toBe('ahead');
    expect(toneOf(row(100, 55), 0.5)).toBe('ok');
    expect(toneOf(row(0, 0), 0.5)).toBe('none');
  });

  it('caps the bar at 100 %', () => {
    expect(barPercent(112.3)).toBe(100);
    expect(barPercent(45.25)).toBe(45.3);
    expect(barPercent(null)).toBe(0);
  });
});
