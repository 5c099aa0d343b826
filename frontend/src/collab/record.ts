/** A record people discuss, attach files to and follow: which service keeps it, its kind and id.
 * The server's routes are /api/<service>/records/<kind>/<id>/{activity,comments,attachments}. */
export type RecordService = 'planning' | 'kpi' | 'risk';
export type RecordKind = 'plan' | 'task' | 'proposal' | 'action' | 'finding' | 'risk';

export interface RecordRef {
  service: RecordService;
  kind: RecordKind;
  id: number;
}

export function recordBase(r: RecordRef): string {
  return `/api/${r.service}/records/${r.kind}/${r.id}`;
}
