/** KPI service: indicator library, evaluations (the dashboard), series, measurement import,
 * improvement actions. Keys are [service, resource, params]. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, request } from './client';
import type { components } from './schema';
import type { EvaluationPage, ImportReport, ImprovementActionRead, KpiActionComplete, KpiActionVerify, Page, SeriesRead } from './types';

export type IndicatorRead = components['schemas']['kpi.IndicatorRead'];

export function useIndicators() {
  return useQuery({
    queryKey: ['kpi', 'indicators', {}],
    queryFn: ({ signal }) => api.get<Page<IndicatorRead>>('/api/kpi/indicators', { limit: 500 }, signal),
    staleTime: 10 * 60_000,
    retry: false,
  });
}

export function useEvaluations(params: { unit_id?: number; period?: string }) {
  return useQuery({
    queryKey: ['kpi', 'evaluations', params],
    queryFn: ({ signal }) => api.get<EvaluationPage>('/api/kpi/evaluations', params, signal),
    enabled: params.unit_id !== undefined && !!params.period,
    placeholderData: keepPreviousData,
  });
}

export function useSeries(params: { indicator_code?: string; unit_id?: number; from: string; to: string }) {
  return useQuery({
    queryKey: ['kpi', 'series', params],
    queryFn: ({ signal }) => api.get<SeriesRead>('/api/kpi/series', params, signal),
    enabled: params.unit_id !== undefined && !!params.indicator_code,
  });
}

export function useImportMeasurements() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ file, preview }: { file: File; preview: boolean }) => {
      const body = new FormData();
      body.append('file', file);
      return request<ImportReport>('/api/kpi/measurements/import', { method: 'POST', query: { preview }, multipart: body });
    },
    onSuccess: (_r, v) => {
      if (!v.preview) {
        void qc.invalidateQueries({ queryKey: ['kpi', 'evaluations'] });
        void qc.invalidateQueries({ queryKey: ['kpi', 'series'] });
      }
    },
  });
}

export const measurementTemplateUrl = (format: 'xlsx' | 'csv') => `/api/kpi/measurements/template?format=${format}`;

export function useKpiActions(params: { unit_id?: number; status?: string; overdue?: boolean; cursor?: string }) {
  return useQuery({
    queryKey: ['kpi', 'actions', params],
    queryFn: ({ signal }) => api.get<Page<ImprovementActionRead>>('/api/kpi/actions', { limit: 50, ...params }, signal),
    placeholderData: keepPreviousData,
  });
}

export function useCompleteAction() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: number; body: KpiActionComplete }) => api.post<ImprovementActionRead>(`/api/kpi/actions/${id}/complete`, body),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['kpi', 'actions'] }),
  });
}

export function useVerifyAction() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: number; body: KpiActionVerify }) => api.post<ImprovementActionRead>(`/api/kpi/actions/${id}/verify`, body),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['kpi', 'actions'] }),
  });
}
