/** Identity providers (admin), the sign-in page's options and the require-SSO switch (org). */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, request } from './client';
import type { Page, ProviderCreate, ProviderRead, ProviderUpdate, SignInOptions } from './types';

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
