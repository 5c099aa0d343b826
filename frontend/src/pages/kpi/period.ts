/** The services' one period notation (services/common/periods.py): 2026, 2026-Q1, 2026-03,
 * 2026-W12, 2026-03-15. Forms check it here so the user hears about a typo before the API does. */
export const PERIOD_RE = /^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?|-W(0[1-9]|[1-4]\d|5[0-3]))?$/;

/** A form rule for a required period field (the required rule speaks for an empty one). */
export function periodRule(message: string) {
  return { validator: async (_: unknown, p?: string) => { if (p && p.trim() && !isPeriod(p)) throw new Error(message); } };
}

export function isPeriod(text: string | undefined | null): boolean {
  return !!text && PERIOD_RE.test(text.trim());
}

/** The dashboard shows months and years: the month or year a period falls in. */
export function dashboardPeriod(p: string): string {
  if (/^\d{4}(-\d{2})?$/.test(p)) return p;
  if (/^\d{4}-\d{2}-\d{2}$/.test(p)) return p.slice(0, 7);
  return p.slice(0, 4);
}
