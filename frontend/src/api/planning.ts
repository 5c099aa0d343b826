/** TanStack Query hooks for the planning service; keys are ['planning', resource, params]. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import { controlPath, type PlanControl } from '../pages/plans/controls';
import type {
  AdjustmentIn, AdjustmentRead, DecisionIn, DecisionRead, DispatchBody, GuidanceRead,
  Agenda, Candidate, Consolidation, HistoryRead, Page, PlanCreate, PlanRead, PlanSummary, PlanUpdate, ProgressIn, ProgressRead,
  ReportIn, ReportRead, SuggestionRead, TaskRead, WithdrawBody, TransferBody, AddSignerBody, CcBody,
} from './types';

const P = '/api/planning';
export const planPath = (id: number) => `${P}/plans/${id}`;

export type PlanListParams = { unit_id?: number; period?: string; status?: string; kind?: string; subtree?: boolean; limit?: number; cursor?: string };

export function usePlans(params: PlanListParams) {
  return useQuery({
    queryKey: ['planning', 'plans', params],
    queryFn: ({ signal }) => api.get<Page<PlanSummary>>(`${P}/plans`, { limit: 100, ...params }, signal),
  });
}

export function usePlan(id: number | undefined) {
  return useQuery({
    queryKey: ['planning', 'plan', { id }],
    queryFn: ({ signal }) => api.get<PlanRead>(planPath(id as number), undefined, signal),
    enabled: id !== undefined && Number.isFinite(id),
  });
}

export function usePlanHistory(id: number | undefined, range: { from?: number; to?: number } = {}) {
  return useQuery({
    queryKey: ['planning', 'history', { id, ...range }],
    queryFn: ({ signal }) => api.get<HistoryRead>(`${planPath(id as number)}/history`, range, signal),
    enabled: id !== undefined,
  });
}

export function useSuggestions(id: number | undefined) {
  return useQuery({
    queryKey: ['planning', 'suggestions', { id }],
    queryFn: ({ signal }) => api.get<SuggestionRead[]>(`${planPath(id as number)}/suggestions`, undefined, signal),
    enabled: id !== undefined,
  });
}

export function useReports(id: number | undefined) {
  return useQuery({
    queryKey: ['planning', 'reports', { id }],
    queryFn: ({ signal }) => api.get<ReportRead[]>(`${planPath(id as number)}/reports`, undefined, signal),
    enabled: id !== undefined,
  });
}

export function useTasks(params: { mine?: boolean; plan_id?: number; overdue?: boolean; owner_id?: number }, enabled = true) {
  return useQuery({
    queryKey: ['planning', 'tasks', params],
    queryFn: ({ signal }) => api.get<Page<TaskRead>>(`${P}/tasks`, { limit: 100, ...params }, signal),
    enabled,
  });
}

export function useAwaitingMe(enabled = true) {
  return useQuery({
    queryKey: ['planning', 'awaiting-me', {}],
    queryFn: ({ signal }) => api.get<PlanRead[]>(`${P}/plans/awaiting-me`, undefined, signal),
    enabled,
  });
}

export function useConsolidation(params: { unit_id?: number; period?: string }) {
  return useQuery({
    queryKey: ['planning', 'consolidation', params],
    queryFn: ({ signal }) => api.get<Consolidation>(`${P}/consolidation`, params, signal),
    enabled: params.unit_id !== undefined && !!params.period,
  });
}

export function useAgenda(week: string | undefined, unit_id?: number) {
  return useQuery({
    queryKey: ['planning', 'agenda', { week, unit_id }],
    queryFn: ({ signal }) => api.get<Agenda>(`${P}/meetings/${week}/agenda`, { unit_id }, signal),
    enabled: !!week,
  });
}

function usePlanInvalidation() {
  const qc = useQueryClient();
  return (plan?: PlanRead) => {
    if (plan) qc.setQueryData(['planning', 'plan', { id: plan.id }], plan);
    void qc.invalidateQueries({ queryKey: ['planning'] });
  };
}

export function useCreatePlan() {
  const done = usePlanInvalidation();
  return useMutation({ mutationFn: (body: PlanCreate) => api.post<PlanRead>(`${P}/plans`, body), onSuccess: done });
}

export function useUpdatePlan(id: number) {
  const done = usePlanInvalidation();
  return useMutation({ mutationFn: (body: PlanUpdate) => api.patch<PlanRead>(planPath(id), body), onSuccess: done });
}

export type PlanAction = 'submit' | 'approve' | 'return' | 'veto' | 'issue' | 'publish' | 'revise' | 'suggest' | 'guide';

export function usePlanAction(id: number) {
  const done = usePlanInvalidation();
  return useMutation({
    mutationFn: ({ action, comment, reason }: { action: PlanAction; comment?: string; reason?: string }) =>
      api.post<PlanRead>(`${planPath(id)}/${action}`, { comment: comment ?? '', reason: reason ?? null }, { ifMatch: planPath(id) }),
    onSuccess: done,
  });
}

/** 撤回, 转办, 加签, 抄送 (pages/plans/controls.ts builds the bodies); If-Match like the other actions. */
export function usePlanControl(id: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ control, body }: { control: PlanControl; body: WithdrawBody | TransferBody | AddSignerBody | CcBody }) =>
      api.post<PlanRead>(`${planPath(id)}/${controlPath(control)}`, body, { ifMatch: planPath(id) }),
    onSuccess: (plan) => {
      qc.setQueryData(['planning', 'plan', { id: plan.id }], plan);
      // not the open picker's people: after a transfer the server refuses to name them to the one who transferred
      void qc.invalidateQueries({ queryKey: ['planning'], predicate: (q) => q.queryKey[1] !== 'candidates' });
    },
  });
}

