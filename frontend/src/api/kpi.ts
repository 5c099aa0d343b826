/** KPI service: indicator library, evaluations (the dashboard), series, targets, measurement import,
 * improvement actions. Keys are [service, resource, params]. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, request } from './client';
import type { components, operations } from './schema';
import type {
  EvaluationPage, ImportReport, ImprovementActionRead, KpiActionComplete, KpiActionVerify, KpiTargetCreate, KpiTargetHistoryRead, KpiTargetRead,
  KpiTargetUpdate, Page, SeriesRead,
} from './types';

export type IndicatorRead = components['schemas']['kpi.IndicatorRead'];

/** The ETag the services give a record of `kind` at `version` (services/common/api.py etag()):
 * lists carry each row's version, so a write from a list can send If-Match without a re-read. */
export const etagOf = (kind: string, id: number, version: number) => `"${kind}-${id}-v${version}"`;

/** POST / PATCH / DELETE with If-Match naming the version the caller showed the user. */
function writeAt<T>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, tag: string, json?: unknown): Promise<T> {
  return request<T>(path, { method, json, etag: tag });
}

/** One page of a kpi list resource; the previous answer stays shown while new filters load. */
function useList<T>(resource: string, params: Record<string, string | number | boolean | undefined> = {}, limit = 500) {
  return useQuery({
    queryKey: ['kpi', resource, params],
    queryFn: ({ signal }) => api.get<Page<T>>(`/api/kpi/${resource}`, { limit, ...params }, signal),
    placeholderData: keepPreviousData,
  });
}

export function useIndicators() {
  return useQuery({
    queryKey: ['kpi', 'indicators', {}],
    queryFn: ({ signal }) => api.get<Page<IndicatorRead>>('/api/kpi/indicators', { limit: 500 }, signal),
    staleTime: 10 * 60_000,
    retry: false,
  });
}

export type IndicatorCreate = components['schemas']['kpi.IndicatorCreate'];
export type IndicatorUpdate = components['schemas']['kpi.IndicatorUpdate'];

/** The library changes what every evaluation computes (formulas, thresholds): all of it is read again. */
function useIndicatorWrite<V>(fn: (v: V) => Promise<IndicatorRead>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => void qc.invalidateQueries({ queryKey: ['kpi'] }) });
}

export function useCreateIndicator() {
  return useIndicatorWrite((body: IndicatorCreate) => api.post<IndicatorRead>('/api/kpi/indicators', body));
}

/** If-Match from the row the administrator edited: a change made meanwhile answers 412. */
export function useUpdateIndicator() {
  return useIndicatorWrite(({ indicator, body }: { indicator: Pick<IndicatorRead, 'id' | 'code' | 'version'>; body: IndicatorUpdate }) =>
    writeAt<IndicatorRead>('PATCH', `/api/kpi/indicators/${indicator.code}`, etagOf('indicator', indicator.id, indicator.version), body));
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

/** An action as the list showed it: its id and the version the user acted on (sent as If-Match). */
type ActionAt = Pick<ImprovementActionRead, 'id' | 'version'>;
const actionPath = (id: number) => `/api/kpi/actions/${id}`;
const actionTag = (a: ActionAt) => etagOf('action', a.id, a.version);

function useActionWrite<V extends { action: ActionAt }>(fn: (v: V) => Promise<ImprovementActionRead>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['kpi', 'actions'] }),
  });
}

export function useCompleteAction() {
  return useActionWrite(({ action, body }: { action: ActionAt; body: KpiActionComplete }) =>
    writeAt<ImprovementActionRead>('POST', `${actionPath(action.id)}/complete`, actionTag(action), body));
}

export function useVerifyAction() {
  return useActionWrite(({ action, body }: { action: ActionAt; body: KpiActionVerify }) =>
    writeAt<ImprovementActionRead>('POST', `${actionPath(action.id)}/verify`, actionTag(action), body));
}

/** 汇报进展: percent done with a note (and a link), recorded in the action's evidence. */
export function useReportActionProgress() {
  return useActionWrite(({ action, body }: { action: ActionAt; body: KpiActionProgress }) =>
    writeAt<ImprovementActionRead>('POST', `${actionPath(action.id)}/progress`, actionTag(action), body));
}

// ---- scorecards and assessments (考核) ------------------------------------------------------

type K = components['schemas'];
export type ScorecardRead = K['kpi.ScorecardRead'];
export type ScorecardCreate = K['kpi.ScorecardCreate'];
export type ScorecardItem = K['kpi.ScorecardItem'];
export type ScoringRule = K['kpi.ScoringRule'];
export type GradeBand = K['kpi.GradeBand'];
export type AssessmentOutcome = K['kpi.Outcome'];
export type AssessmentRead = K['kpi.AssessmentRead'];
export type AssessmentCreate = K['kpi.AssessmentCreate'];
export type ScoresUpdate = K['kpi.ScoresUpdate'];
export type FinalizeBody = K['kpi.FinalizeBody'];
export type KpiActionCreate = K['kpi.ActionCreate'];
export type KpiActionUpdate = K['kpi.ActionUpdate'];
export type KpiActionProgress = K['kpi.ActionProgress'];
export type ScorecardUpdate = K['kpi.ScorecardUpdate'];
export type AssessmentItemRead = K['kpi.AssessmentItemRead'];
export type QualitativeRead = K['kpi.QualitativeRead'];
export type MeasurementIn = operations['post_batch_api_kpi_measurements_batch_post']['requestBody']['content']['application/json'][number];
export type BatchResultRead = K['kpi.BatchResultRead'];

