/** Budgets (kpi): the chart of budget items, budget vs actual, the actual-spend import. Keys are
 * ['kpi', 'budgets', resource, params]. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, request } from './client';
import type { components } from './schema';

export type BudgetItemRead = components['schemas']['kpi.BudgetItemRead'];
export type BudgetItemCreate = components['schemas']['kpi.BudgetItemCreate'];
export type BudgetItemUpdate = components['schemas']['kpi.BudgetItemUpdate'];
export type ExecutionRead = components['schemas']['kpi.ExecutionRead'];
export type ExecutionRow = components['schemas']['kpi.ExecutionRow'];
export type ActualImportReport = components['schemas']['kpi.ActualImportReport'];

export function useBudgetItems() {
  return useQuery({
    queryKey: ['kpi', 'budgets', 'items', {}],
    queryFn: ({ signal }) => api.get<BudgetItemRead[]>('/api/kpi/budgets/items', {}, signal),
    staleTime: 5 * 60_000,
  });
}

function useItemWrite<V>(fn: (v: V) => Promise<BudgetItemRead>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => void qc.invalidateQueries({ queryKey: ['kpi', 'budgets'] }) });
}

export function useCreateBudgetItem() {
  return useItemWrite((body: BudgetItemCreate) => api.post<BudgetItemRead>('/api/kpi/budgets/items', body));
}

export function useUpdateBudgetItem() {
  return useItemWrite(({ code, body }: { code: string; body: BudgetItemUpdate }) =>
    request<BudgetItemRead>(`/api/kpi/budgets/items/${encodeURIComponent(code)}`, { method: 'PATCH', json: body }));
}

export function useBudgetExecution(params: { unit_id?: number; period?: string }) {
  return useQuery({
    queryKey: ['kpi', 'budgets', 'execution', params],
    queryFn: ({ signal }) => api.get<ExecutionRead>('/api/kpi/budgets/execution', params, signal),
    enabled: params.unit_id !== undefined && !!params.period,
    placeholderData: keepPreviousData,
  });
}

export const executionExportUrl = (unit_id: number, period: string) =>
  `/api/kpi/budgets/execution/export?${new URLSearchParams({ unit_id: String(unit_id), period }).toString()}`;

export const actualsTemplateUrl = '/api/kpi/budgets/actuals/template';

export function useImportActuals() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ file, preview }: { file: File; preview: boolean }) => {
      const body = new FormData();
      body.append('file', file);
      return request<ActualImportReport>('/api/kpi/budgets/actuals/import', { method: 'POST', query: { preview }, multipart: body });
    },
    onSuccess: (_r, v) => {
      if (!v.preview) {
        void qc.invalidateQueries({ queryKey: ['kpi', 'budgets'] });
        void qc.invalidateQueries({ queryKey: ['kpi', 'evaluations'] });
      }
    },
  });
}
