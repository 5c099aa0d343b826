/** Files attached to a record (plan, task, proposal, 整改 action, finding, risk), in the service that keeps it.
 * Keys are [service, 'attachments', {kind, id}]; adding or removing one reads the list again, and the record's
 * activity stream with it (its entries come from the same audit chain). */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, request } from './client';
import type { components } from './schema';
import { recordBase, type RecordRef } from '../collab/record';

// The same shapes in every service (services/common/attachments.py).
export type AttachmentList = components['schemas']['planning.AttachmentList'];
export type AttachmentRead = components['schemas']['planning.AttachmentRead'];

const key = (r: RecordRef) => [r.service, 'attachments', { kind: r.kind, id: r.id }] as const;
const base = (r: RecordRef) => `${recordBase(r)}/attachments`;

export function useAttachments(r: RecordRef) {
  return useQuery({
    queryKey: key(r),
    queryFn: ({ signal }) => api.get<AttachmentList>(base(r), undefined, signal),
  });
}

function useAttachmentWrite<V, R>(r: RecordRef, fn: (v: V) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: key(r) });
      void qc.invalidateQueries({ queryKey: [r.service, 'activity'] });
    },
  });
}

export function useUploadAttachment(r: RecordRef) {
  return useAttachmentWrite(r, (file: File) => {
    const body = new FormData();
    body.append('file', file);
    return request<AttachmentRead>(base(r), { method: 'POST', multipart: body });
  });
}

export function useRemoveAttachment(r: RecordRef) {
  return useAttachmentWrite(r, (a: Pick<AttachmentRead, 'url'>) => api.delete<void>(a.url));
}
