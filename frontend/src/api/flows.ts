/** Approval flows (审批流程): one per plan kind, edited by administrators, with a preview of who would sign. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import type { FlowPreviewRead, FlowPreviewRequest, FlowRead, FlowUpdate } from './types';

const F = '/api/planning/flows';

export function useFlows() {
  return useQuery({ queryKey: ['planning', 'flows', {}], queryFn: ({ signal }) => api.get<FlowRead[]>(F, undefined, signal) });
}

/** One flow; reading it remembers its ETag, which saving sends back as If-Match. */
export function useFlow(kind: string | undefined) {
  return useQuery({
    queryKey: ['planning', 'flow', { kind }],
    queryFn: ({ signal }) => api.get<FlowRead>(`${F}/${kind}`, undefined, signal),
    enabled: !!kind,
  });
}

export function useUpdateFlow(kind: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: FlowUpdate) => api.patch<FlowRead>(`${F}/${kind}`, body),
    onSettled: () => void qc.invalidateQueries({ queryKey: ['planning', 'flow'] }).then(
      () => qc.invalidateQueries({ queryKey: ['planning', 'flows'] })),
  });
}

export function useFlowPreview(kind: string) {
  return useMutation({ mutationFn: (body: FlowPreviewRequest) => api.post<FlowPreviewRead>(`${F}/${kind}/preview`, body) });
}
