/** Training pages' pure logic: the attendance sheet (what the trainer edits and what is sent), a plan's
 * buttons for the reader, certificate tones and the completion rate as people read it. */
import type { CertificationRead, TrainingAttendanceIn, TrainingPlanRead, TrainingSessionRead } from '../../../api/types';

export type Result = 'pass' | 'fail';

export type SheetRow = {
  user_id: number;
  user_name: string;
  expected: boolean;
  attended: boolean;
  result: Result | null;
  score: number | null;
};

/** The sheet to edit: what was recorded, and for the audience not yet recorded "attended" (the trainer marks
 * the absent ones, the usual case on a phone at the door). */
export function sheetOf(session: Pick<TrainingSessionRead, 'attendees'>): SheetRow[] {
  return session.attendees.map((a) => ({
    user_id: a.user_id,
    user_name: a.user_name,
    expected: a.expected,
    attended: a.attended ?? true,
    result: (a.result as Result | null) ?? null,
    score: a.score ?? null,
  }));
}

/** What is sent: an absent person has no result or score (the API refuses one). */
export function attendanceBody(rows: readonly SheetRow[]): TrainingAttendanceIn[] {
  return rows.map((r) => (r.attended
    ? { user_id: r.user_id, attended: true, result: r.result, score: r.score }
    : { user_id: r.user_id, attended: false, result: null, score: null }));
}

/** Change one person's row; marking someone absent clears their result and score. */
export function updateRow(rows: readonly SheetRow[], userId: number, change: Partial<Omit<SheetRow, 'user_id'>>): SheetRow[] {
  return rows.map((r) => {
    if (r.user_id !== userId) return r;
    const next = { ...r, ...change };
    return next.attended ? next : { ...next, result: null, score: null };
  });
}

export function sheetSummary(rows: readonly SheetRow[]) {
  return {
    total: rows.length,
    attended: rows.filter((r) => r.attended).length,
    absent: rows.filter((r) => !r.attended).length,
    passed: rows.filter((r) => r.attended && r.result === 'pass').length,
    failed: rows.filter((r) => r.attended && r.result === 'fail').length,
  };
}

/** Which of a plan's buttons the reader gets: submit (plan over the unit, a draft or returned plan) and decide
 * (guide over the unit, a submitted plan, not its own drafter) — the API's own rules, said before clicking. */
export function planActions(plan: Pick<TrainingPlanRead, 'status' | 'drafted_by'>,
  reader: { sub?: string; canPlan: boolean; canGuide: boolean }): { submit: boolean; decide: boolean } {
  return {
    submit: reader.canPlan && (plan.status === 'draft' || plan.status === 'returned'),
    decide: reader.canGuide && plan.status === 'submitted' && plan.drafted_by !== reader.sub,
  };
}

export function certificateColor(status: CertificationRead['status']): string {
  if (status === 'expired') return 'red';
  if (status === 'expiring') return 'orange';
  return 'green';
}

/** 75 → "75%", 66.67 → "66.7%"; nothing required → "—". */
export function percent(rate: number | null | undefined): string {
  if (rate === null || rate === undefined) return '—';
  return `${Math.round(rate * 10) / 10}%`;
}

/** The month (2026-11) and quarter (2026-Q4) of a day, for the completion-rate periods. */
export function periodsOf(day: Date): { month: string; quarter: string } {
  const y = day.getFullYear();
  const m = day.getMonth() + 1;
  return { month: `${y}-${String(m).padStart(2, '0')}`, quarter: `${y}-Q${Math.ceil(m / 3)}` };
}

/** The plan a sessions page opens on: the newest approved plan of this year or earlier (the one sessions are held
 * for now), else the first approved one. */
export function defaultPlan<P extends Pick<TrainingPlanRead, 'id' | 'year' | 'status'>>(plans: readonly P[], year: number): P | undefined {
  const approved = plans.filter((p) => p.status === 'approved');
  const current = approved.filter((p) => p.year <= year).sort((a, b) => b.year - a.year || a.id - b.id);
  return current[0] ?? approved[0];
}
