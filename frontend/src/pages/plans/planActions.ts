import type { PlanAction } from '../../api/planning';

const ORDER: PlanAction[] = ['submit', 'approve', 'issue', 'publish', 'return', 'veto', 'revise', 'suggest', 'guide'];
/** Actions whose text is required: a reason (veto, return), why a plan is adjusted (revise: the
 * server requires its 意见), or the content itself (suggest, guide). */
export const NEEDS_TEXT: Partial<Record<PlanAction, 'reason' | 'text'>> = { veto: 'reason', return: 'reason', revise: 'text', suggest: 'text', guide: 'text' };

/** Buttons for exactly the plan's allowed_actions, in a stable order; unknown names are dropped. */
export function orderedActions(allowed: string[] | undefined): PlanAction[] {
  const set = new Set(allowed ?? []);
  return ORDER.filter((a) => set.has(a));
}

/** The body an action posts: veto and return carry the reason, everything else a comment. */
export function actionBody(action: PlanAction, text: string): { comment: string; reason?: string } {
  return NEEDS_TEXT[action] === 'reason' ? { comment: text, reason: text } : { comment: text };
}

/** A stage requirement as the service writes it ("'plan' over /1/, held in /1/2/") in the
 * reader's words: the right's name and unit names instead of paths. Unknown shapes pass through. */
export function describeRequirement(
  requirement: string,
  words: { right: (r: string) => string; unit: (path: string) => string; over: (v: { right: string; unit: string }) => string; heldIn: (v: { unit: string }) => string },
): string {
  const m = /^'(\w+)' over (\/[\d/]*?\/?)(?:, held in (\/[\d/]*?\/?))?$/.exec(requirement.trim());
  if (!m) return requirement;
  const over = words.over({ right: words.right(m[1]), unit: words.unit(m[2]) });
  return m[3] ? `${over}${words.heldIn({ unit: words.unit(m[3]) })}` : over;
}
