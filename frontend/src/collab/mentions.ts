/** Mentions in a comment's text: written as @[name](user:ID) (the server keeps them so and names each person as
 * org names them), shown as highlighted names. */

export type Segment = { kind: 'text'; text: string } | { kind: 'mention'; name: string; userId: number };

const MENTION = /@\[([^\]\n]{1,100})\]\(user:(\d{1,12})\)/g;

/** The token a picked person becomes in the text. */
export function mentionToken(name: string, userId: number): string {
  return `@[${name.replace(/[\]\n]/g, '')}](user:${userId})`;
}

/** The text cut into plain runs and mentions, in order. */
export function segments(text: string): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  for (const m of text.matchAll(MENTION)) {
    const at = m.index ?? 0;
    if (at > last) out.push({ kind: 'text', text: text.slice(last, at) });
    out.push({ kind: 'mention', name: m[1], userId: Number(m[2]) });
    last = at + m[0].length;
  }
  if (last < text.length) out.push({ kind: 'text', text: text.slice(last) });
  return out;
}

/** The people a text mentions, each once, in the order first mentioned. */
export function mentionedIds(text: string): number[] {
  return [...new Set(segments(text).flatMap((s) => (s.kind === 'mention' ? [s.userId] : [])))];
}

/** The text as read aloud: each mention as @name. */
export function plainText(text: string): string {
  return segments(text).map((s) => (s.kind === 'mention' ? `@${s.name}` : s.text)).join('');
}
