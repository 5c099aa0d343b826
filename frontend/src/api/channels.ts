/** org's outgoing channels, for admins: a unit's group robots (DingTalk, WeCom, Feishu) and their test
 * send, the e-mail settings and a test e-mail, the delivery log of e-mail and robot messages and its
 * retry. Keys are ['org', resource, params]. */
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import type {
  ChannelsStatus, OutgoingMessageRead, OutgoingStatus, Page, RobotCreate, RobotRead, RobotUpdate, SendResult,
} from './types';

const O = '/api/org';

/** The If-Match of a robot as the list showed it (the API's etag("robot", id, version)). */
export const robotTag = (r: Pick<RobotRead, 'id' | 'version'>) => `"robot-${r.id}-v${r.version}"`;

export function useRobots(unitId: number | undefined) {
  return useQuery({
    queryKey: ['org', 'robots', { unitId }],
    queryFn: ({ signal }) => api.get<Page<RobotRead>>(`${O}/units/${unitId}/robots`, { limit: 100 }, signal),
    enabled: unitId !== undefined,
  });
}

function useRobotsChanged() {
  const qc = useQueryClient();
  return () => {
    void qc.invalidateQueries({ queryKey: ['org', 'robots'] });
    void qc.invalidateQueries({ queryKey: ['org', 'channels'] });
  };
}

export function useCreateRobot(unitId: number | undefined) {
  const changed = useRobotsChanged();
  return useMutation({ mutationFn: (body: RobotCreate) => api.post<RobotRead>(`${O}/units/${unitId}/robots`, body), onSuccess: changed });
}

export function useUpdateRobot() {
  const changed = useRobotsChanged();
  return useMutation({
    mutationFn: ({ robot, body }: { robot: RobotRead; body: RobotUpdate }) =>
      api.patch<RobotRead>(`${O}/robots/${robot.id}`, body, { etag: robotTag(robot) }),
    onSuccess: changed,
  });
}

export function useDeleteRobot() {
  const changed = useRobotsChanged();
  return useMutation({ mutationFn: (robot: RobotRead) => api.delete<void>(`${O}/robots/${robot.id}`, { etag: robotTag(robot) }), onSuccess: changed });
}

export function useTestRobot() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => api.post<SendResult>(`${O}/robots/${id}/test`),
    onSettled: () => void qc.invalidateQueries({ queryKey: ['org', 'outgoing-messages'] }),
  });
}

export function useChannelsStatus() {
  return useQuery({ queryKey: ['org', 'channels', {}], queryFn: ({ signal }) => api.get<ChannelsStatus>(`${O}/channels`, undefined, signal) });
}

export function useTestEmail() {
  return useMutation({ mutationFn: (to: string) => api.post<SendResult>(`${O}/channels/email/test`, { to }) });
}

export type MessageFilter = { status?: OutgoingStatus; channel?: string };

export function useOutgoingMessages(filter: MessageFilter) {
  return useInfiniteQuery({
    queryKey: ['org', 'outgoing-messages', filter],
    queryFn: ({ signal, pageParam }) => api.get<Page<OutgoingMessageRead>>(`${O}/outgoing-messages`,
      { status: filter.status, channel: filter.channel, limit: 50, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

export function useRetryMessage() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => api.post<OutgoingMessageRead>(`${O}/outgoing-messages/${id}/retry`),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['org', 'outgoing-messages'] });
      void qc.invalidateQueries({ queryKey: ['org', 'channels'] });
    },
  });
}
