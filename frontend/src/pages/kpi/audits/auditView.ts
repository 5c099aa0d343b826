/** What an audit page shows and offers, as pure functions of the audit and the signed-in user: the stage
 * timeline and which steps this user may take (the same rules as services/kpi/audits/service.py, so a
 * button shows exactly when the API would accept the click). */
import { canOver } from '../../../app/grants';
import type { GrantRead } from '../../../api/types';

export const STAGES = ['draft', 'noticed', 'fieldwork', 'draft_report', 'responded', 'final'] as const;
export type Stage = (typeof STAGES)[number];

type Grants = readonly Pick<GrantRead, 'right' | 'unit_path' | 'mode'>[] | undefined;

export type AuditLike = {
  status: string;
  unit_path: string;
  units: { unit_path: string }[];
  leader: { user_id: number };
  members: { user_id: number }[];
  response_due?: string | null;
  response_overdue?: boolean;
};

/** The index of the audit's stage in STAGES (the Steps' current step). */
export function stageIndex(status: string): number {
  const i = (STAGES as readonly string[]).indexOf(status);
  return i < 0 ? 0 : i;
}

/** Steps' status: the final report finishes the audit; until then the current stage is in progress. */
export function timelineStatus(status: string): 'finish' | 'process' {
  return status === 'final' ? 'finish' : 'process';
}

export function onTeam(a: AuditLike, userId: number | undefined): boolean {
  return userId !== undefined && (a.leader.user_id === userId || a.members.some((m) => m.user_id === userId));
}

export type Steps = {
  notice: boolean;      // 发审计通知: assess over every audited unit, in draft
  fieldwork: boolean;   // 开始现场审计: the team, once noticed
  finding: boolean;     // 记录审计发现: the team, during fieldwork
  upload: boolean;      // 上传底稿: the team, from the notice until the final report
  draft: boolean;       // 出具征求意见稿: the leader, during fieldwork
  respond: boolean;     // 反馈意见: plan over the first audited unit (not the team), on the draft report
  finalise: boolean;    // 出具终稿: the leader, after the response or its deadline
};

export function allowedSteps(a: AuditLike, userId: number | undefined, grants: Grants): Steps {
  const team = onTeam(a, userId);
  const leader = userId !== undefined && a.leader.user_id === userId;
  const assessAll = a.units.length > 0 && a.units.every((u) => canOver(grants, 'assess', u.unit_path));
  return {
    notice: a.status === 'draft' && assessAll,
    fieldwork: a.status === 'noticed' && team,
    finding: a.status === 'fieldwork' && team,
    upload: ['noticed', 'fieldwork', 'draft_report', 'responded'].includes(a.status) && team,
    draft: a.status === 'fieldwork' && leader,
    respond: a.status === 'draft_report' && canOver(grants, 'plan', a.unit_path) && !team, // auditors never answer for the audited
    finalise: leader && (a.status === 'responded' || (a.status === 'draft_report' && !!a.response_overdue)),
  };
}

export type ResponseLine = { finding_id: number; verdict: string; reason?: string };

/** The findings the audited unit disputed: each needs the leader's keep/withdraw in the final report. */
export function disputedIds(responses: readonly ResponseLine[] | undefined): number[] {
  return (responses ?? []).filter((r) => r.verdict === 'dispute').map((r) => r.finding_id);
}

/** The response form's lines, one per finding; a dispute without a reason is not ready to send. */
export function responseReady(findingIds: readonly number[], lines: Record<number, { verdict?: string; reason?: string }>): boolean {
  return findingIds.every((id) => {
    const line = lines[id];
    if (!line?.verdict) return false;
    return line.verdict === 'accept' || !!line.reason?.trim();
  });
}

/** The response per finding, by id, for showing beside each finding. */
export function responsesById<T extends { finding_id: number }>(rows: readonly T[] | undefined): Map<number, T> {
  return new Map((rows ?? []).map((r) => [r.finding_id, r]));
}

export const SEVERITY_COLOR: Record<string, string> = { minor: 'blue', major: 'orange', critical: 'red' };
export const STATUS_COLOR: Record<string, string> = {
  draft: 'default', noticed: 'cyan', fieldwork: 'processing', draft_report: 'gold', responded: 'purple', final: 'success',
};
