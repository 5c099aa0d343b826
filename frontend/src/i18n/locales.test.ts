import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { flatten, MESSAGES, translate } from './messages';

const LOCALES_DIR = join(__dirname, '..', 'locales');
const SRC = join(__dirname, '..');

function keysOf(locale: string, ns: string): string[] {
  return Object.keys(flatten('', JSON.parse(readFileSync(join(LOCALES_DIR, locale, `${ns}.json`), 'utf8')))).sort();
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [p] : [];
  });
}

describe('locales', () => {
  it('zh-CN and en-US have the same namespaces', () => {
    expect(readdirSync(join(LOCALES_DIR, 'en-US')).sort()).toEqual(readdirSync(join(LOCALES_DIR, 'zh-CN')).sort());
  });

  for (const file of readdirSync(join(LOCALES_DIR, 'zh-CN'))) {
    const ns = file.replace(/\.json$/, '');
    it(`zh-CN and en-US have the same keys in ${ns}`, () => {
      expect(keysOf('en-US', ns)).toEqual(keysOf('zh-CN', ns));
    });
  }

  it('has no empty messages', () => {
    for (const [locale, messages] of Object.entries(MESSAGES)) {
      for (const [key, value] of Object.entries(messages)) expect(value.trim(), `${locale} ${key}`).not.toBe('');
    }
  });

  it('defines every literal key the code uses', () => {
    const missing: string[] = [];
    for (const file of sourceFiles(SRC)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\bt\(\s*'([A-Za-z0-9_.-]+)'/g)) if (!(m[1] in MESSAGES['zh-CN'])) missing.push(`${m[1]} (${file})`);
      for (const m of text.matchAll(/labelKey: '([A-Za-z0-9_.-]+)'/g)) if (!(m[1] in MESSAGES['zh-CN'])) missing.push(`${m[1]} (${file})`);
    }
    expect(missing).toEqual([]);
  });

  it('uses the domain terms in Chinese', () => {
    expect(translate('zh-CN', 'org.right.plan')).toBe('计划权');
    expect(translate('zh-CN', 'org.right.veto')).toBe('否决权');
    expect(translate('zh-CN', 'plans.action.issue')).toBe('下达');
    expect(translate('zh-CN', 'plans.action.publish')).toBe('公示');
    expect(translate('en-US', 'org.right.dispatch')).toBe('Dispatch');
  });

  it('fills placeholders and falls back to the key', () => {
    expect(translate('en-US', 'auth.retryIn', { seconds: 42 })).toBe('Try again in 42 s.');
    expect(translate('zh-CN', 'no.such.key')).toBe('no.such.key');
  });

  it('covers every plan status and action the API names', () => {
    for (const s of ['draft', 'submitted', 'returned', 'approved', 'issued', 'published', 'vetoed', 'closed']) {
      expect(MESSAGES['zh-CN'][`plans.status.${s}`]).toBeTruthy();
    }
    for (const a of ['submit', 'approve', 'return', 'veto', 'issue', 'publish', 'revise', 'suggest', 'guide', 'create', 'countersign', 'answer_suggestion']) {
      expect(MESSAGES['en-US'][`plans.action.${a}`]).toBeTruthy();
    }
  });
});
