/** The KPI indicator library, used to name indicator codes (its other APIs are not used yet). */
import { useQuery } from '@tanstack/react-query';
import { api } from './client';
import type { components } from './schema';
import type { Page } from './types';

export type IndicatorRead = components['schemas']['kpi.IndicatorRead'];

export function useIndicators() {
  return useQuery({
    queryKey: ['kpi', 'indicators', {}],
    queryFn: ({ signal }) => api.get<Page<IndicatorRead>>('/api/kpi/indicators', { limit: 500 }, signal),
    staleTime: 10 * 60_000,
    retry: false,
  });
}
