/** Risk service: the register, the heat map, assessments, actions and KRI alerts. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import type { AlertRead, HeatmapRead, Page, RiskActionRead, RiskAssessmentCreate, RiskAssessmentRead, RiskAssessmentResult, RiskRead } from './types';

export type RiskFilters = { unit_id?: number; category?: string; status?: string; level?: string; strategy?: string; q?: string; cursor?: string };

export function useRisks(params: RiskFilters) {
  return useQuery({
    queryKey: ['risk', 'risks', params],
    queryFn: ({ signal }) => api.get<Page<RiskRead>>('/api/risk/risks', { limit: 50, ...params }, signal),
    placeholderData: keepPreviousData,
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
    mutationFn: (body: RiskAssessmentCreate) => api.post<RiskAssessmentResult>(`/api/risk/risks/${id}/assessments`, body),
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

export function useAlerts(params: { mine?: boolean; status?: string; risk_id?: number }) {
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
