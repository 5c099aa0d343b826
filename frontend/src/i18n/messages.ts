/** Locale files: src/locales/<locale>/<namespace>.json, nested objects flattened to
 * dotted keys prefixed by the namespace ("plans.status.draft"). */
export const LOCALES = ['zh-CN', 'en-US'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'zh-CN';

type Json = string | { [k: string]: Json };

export function flatten(prefix: string, value: Json, out: Record<string, string> = {}): Record<string, string> {
  if (typeof value === 'string') {
    out[prefix] = value;
    return out;
  }
  for (const [k, v] of Object.entries(value)) flatten(prefix ? `${prefix}.${k}` : k, v, out);
  return out;
}

const files = import.meta.glob<{ default: Json }>('../locales/*/*.json', { eager: true });

export const MESSAGES: Record<Locale, Record<string, string>> = { 'zh-CN': {}, 'en-US': {} };
for (const [path, mod] of Object.entries(files)) {
  const m = /locales\/([^/]+)\/([^/]+)\.json$/.exec(path);
  if (!m) continue;
  const locale = m[1] as Locale;
  if (!(locale in MESSAGES)) continue;
  flatten(m[2], mod.default, MESSAGES[locale]);
}

/** Replace {name} placeholders. */
export function format(template: string, vars?: Record<string, string | number | null | undefined>): string {
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (all, name: string) => (vars[name] === undefined || vars[name] === null ? all : String(vars[name])));
}

export function translate(locale: Locale, key: string, vars?: Record<string, string | number | null | undefined>): string {
  const msg = MESSAGES[locale][key] ?? MESSAGES[DEFAULT_LOCALE][key];
  return msg === undefined ? key : format(msg, vars);
}
