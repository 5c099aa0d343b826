/** On-site inspections (实地检查): checklist templates, the inspection register, performing one (results,
 * photos, findings, submit). Keys are ['kpi', resource, params]; every write of an inspection sends the
 * version the page showed as If-Match, so a change made meanwhile is refused, not lost. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, request } from './client';
import type { components } from './schema';
import type { Page } from './types';

type K = components['schemas'];
export type ChecklistItem = K['kpi.ChecklistItem'];
export type TemplateRead = K['kpi.TemplateRead'];
export type TemplateCreate = K['kpi.TemplateCreate'];
export type TemplateUpdate = K['kpi.TemplateUpdate'];
export type InspectionRead = K['kpi.InspectionRead'];
export type InspectionDetail = K['kpi.InspectionDetail'];
export type InspectionItemRead = K['kpi.InspectionItemRead'];
export type InspectionCreate = K['kpi.InspectionCreate'];
export type ItemResult = K['kpi.ItemResult'];
export type FindingCreate = K['kpi.FindingCreate'];
export type FindingRead = K['kpi.FindingRead'];
export type EvidenceFile = K['kpi.FileRead'];

const etagOf = (kind: string, id: number, version: number) => `"${kind}-${id}-v${version}"`;
type At = { id: number; version: number };

export function useInspectionTemplates(params: { status?: string; unit_kind?: string } = {}) {
  return useQuery({
    queryKey: ['kpi', 'inspection-templates', params],
    queryFn: ({ signal }) => api.get<Page<TemplateRead>>('/api/kpi/inspection-templates', { limit: 200, ...params }, signal),
    placeholderData: keepPreviousData,
  });
}

function useTemplateWrite<V>(fn: (v: V) => Promise<TemplateRead>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => void qc.invalidateQueries({ queryKey: ['kpi', 'inspection-templates'] }) });
}

export function useCreateTemplate() {
  return useTemplateWrite((body: TemplateCreate) => api.post<TemplateRead>('/api/kpi/inspection-templates', body));
}

/** An edit of a template inspections used answers with its new revision (a new id). */
export function useUpdateTemplate() {
  return useTemplateWrite(({ template, body }: { template: At; body: TemplateUpdate }) =>
    request<TemplateRead>(`/api/kpi/inspection-templates/${template.id}`, { method: 'PATCH', json: body, etag: etagOf('inspection-template', template.id, template.version) }));
}

export function useRetireTemplate() {
  return useTemplateWrite((template: At) =>
    request<TemplateRead>(`/api/kpi/inspection-templates/${template.id}/retire`, { method: 'POST', etag: etagOf('inspection-template', template.id, template.version) }));
}

export type RegisterFilters = { unit_id?: number; status?: string; template_id?: number; mine?: boolean; open?: boolean; cursor?: string };

export function useInspections(params: RegisterFilters) {
  return useQuery({
    queryKey: ['kpi', 'inspections', params],
    queryFn: ({ signal }) => api.get<Page<InspectionRead>>('/api/kpi/inspections', { limit: 50, ...params }, signal),
    placeholderData: keepPreviousData,
  });
}

export const inspectionsExportUrl = (params: Pick<RegisterFilters, 'unit_id' | 'status' | 'template_id'>) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const qs = q.toString();
  return `/api/kpi/inspections/export.xlsx${qs ? `?${qs}` : ''}`;
};

export function useInspection(id: number | undefined) {
  return useQuery({
    queryKey: ['kpi', 'inspection', { id }],
    queryFn: ({ signal }) => api.get<InspectionDetail>(`/api/kpi/inspections/${id}`, undefined, signal),
    enabled: id !== undefined && Number.isFinite(id),
  });
}

/** Writes answer with the whole inspection: the page shows it at once and the register is read again. */
function useInspectionWrite<V>(fn: (v: V) => Promise<InspectionDetail>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: (out) => {
      qc.setQueryData(['kpi', 'inspection', { id: out.id }], out);
      void qc.invalidateQueries({ queryKey: ['kpi', 'inspections'] });
    },
  });
}

export function useScheduleInspection() {
  return useInspectionWrite((body: InspectionCreate) => api.post<InspectionDetail>('/api/kpi/inspections', body));
}

const at = (i: At) => etagOf('inspection', i.id, i.version);

export function useRecordResults() {
  return useInspectionWrite(({ inspection, results }: { inspection: At; results: ItemResult[] }) =>
    request<InspectionDetail>(`/api/kpi/inspections/${inspection.id}/results`, { method: 'POST', json: { results }, etag: at(inspection) }));
}

export function useUploadEvidence() {
  return useInspectionWrite(({ inspection, key, file }: { inspection: At; key: string; file: File }) => {
    const body = new FormData();
    body.append('file', file);
    return request<InspectionDetail>(`/api/kpi/inspections/${inspection.id}/items/${encodeURIComponent(key)}/evidence`,
      { method: 'POST', multipart: body, etag: at(inspection) });
  });
}

export function useSubmitInspection() {
  return useInspectionWrite(({ inspection, finding_due }: { inspection: At; finding_due?: string }) =>
    request<InspectionDetail>(`/api/kpi/inspections/${inspection.id}/submit`, { method: 'POST', json: finding_due ? { finding_due } : {}, etag: at(inspection) }));
}

export function useCancelInspection() {
  return useInspectionWrite(({ inspection, reason }: { inspection: At; reason: string }) =>
    request<InspectionDetail>(`/api/kpi/inspections/${inspection.id}/cancel`, { method: 'POST', json: { reason }, etag: at(inspection) }));
}

export function useRecordFinding() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ inspectionId, body }: { inspectionId: number; body: FindingCreate }) =>
      api.post<FindingRead>(`/api/kpi/inspections/${inspectionId}/findings`, body),
    onSuccess: (_out, v) => void qc.invalidateQueries({ queryKey: ['kpi', 'inspection', { id: v.inspectionId }] }),
  });
}
