import { dashboardPeriod, isPeriod } from './period';

describe('period notation', () => {
  it('accepts the five kinds the services accept', () => {
    for (const p of ['2026', '2026-Q4', '2026-10', '2026-W07', '2026-10-31']) expect(isPeriod(p)).toBe(true);
  });
  it('refuses what the services refuse', () => {
    for (const p of ['', '26', '2026-13', '2026-Q5', '2026/10', '2026-10-32', 'abc']) expect(isPeriod(p)).toBe(false);
  });
  it('maps a period to the month or year the dashboard shows', () => {
    expect(dashboardPeriod('2026-10')).toBe('2026-10');
    expect(dashboardPeriod('2026-10-05')).toBe('2026-10');
    expect(dashboardPeriod('2026-Q3')).toBe('2026');
  });
});
