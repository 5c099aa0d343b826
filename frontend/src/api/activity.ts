/** A record's activity stream (动态): GET /api/<service>/records/<kind>/<id>/activity, newest first, page by page.
 * The server tells each entry in the language the request asks for, so the locale is part of the key. */
import { useInfiniteQuery } from '@tanstack/react-query';
import { api } from './client';
import type { components } from './schema';
import { recordBase, type RecordRef } from '../collab/record';

// the same schema in each service (services/common/activity.py)
export type ActivityEntry = components['schemas']['planning.ActivityEntryRead'];
export type ActivityKind = ActivityEntry['kind'];
type ActivityPage = components['schemas']['planning.Page_ActivityEntryRead_'];

export const ACTIVITY_PAGE = 20;

/** The key of a record's activity in every language: a panel that changes the record (a comment, a file)
 * invalidates it, `queryClient.invalidateQueries({ queryKey: activityKey(record) })`, so 动态 shows the change. */
export function activityKey(record: RecordRef) {
  return [record.service, 'activity', { kind: record.kind, id: record.id }] as const;
}

export function useRecordActivity(record: RecordRef, locale: string) {
  const [service, what, which] = activityKey(record);
  return useInfiniteQuery({
    queryKey: [service, what, { ...which, locale }],
    queryFn: ({ signal, pageParam }) => api.get<ActivityPage>(`${recordBase(record)}/activity`,
      { limit: ACTIVITY_PAGE, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}
