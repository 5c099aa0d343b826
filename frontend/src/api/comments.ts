/** Comments and @mentions on a record (issue 23): /api/<service>/records/<kind>/<id>/comments. Keys are
 * [service, 'comments', {kind, id}]; edits and deletions send the version the user saw as If-Match, so an edit
 * made meanwhile is refused (412), not lost. Mentions travel in the text as @[name](user:ID). */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, request } from './client';
import type { components } from './schema';
import { recordBase, type RecordRef } from '../collab/record';

export type CommentRead = components['schemas']['planning.CommentRead'];
export type Mentionable = components['schemas']['planning.Mentionable'];

const tagOf = (c: Pick<CommentRead, 'id' | 'version'>) => `"comment-${c.id}-v${c.version}"`;
const key = (r: RecordRef) => [r.service, 'comments', { kind: r.kind, id: r.id }] as const;

export function useComments(r: RecordRef) {
  return useQuery({
    queryKey: key(r),
    queryFn: ({ signal }) => api.get<CommentRead[]>(`${recordBase(r)}/comments`, undefined, signal),
  });
}

/** Who may be mentioned (people who may already see the record), matching what follows the @. */
export function useMentionable(r: RecordRef, q: string, enabled: boolean) {
  return useQuery({
    queryKey: [r.service, 'comments', { kind: r.kind, id: r.id, mentionable: q }],
    queryFn: ({ signal }) => api.get<Mentionable[]>(`${recordBase(r)}/comments/mentionable`, { q }, signal),
    enabled,
    staleTime: 60_000,
    placeholderData: keepPreviousData,
  });
}

function useCommentWrite<V, R>(r: RecordRef, fn: (v: V) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSettled: () => qc.invalidateQueries({ queryKey: key(r) }),
  });
}

export function useAddComment(r: RecordRef) {
  return useCommentWrite(r, (v: { body: string; reply_to?: number | null }) =>
    api.post<CommentRead>(`${recordBase(r)}/comments`, { body: v.body, reply_to: v.reply_to ?? null }));
}

export function useEditComment(r: RecordRef) {
  return useCommentWrite(r, (v: { comment: CommentRead; body: string }) =>
    request<CommentRead>(`${recordBase(r)}/comments/${v.comment.id}`, { method: 'PATCH', json: { body: v.body }, etag: tagOf(v.comment) }));
}

export function useDeleteComment(r: RecordRef) {
  return useCommentWrite(r, (c: CommentRead) =>
    request<void>(`${recordBase(r)}/comments/${c.id}`, { method: 'DELETE', etag: tagOf(c) }));
}
