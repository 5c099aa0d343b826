/** Rewards and penalties (奖惩): what the register and its dialogs compute, apart from React. */

export type SanctionKind = 'reward' | 'penalty';
export type SanctionType = 'bonus' | 'certificate' | 'promotion' | 'warning' | 'fine' | 'demotion';

export const TYPES_OF: Record<SanctionKind, SanctionType[]> = {
  reward: ['bonus', 'certificate', 'promotion'],
  penalty: ['warning', 'fine', 'demotion'],
};

/** Bonuses and fines carry money (元); the others none. */
export const needsAmount = (type: SanctionType | string | undefined): boolean => type === 'bonus' || type === 'fine';

export const STATUS_COLOR: Record<string, string> = { proposed: 'gold', confirmed: 'green', dismissed: 'default' };

type Line = { kind: string; type: string; amount: number | null };
export type DecisionValues = { mode: 'confirm' | 'change' | 'dismiss'; kind?: SanctionKind; type?: SanctionType; amount?: number | null; reason?: string };
export type DecisionRequest =
  | { action: 'confirm'; body: { kind?: SanctionKind; type?: SanctionType; amount?: number | null; reason: string } }
  | { action: 'dismiss'; body: { reason: string } };

/** Whether the values change what was proposed (kind, type or amount). */
export function isChanged(line: Line, v: Pick<DecisionValues, 'kind' | 'type' | 'amount'>): boolean {
  const kind = v.kind ?? line.kind;
  const type = v.type ?? line.type;
  const amount = needsAmount(type) ? (v.amount ?? null) : null;
  return kind !== line.kind || type !== line.type || (amount ?? null) !== (line.amount ?? null);
}

/** What the form asks of the API, or the problem to show (a key of the sanctions namespace) before sending. */
export function decisionRequest(line: Line, v: DecisionValues): DecisionRequest | { problem: string } {
  const reason = (v.reason ?? '').trim();
  if (v.mode === 'dismiss') return reason ? { action: 'dismiss', body: { reason } } : { problem: 'reasonRequired' };
  if (v.mode === 'confirm') return { action: 'confirm', body: { reason } };
  const kind = v.kind ?? (line.kind as SanctionKind);
  const type = v.type ?? (line.type as SanctionType);
  if (!TYPES_OF[kind].includes(type)) return { problem: 'typeMismatch' };
  const amount = needsAmount(type) ? (v.amount ?? null) : null;
  if (needsAmount(type) && !amount) return { problem: 'amountRequired' };
  if (!isChanged(line, { kind, type, amount })) return { action: 'confirm', body: { reason } };
  if (!reason) return { problem: 'reasonRequired' };
  return { action: 'confirm', body: { kind, type, amount, reason } };
}

/** Money in 元 as the company reads it: 20,000 元; a fine shown as −500 元 when signed. */
export function fmtYuan(amount: number | null | undefined, opts: { signed?: boolean; kind?: string } = {}): string {
  if (amount === null || amount === undefined) return '—';
  const value = opts.signed && opts.kind === 'penalty' ? -amount : amount;
  const text = Math.abs(value).toLocaleString('zh-CN', { maximumFractionDigits: 2 });
  return `${value < 0 ? '−' : ''}${text} 元`;
}

/** The payroll export's period: the filter's when it is one, else this year. */
export function exportPeriod(filter: string | undefined, today: Date = new Date()): string {
  return filter && /^\d{4}(-(Q[1-4]|\d{2}))?$/.test(filter) ? filter : String(today.getFullYear());
}

/** The scale's lines grouped by grade, in the order the grades first appear (A, B, …). */
export function byGrade<T extends { grade: string }>(lines: T[]): [string, T[]][] {
  const out = new Map<string, T[]>();
  for (const l of lines) out.set(l.grade, [...(out.get(l.grade) ?? []), l]);
  return [...out.entries()];
}

type ScaleLineLike = { grade: string; subject_kind: string; kind: string; type: string; amount?: number | null; note?: string };
type OutcomeLike = { kind: string; type: string; amount?: number | null; note?: string };

/** What finalising a draft will propose: the scorecard's outcomes for the grade, else (annual assessments
 * only) the company scale's for the grade and the subject, as the server decides it. */
export function pendingOutcomes<O extends OutcomeLike>(cardOutcomes: O[], scale: ScaleLineLike[] | undefined,
  a: { grade: string | null; kind: string; subject_kind: string }): OutcomeLike[] {
  if (cardOutcomes.length || !a.grade || a.kind !== 'annual') return cardOutcomes;
  return (scale ?? []).filter((l) => l.grade === a.grade && (l.subject_kind === a.subject_kind || l.subject_kind === 'any'))
    .map(({ kind, type, amount, note }) => ({ kind, type, amount: amount ?? null, note: note ?? '' }));
}