const assessmentPath = (id: number) => `/api/kpi/assessments/${id}`;

export function useScorecards() {
  return useQuery({
    queryKey: ['kpi', 'scorecards', {}],
    queryFn: ({ signal }) => api.get<Page<ScorecardRead>>('/api/kpi/scorecards', { limit: 200 }, signal),
  });
}

export function useScorecard(id: number | undefined) {
  return useQuery({
    queryKey: ['kpi', 'scorecard', { id }],
    queryFn: ({ signal }) => api.get<ScorecardRead>(`/api/kpi/scorecards/${id}`, undefined, signal),
    enabled: id !== undefined,
  });
}

export function useCreateScorecard() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: ScorecardCreate) => api.post<ScorecardRead>('/api/kpi/scorecards', body),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['kpi', 'scorecards'] }),
  });
}

/** Change a template in place, at the version the editor loaded (If-Match): the service
 * recomputes its draft assessments, so those are read again. */
export function useUpdateScorecard() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ card, body }: { card: Pick<ScorecardRead, 'id' | 'version'>; body: ScorecardUpdate }) =>
      writeAt<ScorecardRead>('PATCH', `/api/kpi/scorecards/${card.id}`, etagOf('scorecard', card.id, card.version), body),
    onSuccess: (card) => {
      qc.setQueryData(['kpi', 'scorecard', { id: card.id }], card);
      void qc.invalidateQueries({ queryKey: ['kpi', 'scorecards'] });
      void qc.invalidateQueries({ queryKey: ['kpi', 'assessments'] });
      void qc.invalidateQueries({ queryKey: ['kpi', 'assessment'] });
    },
  });
}

/** Delete a template no assessment used (409 otherwise), at the version the list showed. */
export function useDeleteScorecard() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (card: Pick<ScorecardRead, 'id' | 'version'>) =>
      writeAt<void>('DELETE', `/api/kpi/scorecards/${card.id}`, etagOf('scorecard', card.id, card.version)),
    onSuccess: (_r, card) => {
      qc.removeQueries({ queryKey: ['kpi', 'scorecard', { id: card.id }] });
      void qc.invalidateQueries({ queryKey: ['kpi', 'scorecards'] });
    },
  });
}

export function useAssessments(params: { unit_id?: number; period?: string; status?: string; cursor?: string }) {
  return useQuery({
    queryKey: ['kpi', 'assessments', params],
    queryFn: ({ signal }) => api.get<Page<AssessmentRead>>('/api/kpi/assessments', { limit: 50, ...params }, signal),
    placeholderData: keepPreviousData,
  });
}

export function useAssessment(id: number | undefined) {
  return useQuery({
    queryKey: ['kpi', 'assessment', { id }],
    queryFn: ({ signal }) => api.get<AssessmentRead>(assessmentPath(id ?? 0), undefined, signal),
    enabled: id !== undefined,
  });
}

/** Every write answers the whole assessment: put it in the cache so the page shows it at once. */
function useAssessmentWrite<V>(fn: (v: V) => Promise<AssessmentRead>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: (a) => {
      qc.setQueryData(['kpi', 'assessment', { id: a.id }], a);
      void qc.invalidateQueries({ queryKey: ['kpi', 'assessments'] });
    },
  });
}

export function useCreateAssessment() {
  return useAssessmentWrite((body: AssessmentCreate) => api.post<AssessmentRead>('/api/kpi/assessments', body));
}

export function useScoreAssessment() {
  return useAssessmentWrite(({ id, body }: { id: number; body: ScoresUpdate }) =>
    api.put<AssessmentRead>(`${assessmentPath(id)}/scores`, body, { ifMatch: assessmentPath(id) }));
}

export function useRecomputeAssessment() {
  return useAssessmentWrite((id: number) => api.post<AssessmentRead>(`${assessmentPath(id)}/recompute`, {}, { ifMatch: assessmentPath(id) }));
}

export function useFinalizeAssessment() {
  return useAssessmentWrite(({ id, body }: { id: number; body: FinalizeBody }) =>
    api.post<AssessmentRead>(`${assessmentPath(id)}/finalize`, body, { ifMatch: assessmentPath(id) }));
}

// ---- improvement actions: raise and edit -------------------------------------------------------

export function useCreateKpiAction() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: KpiActionCreate) => api.post<ImprovementActionRead>('/api/kpi/actions', body),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['kpi', 'actions'] }),
  });
}

