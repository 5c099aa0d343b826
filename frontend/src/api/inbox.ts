/** 我的待办: the gateway's GET /api/me/inbox, every part of what waits on the caller in one answer. */
import { useQuery } from '@tanstack/react-query';
import { api } from './client';
import type { Inbox } from './types';

export function useInbox() {
  return useQuery({
    queryKey: ['gateway', 'inbox', {}],
    queryFn: ({ signal }) => api.get<Inbox>('/api/me/inbox', undefined, signal),
  });
}
