/** 我的待办: the gateway's GET /api/me/inbox, or — while a gateway does not serve it (404) —
 * the planning service's own lists, so the page works either way. */
import { useQuery } from '@tanstack/react-query';
import { api } from './client';
import { ApiError } from './errors';
import type { Inbox, Page, PlanRead, TaskRead } from './types';

export async function loadInbox(signal?: AbortSignal): Promise<Inbox & { fallback: boolean }> {
  try {
    const inbox = await api.get<Inbox>('/api/me/inbox', undefined, signal);
    return {
      pending_approvals: inbox.pending_approvals ?? [], my_tasks: inbox.my_tasks ?? [], open_alerts: inbox.open_alerts ?? [],
      my_actions: inbox.my_actions ?? [], errors: inbox.errors ?? {}, counts: inbox.counts ?? {}, fallback: false,
    };
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 404) throw err;
  }
  const errors: Record<string, string> = {};
  const [approvals, tasks] = await Promise.all([
    api.get<PlanRead[]>('/api/planning/plans/awaiting-me', undefined, signal).catch((e: unknown) => {
      errors.planning = e instanceof ApiError ? e.detail : String(e);
      return [] as PlanRead[];
    }),
    api.get<Page<TaskRead>>('/api/planning/tasks', { mine: true, limit: 100 }, signal).catch((e: unknown) => {
      errors.planning = e instanceof ApiError ? e.detail : String(e);
      return { items: [] as TaskRead[] };
    }),
  ]);
  const my_tasks = tasks.items.filter((t) => t.status !== 'done' && t.status !== 'cancelled');
  const counts = { pending_approvals: approvals.length, my_tasks: my_tasks.length, open_alerts: 0, my_actions: 0 };
  return { pending_approvals: approvals, my_tasks, open_alerts: [], my_actions: [], errors, counts, fallback: true };
}

export function useInbox() {
  return useQuery({ queryKey: ['gateway', 'inbox', {}], queryFn: ({ signal }) => loadInbox(signal) });
}
