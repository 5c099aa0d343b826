/** Risk service: the register, the heat map, assessments, actions and KRI alerts. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import type { components } from './schema';
import type { AlertRead, HeatmapRead, Page, RiskActionRead, RiskAssessmentCreate, RiskAssessmentRead, RiskAssessmentResult, RiskRead } from './types';

export type RiskFilters = { unit_id?: number; category?: string; status?: string; level?: string; strategy?: string; q?: string; cursor?: string };

export function useRisks(params: RiskFilters) {
  return useQuery({
    queryKey: ['risk', 'risks', params],
    queryFn: ({ signal }) => api.get<Page<RiskRead>>('/api/risk/risks', { limit: 50, ...params }, signal),
    placeholderData: keepPreviousData,
  });
}

/** Every risk the filters match, page after page (the printed register lists them all). */
export function useAllRisks(params: Omit<RiskFilters, 'cursor'>) {
  return useQuery({
    queryKey: ['risk', 'risks', 'all', params],
    queryFn: async ({ signal }) => {
      const items: RiskRead[] = [];
      let cursor: string | undefined;
      do {
        const page = await api.get<Page<RiskRead>>('/api/risk/risks', { limit: 100, ...params, cursor }, signal);
        items.push(...page.items);
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      return items;
    },
  });
}

export function useRisk(id: number | undefined) {
  return useQuery({
    queryKey: ['risk', 'risk', { id }],
    queryFn: ({ signal }) => api.get<RiskRead>(`/api/risk/risks/${id}`, undefined, signal),
    enabled: id !== undefined,
  });
}

export function useRiskAssessments(id: number | undefined) {
  return useQuery({
    queryKey: ['risk', 'assessments', { id }],
    queryFn: ({ signal }) => api.get<Page<RiskAssessmentRead>>(`/api/risk/risks/${id}/assessments`, { limit: 100 }, signal),
    enabled: id !== undefined,
  });
}

export function useRiskActions(id: number | undefined) {
  return useQuery({
    queryKey: ['risk', 'actions', { id }],
    queryFn: ({ signal }) => api.get<Page<RiskActionRead>>(`/api/risk/risks/${id}/actions`, { limit: 100 }, signal),
    enabled: id !== undefined,
  });
}

export function useAssessRisk(id: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: RiskAssessmentCreate) => api.post<RiskAssessmentResult>(`/api/risk/risks/${id}/assessments`, body, { ifMatch: `/api/risk/risks/${id}` }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['risk'] });
    },
  });
}

export function useHeatmap(params: { unit_id?: number; basis: string }) {
  return useQuery({
    queryKey: ['risk', 'heatmap', params],
    queryFn: ({ signal }) => api.get<HeatmapRead>('/api/risk/heatmap', params, signal),
    enabled: params.unit_id !== undefined,
    placeholderData: keepPreviousData,
  });
}

export function useAlerts(params: { mine?: boolean; status?: string; risk_id?: number; unit_id?: number; level?: string }) {
  return useQuery({
    queryKey: ['risk', 'alerts', params],
    queryFn: ({ signal }) => api.get<Page<AlertRead>>('/api/risk/alerts', { limit: 100, ...params }, signal),
    placeholderData: keepPreviousData,
  });
}

export function useAlertTransition() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action, note }: { id: number; action: 'acknowledge' | 'resolve'; note: string }) =>
      api.post<AlertRead>(`/api/risk/alerts/${id}/${action}`, { note }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['risk', 'alerts'] });
      void qc.invalidateQueries({ queryKey: ['inbox'] });
    },
  });
}

// ---- writes: the register, acceptance, contingency, actions, KRIs

type S = components['schemas'];
export type RiskCreate = S['risk.RiskCreate'];
export type RiskUpdate = S['risk.RiskUpdate'];
export type ContingencyPlan = S['risk.ContingencyPlan'];
export type ContingencyStep = S['risk.ContingencyStep'];
export type AcceptanceCreate = S['risk.AcceptanceCreate'];
export type ActivationCreate = S['risk.ActivationCreate'];
export type RiskActionCreate = S['risk.ActionCreate'];
export type RiskActionUpdate = S['risk.ActionUpdate'];
export type RiskActionStatus = S['risk.ActionStatus'];
export type KriRead = S['risk.KriRead'];
export type KriCreate = S['risk.KriCreate'];
export type KriUpdate = S['risk.KriUpdate'];
export type KriDirection = S['risk.Direction'];

