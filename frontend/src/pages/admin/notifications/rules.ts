/** The notification admin tabs' pure rules: what a calendar day is, which delivery-log rows can be
 * retried, what a robot edit sends. */
import type { CalendarDayRead, OutgoingStatus, RobotRead, RobotUpdate, RobotVendor } from '../../../api/types';

/** `allOf<Union>()([...])`: the list as given, once it holds every member of the union. */
function allOf<U extends string>() {
  return <const V extends readonly U[]>(values: V & ([Exclude<U, V[number]>] extends [never] ? unknown : { missing: Exclude<U, V[number]> })) => values;
}

export const VENDORS = allOf<RobotVendor>()(['dingtalk', 'wecom', 'feishu']);
export const MESSAGE_STATUSES = allOf<OutgoingStatus>()(['pending', 'sent', 'parked', 'dropped']);
export const MESSAGE_CHANNELS = ['email', 'dingtalk', 'wecom', 'feishu'] as const;
export const STATUS_COLORS: Record<OutgoingStatus, string> = { pending: 'processing', sent: 'success', parked: 'error', dropped: 'default' };

/** The service sends again only what gave up (parked) or lost its channel (dropped). */
export function canRetry(status: string): boolean {
  return status === 'parked' || status === 'dropped';
}

export type DayKind = 'holiday' | 'makeup' | 'companyOff' | 'companyWork';

/** A listed day: a public holiday (or a day off the law moves), a 调休 Saturday or Sunday worked, or the
 * company's own override either way. */
export function dayKind(d: Pick<CalendarDayRead, 'workday' | 'source'>): DayKind {
  if (d.source === 'company') return d.workday ? 'companyWork' : 'companyOff';
  return d.workday ? 'makeup' : 'holiday';
}

/** The weekday of an ISO date (0 Sunday … 6 Saturday), read as a calendar date wherever the browser is. */
export function weekday(iso: string): number {
  const [y, m, d] = iso.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

export type RobotForm = {
  vendor: RobotVendor; name: string; url: string; secret?: string; clearSecret?: boolean;
  kinds: NonNullable<RobotUpdate['kinds']>; include_subunits: boolean; active: boolean;
};

/** What an edit sends: the secret only when a new one was typed (or it is to be removed: ""), the address
 * only when it is not the masked one the list showed (the service keeps the current one then too). */
export function robotChanges(robot: RobotRead, form: RobotForm): RobotUpdate {
  const body: RobotUpdate = { name: form.name, kinds: form.kinds, include_subunits: form.include_subunits, active: form.active };
  if (form.url.trim() !== robot.url) body.url = form.url.trim();
  if (form.clearSecret) body.secret = '';
  else if (form.secret) body.secret = form.secret;
  return body;
}
