/** The activity panel's pure rules: what each kind of entry looks like and how its status change reads. */
import type { ActivityEntry, ActivityKind } from '../api/activity';

type T = (key: string, vars?: Record<string, string | number>) => string;

/** Timeline dot colours by kind: decisions stand out, edits and other entries stay quiet. */
export const KIND_COLORS: Record<ActivityKind, string> = {
  decision: 'blue', edit: 'gray', comment: 'green', file: 'purple', other: 'gray',
};

/** The status an entry moved between, as the service named it: "已提交 → 已批准", or just "已识别" for a
 * record that came into being; null when the entry changed no status. */
export function statusChange(e: Pick<ActivityEntry, 'status_from' | 'status_to'>): string | null {
  if (!e.status_to) return null;
  return e.status_from ? `${e.status_from} → ${e.status_to}` : e.status_to;
}

/** The whole entry as one line (what a screen reader hears, and the entry's title on hover):
 * "李运营总监 批准了计划（运营管理部汇总审核）：同意". */
export function entryText(e: Pick<ActivityEntry, 'sentence' | 'quote' | 'status_from' | 'status_to'>, t: T): string {
  const status = statusChange(e);
  const head = status ? t('activity.withStatus', { sentence: e.sentence, status }) : e.sentence;
  return e.quote ? `${head}${t('common.colon')}${e.quote}` : head;
}

/** The kind's name for the icon's accessible label: 审批决定, 编辑, 评论, 附件, 其他. */
export function kindLabel(kind: ActivityKind, t: T): string {
  return t(`activity.kind.${kind}`);
}
