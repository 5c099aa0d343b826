/** 经营驾驶舱: the gateway's GET /api/me/cockpit, every service's part for one unit and period in one answer. */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from './client';
import type { CockpitRead } from './types';

export function useCockpit(params: { period?: string; unit?: number }) {
  const query = { ...(params.period ? { period: params.period } : {}), ...(params.unit !== undefined ? { unit: params.unit } : {}) };
  return useQuery({
    queryKey: ['gateway', 'cockpit', query],
    queryFn: ({ signal }) => api.get<CockpitRead>('/api/me/cockpit', query, signal),
    placeholderData: keepPreviousData,
  });
}
