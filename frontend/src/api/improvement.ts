/** TanStack Query hooks for planning's process optimisation projects (流程优化项目); keys are
 * ['planning', 'improvement…', params]. Every step sends back the project's ETag (If-Match). */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import type {
  DocumentStage, Page, ProjectAdvanceIn, ProjectCreate, ProjectDetail, ProjectMilestoneIn, ProjectMilestoneUpdate,
  ProjectOrigin, ProjectRead, ProjectReviewIn, ProjectStage, ProjectUpdate, StageDocumentIn,
} from './types';

const BASE = '/api/planning/improvement/projects';
export const projectPath = (id: number) => `${BASE}/${id}`;
export const projectsExportUrl = `${BASE}/export.xlsx`;

export type ProjectListParams = {
  unit_id?: number; stage?: ProjectStage; origin?: ProjectOrigin; mine?: boolean; review_due?: boolean; q?: string;
  limit?: number; cursor?: string;
};

export function useProjects(params: ProjectListParams) {
  return useQuery({
    queryKey: ['planning', 'improvement', params],
    queryFn: ({ signal }) => api.get<Page<ProjectRead>>(BASE, { limit: 200, ...params }, signal),
  });
}

export function useProject(id: number | undefined) {
  return useQuery({
    queryKey: ['planning', 'improvement-project', { id }],
    queryFn: ({ signal }) => api.get<ProjectDetail>(projectPath(id as number), undefined, signal),
    enabled: id !== undefined && Number.isFinite(id),
  });
}

export function useCreateProject() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: ProjectCreate) => api.post<ProjectRead>(BASE, body),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['planning', 'improvement'] }),
  });
}

/** A step on one project: the answer is the project as it now stands, put straight into the cache. */
export type ProjectStep =
  | { kind: 'update'; body: ProjectUpdate }
  | { kind: 'document'; stage: DocumentStage; body: StageDocumentIn }
  | { kind: 'advance'; body: ProjectAdvanceIn }
  | { kind: 'addMilestone'; body: ProjectMilestoneIn }
  | { kind: 'updateMilestone'; milestoneId: number; body: ProjectMilestoneUpdate }
  | { kind: 'deleteMilestone'; milestoneId: number }
  | { kind: 'review'; body: ProjectReviewIn };

export function sendStep(id: number, step: ProjectStep): Promise<ProjectDetail> {
  const path = projectPath(id);
  const opts = { ifMatch: path };
  switch (step.kind) {
    case 'update': return api.patch<ProjectDetail>(path, step.body, opts);
    case 'document': return api.put<ProjectDetail>(`${path}/documents/${step.stage}`, step.body, opts);
    case 'advance': return api.post<ProjectDetail>(`${path}/advance`, step.body, opts);
    case 'addMilestone': return api.post<ProjectDetail>(`${path}/milestones`, step.body, opts);
    case 'updateMilestone': return api.patch<ProjectDetail>(`${path}/milestones/${step.milestoneId}`, step.body, opts);
    case 'deleteMilestone': return api.delete<ProjectDetail>(`${path}/milestones/${step.milestoneId}`, opts);
    case 'review': return api.post<ProjectDetail>(`${path}/reviews`, step.body, opts);
  }
}

export function useProjectStep(id: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (step: ProjectStep) => sendStep(id, step),
    onSuccess: (project) => {
      qc.setQueryData(['planning', 'improvement-project', { id }], project);
      void qc.invalidateQueries({ queryKey: ['planning', 'improvement'] });
      void qc.invalidateQueries({ queryKey: ['gateway', 'inbox'] });
    },
  });
}

type FindingRead = import('./schema').components['schemas']['kpi.FindingRead'];

/** A finding a project links to (kpi's record; shown to those who may view its unit), to name it and
 * open the inspection or audit it came from. A finding the reader may not see stays a bare reference. */
export function useLinkedFinding(id: number | null | undefined) {
  return useQuery({
    queryKey: ['kpi', 'finding', { id }],
    queryFn: ({ signal }) => api.get<FindingRead>(`/api/kpi/findings/${id}`, undefined, signal),
    enabled: id != null,
    retry: false,
  });
}