export function useUpdateKpiAction() {
  // If-Match from the list row's version: a change made meanwhile by someone else answers 412
  return useActionWrite(({ action, body }: { action: ActionAt; body: KpiActionUpdate }) =>
    writeAt<ImprovementActionRead>('PATCH', actionPath(action.id), actionTag(action), body));
}

// ---- one measurement typed by hand -------------------------------------------------------------

export function useMeasurementBatch() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (items: MeasurementIn[]) => api.post<BatchResultRead>('/api/kpi/measurements/batch', items),
    onSuccess: (r) => {
      if (r.created || r.updated) {
        void qc.invalidateQueries({ queryKey: ['kpi', 'evaluations'] });
        void qc.invalidateQueries({ queryKey: ['kpi', 'series'] });
      }
    },
  });
}

// ---- targets (目标) ------------------------------------------------------------------------------

export function useKpiTargets(params: { unit_id?: number; period?: string; indicator_code?: string; cursor?: string }) {
  return useList<KpiTargetRead>('targets', params, 100);
}

export function useKpiTargetHistory(id: number | undefined) {
  return useQuery({
    queryKey: ['kpi', 'targets', 'history', { id }],
    queryFn: ({ signal }) => api.get<Page<KpiTargetHistoryRead>>(`/api/kpi/targets/${id}/history`, { limit: 100 }, signal),
    enabled: id !== undefined,
  });
}

/** A target moves evaluations and levels (thresholds relative to it): those are read again. */
function useTargetWrite<V>(fn: (v: V) => Promise<KpiTargetRead>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => {
      for (const key of ['targets', 'evaluations', 'series']) void qc.invalidateQueries({ queryKey: ['kpi', key] });
    },
  });
}

export function useCreateKpiTarget() {
  return useTargetWrite((body: KpiTargetCreate) => api.post<KpiTargetRead>('/api/kpi/targets', body));
}

/** If-Match from the row the user changed: a change made meanwhile (a revised plan, a colleague) answers 412. */
export function useUpdateKpiTarget() {
  return useTargetWrite(({ target, body }: { target: Pick<KpiTargetRead, 'id' | 'version'>; body: KpiTargetUpdate }) =>
    writeAt<KpiTargetRead>('PATCH', `/api/kpi/targets/${target.id}`, etagOf('target', target.id, target.version), body));
}

// ---- unit thresholds, anomaly rules, benchmarks (预警规则与行业标杆) -----------------------------------

export type ThresholdRead = K['kpi.ThresholdRead'];
export type ThresholdCreate = K['kpi.ThresholdCreate'];
export type AnomalyRuleRead = K['kpi.AnomalyRuleRead'];
export type AnomalyRuleCreate = K['kpi.AnomalyRuleCreate'];
export type BenchmarkRead = K['kpi.BenchmarkRead'];
export type BenchmarkCreate = K['kpi.BenchmarkCreate'];

/** A write to `resource`; thresholds and benchmarks also change what evaluations show. */
function useRuleWrite<V, R>(resource: string, fn: (v: V) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => {
      for (const key of [resource, 'evaluations']) void qc.invalidateQueries({ queryKey: ['kpi', key] });
    },
  });
}

export const useKpiThresholds = () => useList<ThresholdRead>('thresholds');
export const useAnomalyRules = () => useList<AnomalyRuleRead>('anomaly-rules');
export const useBenchmarks = () => useList<BenchmarkRead>('benchmarks');

/** Set a unit's values; replacing ones shown sends their version (If-Match). */
export function usePutThreshold() {
  return useRuleWrite('thresholds', ({ body, current }: { body: ThresholdCreate; current?: Pick<ThresholdRead, 'id' | 'version'> }) =>
    current ? writeAt<ThresholdRead>('PUT', '/api/kpi/thresholds', etagOf('threshold', current.id, current.version), body)
      : api.put<ThresholdRead>('/api/kpi/thresholds', body));
}

export function useDeleteThreshold() {
  return useRuleWrite('thresholds', (id: number) => api.delete<void>(`/api/kpi/thresholds/${id}`));
}

export function useCreateAnomalyRule() {
  return useRuleWrite('anomaly-rules', (body: AnomalyRuleCreate) => api.post<AnomalyRuleRead>('/api/kpi/anomaly-rules', body));
}

export function useSwitchAnomalyRule() {
  return useRuleWrite('anomaly-rules', ({ rule, active }: { rule: Pick<AnomalyRuleRead, 'id' | 'version'>; active: boolean }) =>
    writeAt<AnomalyRuleRead>('PATCH', `/api/kpi/anomaly-rules/${rule.id}`, etagOf('anomaly_rule', rule.id, rule.version), { active }));
}

export function useCreateBenchmark() {
  return useRuleWrite('benchmarks', (body: BenchmarkCreate) => api.post<BenchmarkRead>('/api/kpi/benchmarks', body));
}

export function useDeleteBenchmark() {
  return useRuleWrite('benchmarks', (id: number) => api.delete<void>(`/api/kpi/benchmarks/${id}`));
}
