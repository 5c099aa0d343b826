/** 全局搜索: the gateway's GET /api/me/search, every service's hits the caller may see, grouped by kind. */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from './client';
import type { components } from './schema';
import { searchable } from '../pages/search/hits';

export type SearchResults = components['schemas']['gateway.MeSearchRead'];
export type SearchHit = components['schemas']['gateway.SearchHit'];

/** Hits for ``q`` (at most ``limit`` of each kind); nothing is asked until the query can be searched. */
export function useSearch(q: string, limit: number) {
  return useQuery({
    queryKey: ['gateway', 'search', { q, limit }],
    queryFn: ({ signal }) => api.get<SearchResults>('/api/me/search', { q, limit }, signal),
    enabled: searchable(q),
    staleTime: 30_000,
    // typing on: the previous hits stay until the next answer replaces them
    placeholderData: keepPreviousData,
  });
}
