/** What the attachments panel shows of a file, as pure functions (unit-tested). */

/** The server's limit when the list has not said it yet (YUNGUAN_ATTACHMENT_MAX_BYTES' default). */
export const DEFAULT_MAX_BYTES = 20 * 1024 * 1024;

/** A size as people read it: 300 B, 12.5 KB, 3.2 MB. */
export function sizeLabel(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${trim(bytes / (1024 * 1024))} MB`;
  if (bytes >= 1024) return `${trim(bytes / 1024)} KB`;
  return `${bytes} B`;
}

function trim(n: number): string {
  return String(Math.round(n * 10) / 10);
}

export type FileKind = 'image' | 'pdf' | 'word' | 'excel' | 'powerpoint' | 'text' | 'other';

/** Which icon a file gets, from the type the server read from its bytes. */
export function fileKind(contentType: string): FileKind {
  if (contentType.startsWith('image/')) return 'image';
  if (contentType === 'application/pdf') return 'pdf';
  if (contentType.includes('wordprocessingml')) return 'word';
  if (contentType.includes('spreadsheetml')) return 'excel';
  if (contentType.includes('presentationml')) return 'powerpoint';
  if (contentType.startsWith('text/')) return 'text';
  return 'other';
}

/** Why a file cannot be sent, before it is (the server checks the same and more): null when it may be. */
export function refusalBeforeUpload(file: { size: number }, limits: { maxBytes: number; maxCount: number; count: number }):
  { key: 'attachments.empty' | 'attachments.tooLarge' | 'attachments.full'; vars?: Record<string, string | number> } | null {
  if (limits.count >= limits.maxCount) return { key: 'attachments.full', vars: { count: limits.maxCount } };
  if (file.size === 0) return { key: 'attachments.empty' };
  if (file.size > limits.maxBytes) return { key: 'attachments.tooLarge', vars: { limit: sizeLabel(limits.maxBytes) } };
  return null;
}