export const riskPath = (id: number) => `/api/risk/risks/${id}`;
const kriPath = (id: number) => `/api/risk/kris/${id}`;
const actionPath = (id: number) => `/api/risk/actions/${id}`;

function useInvalidateRisk() {
  const qc = useQueryClient();
  return () => {
    void qc.invalidateQueries({ queryKey: ['risk'] });
    void qc.invalidateQueries({ queryKey: ['inbox'] });
  };
}

export function useCreateRisk() {
  const done = useInvalidateRisk();
  return useMutation({
    mutationFn: async ({ body, assessment }: { body: RiskCreate; assessment?: RiskAssessmentCreate }) => {
      const risk = await api.post<RiskRead>('/api/risk/risks', body);
      // the first (inherent) assessment goes with the registration when the form gave likelihood × impact
      if (assessment) await api.post<RiskAssessmentResult>(`${riskPath(risk.id)}/assessments`, assessment, { ifMatch: riskPath(risk.id) });
      return risk;
    },
    onSuccess: done,
  });
}

/** PATCH with If-Match: the ETag of the risk as last read (GET /risks/{id}) or written. */
export function useUpdateRisk(id: number) {
  const done = useInvalidateRisk();
  return useMutation({
    mutationFn: (body: RiskUpdate) => api.patch<RiskRead>(riskPath(id), body),
    onSuccess: done,
  });
}

export function useDeleteRisk(id: number) {
  const done = useInvalidateRisk();
  return useMutation({
    mutationFn: () => api.delete<void>(riskPath(id), { ifMatch: true }),
    onSuccess: done,
  });
}

export function useSignAcceptance(id: number) {
  const done = useInvalidateRisk();
  return useMutation({
    mutationFn: (body: AcceptanceCreate) => api.post<RiskRead>(`${riskPath(id)}/acceptance`, body, { ifMatch: riskPath(id) }),
    onSuccess: done,
  });
}

export function useActivateContingency(id: number) {
  const done = useInvalidateRisk();
  return useMutation({
    mutationFn: (body: ActivationCreate) => api.post<RiskActionRead[]>(`${riskPath(id)}/contingency/activate`, body),
    onSuccess: done,
  });
}

export function useCreateRiskAction(riskId: number) {
  const done = useInvalidateRisk();
  return useMutation({
    mutationFn: (body: RiskActionCreate) => api.post<RiskActionRead>(`${riskPath(riskId)}/actions`, body),
    onSuccess: done,
  });
}

/** One action read fresh (its ETag is remembered for the PATCH that follows). */
export function useRiskAction(id: number | undefined) {
  return useQuery({
    queryKey: ['risk', 'action', { id }],
    queryFn: ({ signal }) => api.get<RiskActionRead>(actionPath(id as number), undefined, signal),
    enabled: id !== undefined,
    staleTime: 0,
  });
}

export function useUpdateRiskAction() {
  const done = useInvalidateRisk();
  return useMutation({
    mutationFn: ({ id, body }: { id: number; body: RiskActionUpdate }) => api.patch<RiskActionRead>(actionPath(id), body),
    onSuccess: done,
  });
}

export function useKris(riskId: number | undefined) {
  return useQuery({
    queryKey: ['risk', 'kris', { risk_id: riskId }],
    queryFn: ({ signal }) => api.get<Page<KriRead>>('/api/risk/kris', { risk_id: riskId, limit: 100 }, signal),
    enabled: riskId !== undefined,
  });
}

/** One KRI read fresh (its ETag is remembered for the PATCH or DELETE that follows). */
export function useKri(id: number | undefined) {
  return useQuery({
    queryKey: ['risk', 'kri', { id }],
    queryFn: ({ signal }) => api.get<KriRead>(kriPath(id as number), undefined, signal),
    enabled: id !== undefined,
    staleTime: 0,
  });
}

export function useCreateKri() {
  const done = useInvalidateRisk();
  return useMutation({
    mutationFn: (body: KriCreate) => api.post<KriRead>('/api/risk/kris', body),
    onSuccess: done,
  });
}

export function useUpdateKri() {
  const done = useInvalidateRisk();
  return useMutation({
    mutationFn: ({ id, body }: { id: number; body: KriUpdate }) => api.patch<KriRead>(kriPath(id), body),
    onSuccess: done,
  });
}

export function useDeleteKri() {
  const done = useInvalidateRisk();
  return useMutation({
    mutationFn: async (id: number) => {
      await api.get<KriRead>(kriPath(id)); // fresh ETag: removing what the user saw, not an older version
      return api.delete<void>(kriPath(id), { ifMatch: true });
    },
    onSuccess: done,
  });
}
