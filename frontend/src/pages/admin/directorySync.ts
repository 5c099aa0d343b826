/** Directory sync's plan, in words: each change the server plans (a plain dict, `op` first) as one sentence,
 * naming units and people by the names the plan itself carries or the org already has. */

type Vars = Record<string, string | number | null | undefined>;
export type Translate = (key: string, vars?: Vars) => string;
export type SyncChange = { op?: unknown; [field: string]: unknown };
export type KeptUnit = { external_id?: unknown; unit_id?: unknown; name?: unknown; reason?: unknown; reason_zh?: unknown };

/** Names for the plan's references: existing units and users by id, and the plan's own new ones
 * (units as "ext:<department id>", users as "new:<subject>"). */
export type Names = { units: Map<string | number, string>; users: Map<string | number, string> };

const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));

export function namesFor(plan: SyncChange[], units: { id: number; name: string }[] = [], users: { id: number; display_name: string }[] = []): Names {
  const names: Names = { units: new Map(), users: new Map() };
  for (const u of units) names.units.set(u.id, u.name);
  for (const u of users) names.users.set(u.id, u.display_name);
  for (const c of plan) {
    if (c.op === 'unit.create') names.units.set(`ext:${str(c.external_id)}`, str(c.name));
    if (c.op === 'unit.rename' && typeof c.unit_id === 'number') names.units.set(c.unit_id, str(c.to));
    if (c.op === 'user.create') names.users.set(`new:${str(c.subject)}`, str(c.display_name) || str(c.subject));
    if (c.op === 'user.deactivate' && typeof c.user_id === 'number' && !names.users.has(c.user_id)) names.users.set(c.user_id, str(c.name));
    if (c.op === 'user.update' && typeof c.user_id === 'number' && !names.users.has(c.user_id)) {
      const before = (c.before ?? {}) as Record<string, unknown>;
      const after = (c.changes ?? {}) as Record<string, unknown>;
      const name = str(before.display_name) || str(after.display_name);
      if (name) names.users.set(c.user_id, name);
    }
  }
  return names;
}

function unitName(key: unknown, names: Names, t: Translate): string {
  if (key === null || key === undefined) return t('identity.sync.unknownUnit');
  return names.units.get(key as string | number) ?? (typeof key === 'number' ? `#${key}` : str(key).replace(/^ext:/, ''));
}

function userName(key: unknown, names: Names, fallback?: unknown): string {
  const known = key === null || key === undefined ? undefined : names.users.get(key as string | number);
  if (known) return known;
  if (fallback) return str(fallback);
  return typeof key === 'number' ? `#${key}` : str(key).replace(/^new:/, '');
}

const kindName = (kind: unknown, t: Translate) => t(`org.kind.${str(kind)}`);

const FIELD_KEYS: Record<string, string> = { display_name: 'identity.sync.field.display_name', email: 'identity.sync.field.email', active: 'identity.sync.field.active' };

/** One planned change as a sentence, e.g. 新建单元「市场部」（部门）, 停用用户「张三」. */
export function describeChange(c: SyncChange, names: Names, t: Translate): string {
  const op = str(c.op);
  switch (op) {
    case 'unit.create':
      return t('identity.sync.op.unitCreate', { name: str(c.name), kind: kindName(c.kind, t), parent: unitName(c.parent, names, t) });
    case 'unit.rename':
      return t('identity.sync.op.unitRename', { from: str(c.from), to: str(c.to) });
    case 'unit.move':
      return t('identity.sync.op.unitMove', { name: str(c.name), parent: unitName(c.to_parent, names, t), kind: kindName(c.kind, t) });
    case 'unit.kind':
      return t('identity.sync.op.unitKind', { name: unitName(c.unit_id, names, t), kind: kindName(c.to, t) });
    case 'position.create':
      return t('identity.sync.op.positionCreate', { unit: unitName(c.unit, names, t), title: str(c.title) });
    case 'user.create':
      return t('identity.sync.op.userCreate', { name: str(c.display_name) || str(c.subject), username: str(c.username) });
    case 'user.link':
      return t('identity.sync.op.userLink', { name: userName(c.user_id, names), subject: str(c.subject) });
    case 'user.update': {
      const fields = Object.keys((c.changes ?? {}) as object).map((f) => (FIELD_KEYS[f] ? t(FIELD_KEYS[f]) : f));
      return t('identity.sync.op.userUpdate', { name: userName(c.user_id, names, c.subject), fields: fields.join(t('identity.sync.listSep')) });
    }
    case 'user.deactivate':
      return t('identity.sync.op.userDeactivate', { name: str(c.name) || userName(c.user_id, names) });
    case 'head.assign':
    case 'member.assign':
      return t(op === 'head.assign' ? 'identity.sync.op.headAssign' : 'identity.sync.op.memberAssign',
        { name: userName(c.user, names), unit: unitName(c.unit, names, t) });
    case 'head.unassign':
    case 'member.unassign':
      return t(op === 'head.unassign' ? 'identity.sync.op.headUnassign' : 'identity.sync.op.memberUnassign',
        { name: userName(c.user_id, names), unit: unitName(c.unit_id, names, t) });
    default:
      return t('identity.sync.op.other', { op });
  }
}

/** The run's counts in the plan's order of kinds, each with its label, none that are zero. */
export const OPS = ['unit.create', 'unit.rename', 'unit.move', 'unit.kind', 'position.create', 'user.create', 'user.link', 'user.update',
  'user.deactivate', 'head.assign', 'member.assign', 'head.unassign', 'member.unassign'] as const;

function labelOr(t: Translate, key: string, fallback: string): string {
  const text = t(key);
  return text === key ? fallback : text;
}

export function countRows(counts: Record<string, number>, t: Translate): { op: string; label: string; count: number }[] {
  const known = OPS.filter((op) => counts[op]);
  const others = Object.keys(counts).filter((op) => counts[op] && !(OPS as readonly string[]).includes(op)).sort();
  return [...known, ...others].map((op) => ({ op, label: labelOr(t, `identity.sync.count.${op.replace('.', '_')}`, op), count: counts[op] }));
}

export function totalChanges(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

/** Why a unit is kept: the server's zh reason in Chinese, else the reason's own message. */
export function keptReason(k: KeptUnit, t: Translate, locale: string): string {
  if (locale === 'zh-CN' && k.reason_zh) return str(k.reason_zh);
  return labelOr(t, `identity.sync.kept.${str(k.reason)}`, str(k.reason_zh) || str(k.reason));
}

export const SYNC_KINDS = ['dingtalk', 'wecom', 'feishu'] as const;

/** The providers a directory sync can run for: DingTalk, WeCom or Feishu with sync enabled. */
export function syncProviders<P extends { kind: string; sync_enabled: boolean }>(providers: P[]): P[] {
  return providers.filter((p) => (SYNC_KINDS as readonly string[]).includes(p.kind) && p.sync_enabled);
}

/** Who did it: created_by / actor hold the principal's subject (a user id as text); its name when known. */
export function whoName(sub: string, users: { id: number; display_name: string }[] | undefined): string {
  return users?.find((u) => String(u.id) === sub)?.display_name ?? sub;
}