/** Whom a control may name on this plan (the server derives them from org's holders). */
export function usePlanCandidates(id: number, control: Exclude<PlanControl, 'withdraw'> | null) {
  return useQuery({
    queryKey: ['planning', 'candidates', { id, control }],
    queryFn: ({ signal }) => api.get<Candidate[]>(`${planPath(id)}/candidates`, { control: control as string }, signal),
    enabled: control !== null,
    // asked afresh each time a dialog opens: who may be named changes with every decision on the plan
    staleTime: 0,
    gcTime: 0,
  });
}

export function useAnswerSuggestion(planId: number) {
  const done = usePlanInvalidation();
  return useMutation({
    mutationFn: ({ suggestionId, accepted, reason }: { suggestionId: number; accepted: boolean; reason: string }) =>
      api.post<SuggestionRead>(`${planPath(planId)}/suggestions/${suggestionId}/answer`, { accepted, reason }),
    onSuccess: () => done(),
  });
}

export function useSaveReport(planId: number) {
  const done = usePlanInvalidation();
  return useMutation({
    mutationFn: (body: ReportIn) => api.put<ReportRead>(`${planPath(planId)}/reports/${body.week}`, body),
    onSuccess: () => done(),
  });
}

export const exportPlanUrl = (id: number) => `${planPath(id)}/export.xlsx`;
export const exportConsolidationUrl = (unit_id: number, period: string) =>
  `${P}/consolidation/export.xlsx?unit_id=${unit_id}&period=${encodeURIComponent(period)}`;

export function useGuidanceNotes(id: number | undefined) {
  return useQuery({
    queryKey: ['planning', 'guidance-notes', { id }],
    queryFn: ({ signal }) => api.get<GuidanceRead[]>(`${planPath(id as number)}/guidance-notes`, undefined, signal),
    enabled: id !== undefined,
  });
}

export function useAddDecision(week: string) {
  const done = usePlanInvalidation();
  return useMutation({
    mutationFn: (body: DecisionIn) => api.post<DecisionRead>(`${P}/meetings/${week}/decisions`, body),
    onSuccess: () => done(),
  });
}

export function useAddAdjustment() {
  const done = usePlanInvalidation();
  return useMutation({
    mutationFn: (body: AdjustmentIn) => api.post<AdjustmentRead>(`${P}/consolidation/adjustments`, body),
    onSuccess: () => done(),
  });
}

/** 综合平衡 applied: the child plan's target changes (plan right over the company, not the proposer). */
export function useApplyAdjustment() {
  const done = usePlanInvalidation();
  return useMutation({
    mutationFn: (id: number) => api.post<AdjustmentRead>(`${P}/consolidation/adjustments/${id}/apply`, {}),
    onSuccess: () => done(),
  });
}

export function useTaskProgress(taskId: number | undefined) {
  return useQuery({
    queryKey: ['planning', 'task-progress', { taskId }],
    queryFn: ({ signal }) => api.get<ProgressRead[]>(`${P}/tasks/${taskId as number}/progress`, undefined, signal),
    enabled: taskId !== undefined,
  });
}

/** 调度: a new owner, unit or deadline for a task (needs 'dispatch' over the plan's unit). */
export function useDispatchTask() {
  const done = usePlanInvalidation();
  return useMutation({
    mutationFn: ({ taskId, body }: { taskId: number; body: DispatchBody }) =>
      api.post<TaskRead>(`${P}/tasks/${taskId}/dispatch`, body),
    onSuccess: () => done(),
  });
}

/** The owner's progress update: percent, note, evidence. */
export function useReportProgress() {
  const done = usePlanInvalidation();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ taskId, body }: { taskId: number; body: ProgressIn }) =>
      api.post<TaskRead>(`${P}/tasks/${taskId}/progress`, body),
    onSuccess: () => {
      done();
      void qc.invalidateQueries({ queryKey: ['gateway', 'inbox'] });
    },
  });
}
