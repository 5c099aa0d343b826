/** org's reminders: the open waiting items on a subject (催办 by their requester, once a day), the
 * company's time limits in working days (SLA policies) and its working-day calendar. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import type { CalendarDayBody, CalendarDayRead, CalendarYear, PolicyBody, PolicyKind, PolicyList, PolicyRead, UrgeBody, UrgeRead, WatchList } from './types';

const O = '/api/org';

export function useWatches(subjectType: string, subjectId: string | number | undefined) {
  return useQuery({
    queryKey: ['org', 'watches', { subjectType, subjectId: String(subjectId) }],
    queryFn: ({ signal }) => api.get<WatchList>(`${O}/watches`, { subject_type: subjectType, subject_id: String(subjectId) }, signal),
    enabled: subjectId !== undefined,
  });
}

export function useUrge() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ watchId, body }: { watchId: number; body: UrgeBody }) => api.post<UrgeRead>(`${O}/watches/${watchId}/urge`, body),
    onSettled: () => void qc.invalidateQueries({ queryKey: ['org', 'watches'] }),
  });
}

export function useSlaPolicies() {
  return useQuery({ queryKey: ['org', 'sla-policies', {}], queryFn: ({ signal }) => api.get<PolicyList>(`${O}/sla-policies`, undefined, signal) });
}

export function useSaveSlaPolicy() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ kind, body }: { kind: PolicyKind; body: PolicyBody }) => api.put<PolicyRead>(`${O}/sla-policies/${kind}`, body),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['org', 'sla-policies'] }),
  });
}

export function useCalendar(year: number) {
  return useQuery({ queryKey: ['org', 'calendar', { year }], queryFn: ({ signal }) => api.get<CalendarYear>(`${O}/calendar`, { year }, signal) });
}

export function useSetCalendarDay() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ day, body }: { day: string; body: CalendarDayBody }) => api.put<CalendarDayRead>(`${O}/calendar/days/${day}`, body),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['org', 'calendar'] }),
  });
}

export function useRemoveCalendarDay() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (day: string) => api.delete<void>(`${O}/calendar/days/${day}`),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['org', 'calendar'] }),
  });
}
