/** Integration scaffold: replaced by the attachments panel (issue 23). */
import type { RecordRef } from './record';

export function AttachmentsPanel(_props: RecordRef) {
  return null;
}
