/** Approval controls (撤回, 转办, 加签, 抄送): which the caller is offered, where each posts and with
 * what body, and what a stage shows of them. Pure functions; ApprovalControls.tsx renders them. */

export type PlanControl = 'withdraw' | 'transfer' | 'add_signer' | 'cc';
export const CONTROLS: readonly PlanControl[] = ['withdraw', 'transfer', 'add_signer', 'cc'];

/** The controls the plan's allowed_actions name, in a stable order; anything else is dropped. */
export function orderedControls(allowed: readonly string[] | undefined): PlanControl[] {
  const set = new Set(allowed ?? []);
  return CONTROLS.filter((c) => set.has(c));
}

/** The route under /plans/{id}/ (add_signer is spelt add-signer in the URL). */
export function controlPath(control: PlanControl): string {
  return control.replace('_', '-');
}

/** Whether the control's modal picks people, and how many. */
export function pickerMode(control: PlanControl): 'one' | 'many' | null {
  return control === 'cc' ? 'many' : control === 'withdraw' ? null : 'one';
}

/** What the modal's form holds: field names are the body's, so the server's field errors land on them. */
export type ControlValues = {
  comment?: string;
  reason?: string;
  to_user_id?: number | string;
  user_id?: number | string;
  user_ids?: (number | string)[];
  position?: 'before' | 'after';
};

/** The body each control posts, trimmed; only the fields its route takes (the server refuses others). */
export function controlBody(control: PlanControl, v: ControlValues): Record<string, unknown> {
  const comment = (v.comment ?? '').trim();
  switch (control) {
    case 'withdraw':
      return { comment };
    case 'transfer':
      return { to_user_id: v.to_user_id, reason: (v.reason ?? '').trim() };
    case 'add_signer':
      return { user_id: v.user_id, position: v.position ?? 'before', comment };
    case 'cc':
      return { user_ids: v.user_ids ?? [], comment };
  }
}

/** A person the server offers for a control (derived from org's holders). */
export type Candidate = {
  id: number | string;
  name: string;
  unit_name?: string | null;
  position_name?: string | null;
  advisory?: boolean | null;
};

/** "李运营副总监 · 运营管理部 · 运营副总监": who, where, in which post, as the picker lists them. */
export function candidateLabel(c: Candidate): string {
  return [c.name, c.unit_name, c.position_name].filter((part) => !!part && String(part).trim()).join(' · ');
}

/** Picker options, binding signers first for 加签 (advisory ones can only give an opinion). */
export function candidateOptions(items: readonly Candidate[] | undefined): { value: number | string; label: string; advisory: boolean }[] {
  return [...(items ?? [])]
    .sort((a, b) => Number(!!a.advisory) - Number(!!b.advisory))
    .map((c) => ({ value: c.id, label: candidateLabel(c), advisory: !!c.advisory }));
}

type Loose = Record<string, unknown>;
const text = (r: Loose, ...keys: string[]): string => {
  for (const k of keys) if (typeof r[k] === 'string' && (r[k] as string).trim()) return r[k] as string;
  return '';
};
const rows = (v: unknown): Loose[] => (Array.isArray(v) ? v.filter((x): x is Loose => !!x && typeof x === 'object') : []);

/** What a stage shows of the controls used on it: people added (加签), hand-overs (转办) and copies (抄送),
 * by name. */
export type StageControlView = {
  added: { name: string; position: string; advisory: boolean; status: AddedStatus }[];
  transfers: { from: string; to: string; reason: string }[];
  cc: string[];
};

/** An added step: waiting (an 'after' step until its adder signs), pending (must act now), signed, or
 * opined (an advisory step gave its opinion). Cancelled steps are not shown. */
export type AddedStatus = 'waiting' | 'pending' | 'signed' | 'opined';
const ADDED_STATUSES: readonly string[] = ['waiting', 'pending', 'signed', 'opined'];

export function stageControls(stage: object): StageControlView {
  const s = stage as Loose;
  return {
    added: rows(s.added_signers).filter((a) => ADDED_STATUSES.includes(text(a, 'status'))).map((a) => ({
      name: text(a, 'user_name', 'name'),
      position: text(a, 'position'),
      advisory: a.advisory === true,
      status: text(a, 'status') as AddedStatus,
    })),
    transfers: rows(s.transfers).map((x) => ({
      from: text(x, 'from_name', 'from_user_name', 'by_name'),
      to: text(x, 'to_name', 'to_user_name'),
      reason: text(x, 'reason'),
    })),
    cc: rows(s.cc).map((c) => text(c, 'user_name', 'name')).filter(Boolean),
  };
}

/** True when a stage has anything of the controls to show. */
export function hasStageControls(v: StageControlView): boolean {
  return v.added.length + v.transfers.length + v.cc.length > 0;
}

/** Whether the reader's turn on the current stage is an advisory 加签 step: their "approve" is an opinion
 * (提意见), which the server requires in words and which never returns or vetoes. */
export function advisoryTurn(stages: readonly object[] | null | undefined, meId: number | string | undefined): boolean {
  if (meId === undefined) return false;
  const current = (stages ?? []).find((s) => (s as Loose).state === 'current') as Loose | undefined;
  if (!current) return false;
  return rows(current.added_signers).some((a) => String(a.user_id) === String(meId) && a.status === 'pending' && a.advisory === true);
}
