/** Integration scaffold: replaced by the activity panel (issue 23). */
import type { RecordRef } from './record';

export function ActivityPanel(_props: RecordRef) {
  return null;
}
