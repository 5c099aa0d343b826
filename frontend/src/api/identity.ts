/** Identity providers (admin), the sign-in page's options and the require-SSO switch (org). */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, request } from './client';
import type {
  Page, ProviderCreate, ProviderRead, ProviderUpdate, ScimTokenCreate, ScimTokenRead, ScimTokenWithSecret, SignInOptions, SyncRunRead,
  SyncRunSummary,
} from './types';

/** Public: the enabled providers and whether the company requires SSO (the sign-in page). */
export function useSignInOptions() {
  return useQuery({
    queryKey: ['org', 'sign-in-options', {}],
    queryFn: ({ signal }) => request<SignInOptions>('/api/org/auth/providers', { noAuth: true, signal }),
    staleTime: 60_000,
  });
}

export function useProviders() {
  return useQuery({
    queryKey: ['org', 'identity-providers', {}],
    queryFn: ({ signal }) => api.get<Page<ProviderRead>>('/api/org/identity-providers', { limit: 100 }, signal),
  });
}

function providerEtag(p: ProviderRead): string {
  return `"identity_provider-${p.id}-v${p.version}"`;
}

export function useSaveProvider() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ current, body }: { current?: ProviderRead; body: ProviderCreate | ProviderUpdate }) =>
      current
        ? request<ProviderRead>(`/api/org/identity-providers/${current.id}`, { method: 'PATCH', json: body, etag: providerEtag(current) })
        : api.post<ProviderRead>('/api/org/identity-providers', body),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['org'] }),
  });
}

export function useDeleteProvider() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (p: ProviderRead) => request<void>(`/api/org/identity-providers/${p.id}`, { method: 'DELETE', etag: providerEtag(p) }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['org'] }),
  });
}

export function useSetRequireSso() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (value: boolean) => request<{ require_sso: boolean }>('/api/org/company-settings/require-sso', { method: 'PUT', json: { require_sso: value } }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['org', 'sign-in-options'] }),
  });
}

/** SCIM tokens (admin): listed without the token; created once with it. */
export function useScimTokens() {
  return useQuery({
    queryKey: ['org', 'scim-tokens', {}],
    queryFn: ({ signal }) => api.get<ScimTokenRead[]>('/api/org/scim-tokens', undefined, signal),
  });
}

export function useCreateScimToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: ScimTokenCreate) => api.post<ScimTokenWithSecret>('/api/org/scim-tokens', body),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['org', 'scim-tokens'] }),
  });
}

export function useRevokeScimToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => request<void>(`/api/org/scim-tokens/${id}`, { method: 'DELETE' }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['org', 'scim-tokens'] }),
  });
}

/** Directory sync (admin): a provider's runs, and a dry run or an applied sync. */
export function useSyncRuns(providerId: number | undefined) {
  return useQuery({
    queryKey: ['org', 'directory-runs', { providerId }],
    queryFn: ({ signal }) => api.get<Page<SyncRunSummary>>(`/api/org/directory/${providerId}/runs`, { limit: 100 }, signal),
    enabled: providerId !== undefined,
  });
}

export function useDirectorySync() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ providerId, dryRun }: { providerId: number; dryRun: boolean }) =>
      request<SyncRunRead>(`/api/org/directory/${providerId}/sync?dry_run=${dryRun}`, { method: 'POST' }),
    onSuccess: (_, { dryRun }) => void qc.invalidateQueries({ queryKey: dryRun ? ['org', 'directory-runs'] : ['org'] }),
  });
}
