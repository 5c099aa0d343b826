import { orderedGroups, searchPath, searchable, statusKey } from './hits';
import type { SearchHit } from '../../api/search';

const hit = (kind: string, id = 1): SearchHit => ({ kind, id, title: 't', title_en: '', subtitle: '', unit_name: '', status: '', url: '/', score: 1 });

describe('searchable', () => {
  it('needs two letters or digits, or one Chinese character, as the server does', () => {
    expect(searchable('')).toBe(false);
    expect(searchable('   ')).toBe(false);
    expect(searchable('a')).toBe(false);
    expect(searchable('ab')).toBe(true);
    expect(searchable('计')).toBe(true);
    // full-width letters are ordinary letters; an ideographic space alone is nothing
    expect(searchable('Ｋ')).toBe(false);
    expect(searchable('ＫＰ')).toBe(true);
    expect(searchable('\u3000')).toBe(false);
  });
});

describe('orderedGroups', () => {
  it('lists non-empty groups in the order people look for them, unknown kinds last', () => {
    const groups = { unit: [hit('unit')], zzz: [hit('zzz')], plan: [hit('plan')], task: [], risk: [hit('risk')] };
    expect(orderedGroups(groups).map(([k]) => k)).toEqual(['plan', 'risk', 'unit', 'zzz']);
    expect(orderedGroups(undefined)).toEqual([]);
  });
});

describe('statusKey and searchPath', () => {
  it('names a status in the namespace of its kind, and nothing for kinds without one', () => {
    expect(statusKey({ kind: 'plan', status: 'draft' })).toBe('plans.status.draft');
    expect(statusKey({ kind: 'alert', status: 'open' })).toBe('risk.alertStatuses.open');
    expect(statusKey({ kind: 'person', status: '' })).toBeNull();
  });
  it('puts the query in the address, encoded', () => {
    expect(searchPath(' 年度 计划 ')).toBe('/search?q=%E5%B9%B4%E5%BA%A6%20%E8%AE%A1%E5%88%92');
  });
});
