/** Special audits (专项审计) in the kpi service: the register, one audit with its findings and working
 * papers, and each step of its life. Keys are ['kpi', 'audits', params]; every step sends the version
 * the user saw as If-Match, so a step someone else took meanwhile is refused (412), not overwritten. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, request } from './client';
import type { components } from './schema';
import type { Page } from './types';

export type AuditRead = components['schemas']['kpi.AuditRead'];
export type AuditDetail = components['schemas']['kpi.AuditDetail'];
export type AuditCreate = components['schemas']['kpi.AuditCreate'];
export type AuditNotice = components['schemas']['kpi.AuditNotice'];
export type AuditResponse = components['schemas']['kpi.AuditResponse'];
export type AuditFinal = components['schemas']['kpi.AuditFinal'];
export type AuditFindingCreate = components['schemas']['kpi.AuditFindingCreate'];
export type AuditStatus = AuditRead['status'];

export type AuditFilters = { status?: string; unit_id?: number; year?: number; q?: string; cursor?: string };

const BASE = '/api/kpi/audits';
const tagOf = (a: Pick<AuditRead, 'id' | 'version'>) => `"audit-${a.id}-v${a.version}"`;

export function useAudits(params: AuditFilters) {
  return useQuery({
    queryKey: ['kpi', 'audits', params],
    queryFn: ({ signal }) => api.get<Page<AuditRead>>(BASE, { limit: 50, ...params }, signal),
    placeholderData: keepPreviousData,
  });
}

export function useAudit(id: number | undefined) {
  return useQuery({
    queryKey: ['kpi', 'audits', { id }],
    queryFn: ({ signal }) => api.get<AuditDetail>(`${BASE}/${id}`, undefined, signal),
    enabled: id !== undefined && Number.isFinite(id),
  });
}

/** After any step the register, the audit and the 整改 lists (findings became actions) are read again. */
function useAuditWrite<V, R>(fn: (v: V) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['kpi'] });
      void qc.invalidateQueries({ queryKey: ['gateway', 'inbox'] });
    },
  });
}

export function useCreateAudit() {
  return useAuditWrite((body: AuditCreate) => api.post<AuditRead>(BASE, body));
}

type At = Pick<AuditRead, 'id' | 'version'>;
const step = <B,>(path: string) => ({ audit, body }: { audit: At; body?: B }) =>
  request<AuditRead>(`${BASE}/${audit.id}/${path}`, { method: 'POST', json: body ?? {}, etag: tagOf(audit) });

export const useIssueNotice = () => useAuditWrite(step<AuditNotice>('notice'));
export const useStartFieldwork = () => useAuditWrite(({ audit }: { audit: At }) =>
  request<AuditRead>(`${BASE}/${audit.id}/fieldwork`, { method: 'POST', etag: tagOf(audit) }));
export const useIssueDraft = () => useAuditWrite(step<{ report: string }>('draft-report'));
export const useRespond = () => useAuditWrite(step<AuditResponse>('response'));
export const useFinalise = () => useAuditWrite(step<AuditFinal>('final'));

export function useRecordAuditFinding() {
  return useAuditWrite(({ auditId, body }: { auditId: number; body: AuditFindingCreate }) =>
    api.post<unknown>(`${BASE}/${auditId}/findings`, body));
}

export function useUploadPaper() {
  return useAuditWrite(({ auditId, file }: { auditId: number; file: File }) => {
    const body = new FormData();
    body.append('file', file);
    return request<unknown>(`${BASE}/${auditId}/files`, { method: 'POST', multipart: body });
  });
}

export const AUDIT_EXPORT = `${BASE}/export.xlsx`;
