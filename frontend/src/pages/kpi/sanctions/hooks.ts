/** The register of rewards and penalties (奖惩) and the company scale: kpi's /sanctions. Keys are
 * ['kpi', 'sanctions', params]; every decision refreshes the register, the inbox and the assessments. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, request } from '../../../api/client';
import { downloadWithToken } from '../../../api/download';
import type { components } from '../../../api/schema';

type S = components['schemas'];
export type SanctionRead = S['kpi.SanctionRead'];
export type SanctionList = S['kpi.SanctionList'];
export type ScaleRead = S['kpi.ScaleRead'];
export type ScaleLine = S['kpi.ScaleLine'];
export type SanctionConfirm = S['kpi.SanctionConfirm'];
export type InnovationReward = S['kpi.InnovationReward'];

const BASE = '/api/kpi/sanctions';
const tagOf = (s: Pick<SanctionRead, 'id' | 'version'>) => `"sanction-${s.id}-v${s.version}"`;

export type SanctionFilter = {
  unit_id?: number; person_id?: number; period?: string; status?: string; kind?: string; source?: string; mine?: boolean; cursor?: string;
};

export function useSanctions(filter: SanctionFilter) {
  return useQuery({
    queryKey: ['kpi', 'sanctions', filter],
    queryFn: ({ signal }) => api.get<SanctionList>(BASE, { limit: 50, ...filter, mine: filter.mine || undefined }, signal),
    placeholderData: keepPreviousData,
  });
}

export function useScale() {
  return useQuery({ queryKey: ['kpi', 'sanctions', 'scale'], queryFn: ({ signal }) => api.get<ScaleRead>(`${BASE}/scale`, undefined, signal) });
}

function useSanctionWrite<V, T>(fn: (v: V) => Promise<T>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['kpi', 'sanctions'] });
      void qc.invalidateQueries({ queryKey: ['me', 'inbox'] });
    },
  });
}

export function useConfirmSanction() {
  return useSanctionWrite(({ line, body }: { line: SanctionRead; body: SanctionConfirm }) =>
    request<SanctionRead>(`${BASE}/${line.id}/confirm`, { method: 'POST', json: body, etag: tagOf(line) }));
}

export function useDismissSanction() {
  return useSanctionWrite(({ line, reason }: { line: SanctionRead; reason: string }) =>
    request<SanctionRead>(`${BASE}/${line.id}/dismiss`, { method: 'POST', json: { reason }, etag: tagOf(line) }));
}

export function useGrantInnovation() {
  return useSanctionWrite((body: InnovationReward) => api.post<SanctionRead>(`${BASE}/innovation`, body));
}

export function usePutScale() {
  return useSanctionWrite(({ version, lines }: { version: number; lines: ScaleLine[] }) =>
    request<ScaleRead>(`${BASE}/scale`, { method: 'PUT', json: { lines }, etag: `"sanction-scale-company-v${version}"` }));
}

/** 奖惩工资表: the confirmed lines of a period under the caller's assess right, as a workbook. */
export function exportPayroll(period: string, unitId?: number) {
  const q = new URLSearchParams({ period, ...(unitId !== undefined ? { unit_id: String(unitId) } : {}) });
  return downloadWithToken(`${BASE}/payroll.xlsx?${q.toString()}`, `奖惩工资表-${period}.xlsx`);
}
