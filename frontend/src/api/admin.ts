/** Audit log and webhooks, which every service serves under /api/<service>/. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import type { AuditEntryRead, AuditVerifyRead, DeliveryRead, Page, WebhookCreate, WebhookRead, WebhookWithSecret } from './types';

export const SERVICES = ['org', 'planning', 'kpi', 'risk'] as const;
export type Service = (typeof SERVICES)[number];

export function useAudit(service: Service, params: { limit?: number; cursor?: string }) {
  return useQuery({
    queryKey: [service, 'audit', params],
    queryFn: ({ signal }) => api.get<Page<AuditEntryRead>>(`/api/${service}/audit`, { limit: 50, ...params }, signal),
  });
}

export function useAuditVerify(service: Service, enabled: boolean) {
  return useQuery({
    queryKey: [service, 'audit-verify', {}],
    queryFn: ({ signal }) => api.get<AuditVerifyRead>(`/api/${service}/audit/verify`, undefined, signal),
    enabled,
  });
}

export function useWebhooks(service: Service) {
  return useQuery({
    queryKey: [service, 'webhooks', {}],
    queryFn: ({ signal }) => api.get<Page<WebhookRead>>(`/api/${service}/webhooks`, { limit: 100 }, signal),
  });
}

export function useDeliveries(service: Service, webhookId: number | undefined) {
  return useQuery({
    queryKey: [service, 'deliveries', { webhookId }],
    queryFn: ({ signal }) => api.get<Page<DeliveryRead>>(`/api/${service}/webhooks/${webhookId}/deliveries`, { limit: 50 }, signal),
    enabled: webhookId !== undefined,
  });
}

export function useCreateWebhook(service: Service) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: WebhookCreate) => api.post<WebhookWithSecret>(`/api/${service}/webhooks`, body),
    onSuccess: () => void qc.invalidateQueries({ queryKey: [service, 'webhooks'] }),
  });
}

export function useDeleteWebhook(service: Service) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => api.delete<void>(`/api/${service}/webhooks/${id}`),
    onSuccess: () => void qc.invalidateQueries({ queryKey: [service, 'webhooks'] }),
  });
}

export function usePingWebhook(service: Service) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => api.post<unknown>(`/api/${service}/webhooks/${id}/ping`),
    onSuccess: () => void qc.invalidateQueries({ queryKey: [service, 'deliveries'] }),
  });
}
