/** Integration scaffold: replaced by the comments panel (issue 23). */
import type { RecordRef } from './record';

export function CommentsPanel(_props: RecordRef) {
  return null;
}
