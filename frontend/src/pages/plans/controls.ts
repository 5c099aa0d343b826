/** Approval controls (撤回, 转办, 加签, 抄送): which the caller is offered, where each posts and with
 * what body, and what a stage shows of them. Pure functions; ApprovalControls.tsx renders them. */
import type {
  AddedSignerRead, AddSignerBody, Candidate, CcBody, CcRead, StageRead, TransferBody, WithdrawBody,
} from '../../api/types';

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
  to_user_id?: number;
  user_id?: number;
  user_ids?: number[];
  position?: 'before' | 'after';
};

/** The body each control posts, trimmed; only the fields its route takes (the server refuses others).
 * The people are required by the form before anything is posted. */
export function controlBody(control: PlanControl, v: ControlValues): WithdrawBody | TransferBody | AddSignerBody | CcBody {
  const comment = (v.comment ?? '').trim();
  switch (control) {
    case 'withdraw':
      return { comment };
    case 'transfer':
      return { to_user_id: v.to_user_id as number, reason: (v.reason ?? '').trim() };
    case 'add_signer':
      return { user_id: v.user_id as number, position: v.position ?? 'before', comment };
    case 'cc':
      return { user_ids: v.user_ids ?? [], comment };
  }
}

/** "李运营副总监 · 运营管理部 · 运营副总监": who, where, in which post, as the picker lists them. */
export function candidateLabel(c: Pick<Candidate, 'name' | 'unit_name' | 'position_name'>): string {
  return [c.name, c.unit_name, c.position_name].filter((part) => !!part && String(part).trim()).join(' · ');
}

/** Picker options, binding signers first for 加签 (advisory ones can only give an opinion). */
export function candidateOptions(items: readonly Candidate[] | undefined): { value: number; label: string; advisory: boolean }[] {
  return [...(items ?? [])]
    .sort((a, b) => Number(!!a.advisory) - Number(!!b.advisory))
    .map((c) => ({ value: c.id, label: candidateLabel(c), advisory: !!c.advisory }));
}

/** What a stage shows of the controls used on it: people added (加签), hand-overs (转办) and the people the
 * stage copied (抄送), by name. */
export type StageControlView = {
  added: { name: string; position: AddedSignerRead['position']; advisory: boolean; status: AddedStatus }[];
  transfers: { from: string; to: string; reason: string }[];
  cc: string[];
};

/** An added step: waiting (an 'after' step until its adder signs), pending (must act now), signed, or
 * opined (an advisory step gave its opinion). Cancelled steps (the round ended) are not shown. */
export type AddedStatus = 'waiting' | 'pending' | 'signed' | 'opined';
const ADDED_STATUSES: readonly string[] = ['waiting', 'pending', 'signed', 'opined'];

export function stageControls(stage: Pick<StageRead, 'key' | 'added_signers' | 'transfers'>, copied: readonly CcRead[] = []): StageControlView {
  return {
    added: (stage.added_signers ?? []).filter((a) => ADDED_STATUSES.includes(a.status)).map((a) => ({
      name: a.user_name, position: a.position, advisory: a.advisory, status: a.status as AddedStatus,
    })),
    transfers: (stage.transfers ?? []).map((x) => ({ from: x.from_name, to: x.to_name, reason: x.reason })),
    cc: copied.filter((c) => c.source === 'stage' && c.stage_key === stage.key).map((c) => c.user_name),
  };
}

/** True when a stage has anything of the controls to show. */
export function hasStageControls(v: StageControlView): boolean {
  return v.added.length + v.transfers.length + v.cc.length > 0;
}

/** The people the submitter copied (a stage's own copies show under that stage). */
export function submitterCopies(copied: readonly CcRead[] | undefined): string[] {
  return (copied ?? []).filter((c) => c.source === 'submitter').map((c) => c.user_name);
}

/** Whether the reader's turn on the current stage is an advisory 加签 step: their "approve" is an opinion
 * (提意见), which the server requires in words and which never returns or vetoes. */
export function advisoryTurn(stages: readonly Pick<StageRead, 'state' | 'added_signers'>[] | null | undefined, meId: number | undefined): boolean {
  if (meId === undefined) return false;
  const current = (stages ?? []).find((s) => s.state === 'current');
  return (current?.added_signers ?? []).some((a) => a.user_id === String(meId) && a.status === 'pending' && a.advisory);
}
