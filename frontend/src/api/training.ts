/** TanStack Query hooks for training (培训管理, org service); keys are ['org', 'training', resource, params].
 * Writes send If-Match built from the version the page shows, so a change someone made meanwhile is refused (412). */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import type {
  CertificationCreate, CertificationRead, Page, TrainingAttendanceIn, TrainingCompletionRead, TrainingNeedRead,
  TrainingPlanCreate, TrainingPlanDecision, TrainingPlanRead, TrainingRecordRead, TrainingSessionCreate,
  TrainingSessionRead,
} from './types';

const T = '/api/org/training';

export const planTag = (p: { id: number; version: number }) => `"training-plan-${p.id}-v${p.version}"`;
export const sessionTag = (s: { id: number; version: number }) => `"training-session-${s.id}-v${s.version}"`;

export function useTrainingPlans(params: { awaiting_me?: boolean; unit_id?: number; year?: number } = {}) {
  return useQuery({
    queryKey: ['org', 'training', 'plans', params],
    queryFn: ({ signal }) => api.get<Page<TrainingPlanRead>>(`${T}/plans`, params, signal),
  });
}

export function useTrainingSessions(params: { plan_id?: number; mine?: boolean }, enabled = true) {
  return useQuery({
    queryKey: ['org', 'training', 'sessions', params],
    queryFn: ({ signal }) => api.get<Page<TrainingSessionRead>>(`${T}/sessions`, params, signal),
    enabled,
  });
}

export function useTrainingRecords(params: { user_id?: number; unit_id?: number } = {}) {
  return useQuery({
    queryKey: ['org', 'training', 'records', params],
    queryFn: ({ signal }) => api.get<Page<TrainingRecordRead>>(`${T}/records`, params, signal),
  });
}

export function useTrainingNeeds(params: { user_id?: number; unit_id?: number } = {}) {
  return useQuery({
    queryKey: ['org', 'training', 'needs', params],
    queryFn: ({ signal }) => api.get<Page<TrainingNeedRead>>(`${T}/needs`, params, signal),
  });
}

export function useCertifications(params: { user_id?: number; unit_id?: number; expiring?: boolean } = {}) {
  return useQuery({
    queryKey: ['org', 'training', 'certifications', params],
    queryFn: ({ signal }) => api.get<Page<CertificationRead>>(`${T}/certifications`, params, signal),
  });
}

export function useCompletion(unitId: number | undefined, period: string | undefined) {
  return useQuery({
    queryKey: ['org', 'training', 'completion', { unitId, period }],
    queryFn: ({ signal }) => api.get<TrainingCompletionRead>(`${T}/completion`, { unit_id: unitId, period }, signal),
    enabled: unitId !== undefined && !!period,
  });
}

function useTrainingInvalidate() {
  const qc = useQueryClient();
  return () => void qc.invalidateQueries({ queryKey: ['org', 'training'] });
}

export function useCreateTrainingPlan() {
  const done = useTrainingInvalidate();
  return useMutation({ mutationFn: (body: TrainingPlanCreate) => api.post<TrainingPlanRead>(`${T}/plans`, body), onSuccess: done });
}

export function useSubmitTrainingPlan() {
  const done = useTrainingInvalidate();
  return useMutation({
    mutationFn: (plan: TrainingPlanRead) => api.post<TrainingPlanRead>(`${T}/plans/${plan.id}/submit`, {}, { etag: planTag(plan) }),
    onSuccess: done,
  });
}

export function useDecideTrainingPlan() {
  const done = useTrainingInvalidate();
  return useMutation({
    mutationFn: ({ plan, body }: { plan: TrainingPlanRead; body: TrainingPlanDecision }) =>
      api.post<TrainingPlanRead>(`${T}/plans/${plan.id}/decision`, body, { etag: planTag(plan) }),
    onSuccess: done,
  });
}

export function useCreateTrainingSession() {
  const done = useTrainingInvalidate();
  return useMutation({
    mutationFn: ({ planId, body }: { planId: number; body: TrainingSessionCreate }) =>
      api.post<TrainingSessionRead>(`${T}/plans/${planId}/sessions`, body),
    onSuccess: done,
  });
}

export function useRecordAttendance() {
  const done = useTrainingInvalidate();
  return useMutation({
    mutationFn: ({ session, attendance }: { session: TrainingSessionRead; attendance: TrainingAttendanceIn[] }) =>
      api.put<TrainingSessionRead>(`${T}/sessions/${session.id}/attendance`, { attendance }, { etag: sessionTag(session) }),
    onSuccess: done,
  });
}

export function useCreateCertification() {
  const done = useTrainingInvalidate();
  return useMutation({ mutationFn: (body: CertificationCreate) => api.post<CertificationRead>(`${T}/certifications`, body), onSuccess: done });
}

export const recordsExportUrl = `${T}/records/export.xlsx`;
