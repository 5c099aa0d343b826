/** The caller's notifications (the bell and the centre), their channel preferences and the company's
 * defaults: org's /me/notifications*, /me/notification-preferences and /notification-defaults.
 * Keys are ['org', resource, params]; everything under 'notifications' is refreshed after a mark. */
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import type {
  DefaultsBody, DefaultsRead, Marked, NotificationKind, NotificationPage, NotificationRead, PreferencesBody,
  PreferencesRead, UnreadCount,
} from './types';

const O = '/api/org';
/** How often the bell asks while the tab is visible (TanStack pauses the interval in a hidden tab). */
export const UNREAD_REFRESH_MS = 30_000;
const PAGE = 20;

export type NotificationFilter = { unread: boolean; kind?: NotificationKind };

export function useUnreadCount(enabled = true) {
  return useQuery({
    queryKey: ['org', 'notifications', { count: true }],
    queryFn: ({ signal }) => api.get<UnreadCount>(`${O}/me/notifications/unread-count`, undefined, signal),
    enabled,
    refetchInterval: UNREAD_REFRESH_MS,
    refetchIntervalInBackground: false,
    refetchOnWindowFocus: true,
    staleTime: 0,
  });
}

/** The newest unread ones, for the bell's dropdown (asked when it opens). */
export function useLatestUnread(limit: number, enabled: boolean) {
  return useQuery({
    queryKey: ['org', 'notifications', { unread: true, limit }],
    queryFn: ({ signal }) => api.get<NotificationPage>(`${O}/me/notifications`, { unread: true, limit }, signal),
    enabled,
    staleTime: 0,
  });
}

/** The centre's list, page by page (加载更多 asks for the next cursor). */
export function useNotificationList(filter: NotificationFilter) {
  return useInfiniteQuery({
    queryKey: ['org', 'notifications', filter],
    queryFn: ({ signal, pageParam }) => api.get<NotificationPage>(`${O}/me/notifications`,
      { unread: filter.unread || undefined, kind: filter.kind, limit: PAGE, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    refetchOnWindowFocus: true,
  });
}

function useNotificationsChanged() {
  const qc = useQueryClient();
  return () => void qc.invalidateQueries({ queryKey: ['org', 'notifications'] });
}

export function useMarkRead() {
  const changed = useNotificationsChanged();
  return useMutation({
    mutationFn: (id: number) => api.post<NotificationRead>(`${O}/me/notifications/${id}/read`),
    onSettled: changed,
  });
}

export function useMarkAllRead() {
  const changed = useNotificationsChanged();
  return useMutation({ mutationFn: () => api.post<Marked>(`${O}/me/notifications/read-all`), onSettled: changed });
}

export function usePreferences() {
  return useQuery({
    queryKey: ['org', 'notification-preferences', {}],
    queryFn: ({ signal }) => api.get<PreferencesRead>(`${O}/me/notification-preferences`, undefined, signal),
  });
}

export function useSavePreferences() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: PreferencesBody) => api.put<PreferencesRead>(`${O}/me/notification-preferences`, body),
    onSuccess: (data) => qc.setQueryData(['org', 'notification-preferences', {}], data),
  });
}

export function useNotificationDefaults() {
  return useQuery({
    queryKey: ['org', 'notification-defaults', {}],
    queryFn: ({ signal }) => api.get<DefaultsRead>(`${O}/notification-defaults`, undefined, signal),
  });
}

export function useSaveNotificationDefaults() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: DefaultsBody) => api.put<DefaultsRead>(`${O}/notification-defaults`, body),
    onSuccess: (data) => {
      qc.setQueryData(['org', 'notification-defaults', {}], data);
      // a person who follows the company default sees the new one
      void qc.invalidateQueries({ queryKey: ['org', 'notification-preferences'] });
    },
  });
}
