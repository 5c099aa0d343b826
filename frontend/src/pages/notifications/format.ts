/** The notification pages' pure rules: the bell's count and name, when a notification came, where it
 * leads, and what makes quiet hours valid. */
import type { EmailLanguage, KindChoice, NotificationChannel, NotificationKind } from '../../api/types';

type T = (key: string, vars?: Record<string, string | number>) => string;

/** `allOf<Union>()([...])`: the list as given, once it holds every member of the union. */
function allOf<U extends string>() {
  return <const V extends readonly U[]>(values: V & ([Exclude<U, V[number]>] extends [never] ? unknown : { missing: Exclude<U, V[number]> })) => values;
}

/** The kinds in the order the filters and the settings list them (every kind the API has). */
export const KINDS = allOf<NotificationKind>()(['approval', 'task', 'alert', 'mention', 'digest']);
export const CHANNELS = allOf<NotificationChannel>()(['in_app', 'email']);
export const EMAIL_LANGUAGES = allOf<EmailLanguage>()(['zh-CN', 'en']);

/** The badge's text: nothing at 0, the number up to `max`, then "99+". */
export function badgeText(count: number | undefined, max = 99): string {
  if (!count || count < 0) return '';
  return count > max ? `${max}+` : String(count);
}

/** The bell's accessible name: "通知，3 条未读" / "通知" (a screen reader hears the count, not a red dot). */
export function bellLabel(t: T, count: number | undefined): string {
  return count ? t('notifications.bellUnread', { n: count }) : t('notifications.bell');
}

/** An API time; the services write UTC, and a time without a zone is UTC too (SQLite keeps them so). */
export function parseApiTime(iso: string): Date {
  return new Date(/(Z|[+-]\d\d:?\d\d)$/.test(iso) ? iso : `${iso}Z`);
}

const pad = (n: number) => String(n).padStart(2, '0');
const dayKey = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const hhmm = (d: Date) => `${pad(d.getHours())}:${pad(d.getMinutes())}`;

/** The reader's local date and time of an API time, e.g. "2026-12-03 17:46". */
export function absoluteTime(iso: string): string {
  const d = parseApiTime(iso);
  return `${dayKey(d)} ${hhmm(d)}`;
}

/** When it came, as a person says it: 刚刚, 5 分钟前, 3 小时前, 昨天 09:12, 4 天前, then the date. */
export function relativeTime(iso: string, now: Date, t: T): string {
  const at = parseApiTime(iso);
  const seconds = Math.floor((now.getTime() - at.getTime()) / 1000);
  if (seconds < 60) return t('notifications.time.justNow'); // a clock a little ahead is "just now" too
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return t('notifications.time.minutes', { n: minutes });
  const yesterday = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1);
  if (dayKey(at) === dayKey(now)) return t('notifications.time.hours', { n: Math.floor(minutes / 60) });
  if (dayKey(at) === dayKey(yesterday)) return t('notifications.time.yesterday', { time: hhmm(at) });
  const startOfToday = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const days = Math.ceil((startOfToday.getTime() - at.getTime()) / 86_400_000);
  if (days < 7) return t('notifications.time.days', { n: days });
  return at.getFullYear() === now.getFullYear() ? `${pad(at.getMonth() + 1)}-${pad(at.getDate())}` : dayKey(at);
}

/** The SPA path a notification opens, or null when it is not one of ours (an absolute or protocol URL). */
export function safeLink(link: string | null | undefined): string | null {
  if (!link || !link.startsWith('/') || link.startsWith('//') || link.includes('\\')) return null;
  return link;
}

export type QuietHoursProblems = { start?: 'startRequired'; end?: 'endRequired' | 'same' };

/** What is wrong with quiet hours that are on (HH:MM each), field by field, as the service would refuse
 * it: both times are needed, and they must differ (an end before the start is the next morning). */
export function quietHoursProblems(start: string | null | undefined, end: string | null | undefined): QuietHoursProblems {
  const out: QuietHoursProblems = {};
  if (!start) out.start = 'startRequired';
  if (!end) out.end = 'endRequired';
  else if (start === end) out.end = 'same';
  return out;
}

/** Quiet hours that end earlier than they start run into the next morning (22:00–07:30). */
export function overnight(start: string, end: string): boolean {
  return end < start;
}

/** A kind's e-mail choice on the settings page; `chosen` false: the company default applies. */
export type Choice = { email: boolean; chosen: boolean };
export type Choices = Record<NotificationKind, Choice>;

export function choicesOf(kinds: readonly KindChoice[]): Choices {
  const out = {} as Choices;
  for (const k of KINDS) {
    const row = kinds.find((x) => x.kind === k);
    out[k] = { email: !!row?.channels.includes('email'), chosen: !!row?.chosen };
  }
  return out;
}

/** The channels to send: in_app always; only the kinds chosen, unless `all` (the company's defaults name
 * every kind), since a kind left out goes back to the company default. */
export function channelsBody(choices: Choices, all = false): Partial<Record<NotificationKind, NotificationChannel[]>> {
  const out: Partial<Record<NotificationKind, NotificationChannel[]>> = {};
  for (const k of KINDS) if (all || choices[k].chosen) out[k] = choices[k].email ? ['in_app', 'email'] : ['in_app'];
  return out;
}
