/** TanStack Query hooks for the org service; keys are ['org', resource, params]. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, request } from './client';
import type {
  AssignmentCreate, AssignmentRead, DelegationCreate, DelegationRead, ExplainRead, OrgImportRead, Page, PositionRead,
  RoleRead, RoleUpdate, UnitRead, UnitTree, UserCreate, UserRead,
} from './types';

const O = '/api/org';

export function useUnitTree() {
  return useQuery({ queryKey: ['org', 'tree', {}], queryFn: ({ signal }) => api.get<UnitTree[]>(`${O}/units/tree`, undefined, signal), staleTime: 60_000 });
}

export function useUnits() {
  return useQuery({
    queryKey: ['org', 'units', {}],
    queryFn: ({ signal }) => api.get<Page<UnitRead>>(`${O}/units`, { limit: 500 }, signal),
    staleTime: 60_000,
  });
}

export function usePositions() {
  return useQuery({ queryKey: ['org', 'positions', {}], queryFn: ({ signal }) => api.get<Page<PositionRead>>(`${O}/positions`, { limit: 500 }, signal) });
}

export function useRoles() {
  return useQuery({ queryKey: ['org', 'roles', {}], queryFn: ({ signal }) => api.get<Page<RoleRead>>(`${O}/roles`, { limit: 200 }, signal) });
}

export function useRole(id: number | undefined) {
  return useQuery({
    queryKey: ['org', 'role', { id }],
    queryFn: ({ signal }) => api.get<RoleRead>(`${O}/roles/${id}`, undefined, signal),
    enabled: id !== undefined,
  });
}

export function useUsers() {
  return useQuery({ queryKey: ['org', 'users', {}], queryFn: ({ signal }) => api.get<Page<UserRead>>(`${O}/users`, { limit: 500 }, signal) });
}

/** People holding a position in a unit or below it (whom a person assessment can be about). */
export function useUnitPeople(unitId: number | undefined) {
  return useQuery({
    queryKey: ['org', 'users', { unitId }],
    queryFn: ({ signal }) => api.get<Page<UserRead>>(`${O}/users`, { unit_id: unitId, limit: 500 }, signal),
    enabled: unitId !== undefined,
  });
}

export function useAssignments() {
  return useQuery({ queryKey: ['org', 'assignments', {}], queryFn: ({ signal }) => api.get<Page<AssignmentRead>>(`${O}/assignments`, { limit: 500 }, signal) });
}

export function useDelegations() {
  return useQuery({ queryKey: ['org', 'delegations', {}], queryFn: ({ signal }) => api.get<Page<DelegationRead>>(`${O}/delegations`, { limit: 200 }, signal) });
}

export function useExplain(params: { user_id?: number; right?: string; unit_id?: number }) {
  return useQuery({
    queryKey: ['org', 'explain', params],
    queryFn: ({ signal }) => api.get<ExplainRead>(`${O}/authz/explain`, params, signal),
    enabled: params.user_id !== undefined && !!params.right && params.unit_id !== undefined,
  });
}

function useOrgInvalidate() {
  const qc = useQueryClient();
  return () => void qc.invalidateQueries({ queryKey: ['org'] });
}

export function useMoveUnit() {
  const done = useOrgInvalidate();
  return useMutation({
    mutationFn: ({ id, parent_id }: { id: number; parent_id: number }) => api.post<UnitRead>(`${O}/units/${id}/move`, { parent_id }),
    onSuccess: done,
  });
}

export function useUpdateRole(id: number) {
  const done = useOrgInvalidate();
  return useMutation({ mutationFn: (body: RoleUpdate) => api.patch<RoleRead>(`${O}/roles/${id}`, body), onSuccess: done });
}

export function useCreateUser() {
  const done = useOrgInvalidate();
  return useMutation({ mutationFn: (body: UserCreate) => api.post<UserRead>(`${O}/users`, body), onSuccess: done });
}

export function useCreateAssignment() {
  const done = useOrgInvalidate();
  return useMutation({ mutationFn: (body: AssignmentCreate) => api.post<AssignmentRead>(`${O}/assignments`, body), onSuccess: done });
}

export function useEndAssignment() {
  const done = useOrgInvalidate();
  return useMutation({ mutationFn: (id: number) => api.delete<void>(`${O}/assignments/${id}`), onSuccess: done });
}

export function useCreateDelegation() {
  const done = useOrgInvalidate();
  return useMutation({ mutationFn: (body: DelegationCreate) => api.post<DelegationRead>(`${O}/delegations`, body), onSuccess: done });
}

export function useRevokeDelegation() {
  const done = useOrgInvalidate();
  return useMutation({ mutationFn: (id: number) => api.delete<void>(`${O}/delegations/${id}`), onSuccess: done });
}

// --- the org in and out of Excel ------------------------------------------------------------

/** The org workbook: the whole company (administrators), or a unit's subtree (view over it). */
export const orgExportUrl = (unitId?: number) =>
  unitId === undefined ? `${O}/exchange/org.xlsx` : `${O}/exchange/org.xlsx?unit_id=${unitId}`;

/** Upload a workbook: the answer is the stored preview (nothing changes yet). */
export function useStageOrgImport() {
  return useMutation({
    mutationFn: (file: File) => {
      const body = new FormData();
      body.append('file', file);
      return request<OrgImportRead>(`${O}/exchange/imports`, { method: 'POST', multipart: body });
    },
  });
}

/** Apply a preview whole, at the version shown (If-Match); the org's pages reload after it. */
export function useApplyOrgImport() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (item: Pick<OrgImportRead, 'id' | 'version'>) =>
      request<OrgImportRead>(`${O}/exchange/imports/${item.id}/apply`, {
        method: 'POST', etag: `"org-import-${item.id}-v${item.version}"`,
      }),
    onSuccess: () => { void qc.invalidateQueries({ queryKey: ['org'] }); },
  });
}

export function useDiscardOrgImport() {
  return useMutation({
    mutationFn: (id: number) => request<void>(`${O}/exchange/imports/${id}`, { method: 'DELETE' }),
  });
}
