import { describe, expect, it } from 'vitest';
import { answered, nextKey, passScore, resultBody, summarise, verdict } from './inspectionView';

const ITEMS = [
  { key: 'a', kind: 'pass_fail', weight: 2 },
  { key: 'b', kind: 'pass_fail', weight: 1 },
  { key: 'c', kind: 'score', weight: 1, max_score: 10 },
  { key: 'd', kind: 'score', weight: 1, max_score: 10, pass_score: 9 },
];

describe('inspection score', () => {
  it('is the weighted share of points over the applicable items, as the server computes it', () => {
    const s = summarise(ITEMS, { a: { outcome: 'pass' }, b: { outcome: 'fail' }, c: { score: 8 }, d: { outcome: 'na' } });
    expect(s).toEqual({ score: 70, passed: 2, failed: 1, answered: 4, total: 4 });
  });
  it('has no score while nothing applicable is answered', () => {
    expect(summarise(ITEMS, {}).score).toBeNull();
    expect(summarise(ITEMS, { a: { outcome: 'na' } })).toMatchObject({ score: null, answered: 1 });
  });
  it('passes a score item from its pass score, else 60% of the maximum', () => {
    expect(passScore(ITEMS[2])).toBe(6);
    expect(verdict(ITEMS[2], { score: 6 })).toBe(true);
    expect(verdict(ITEMS[3], { score: 8 })).toBe(false);
    expect(verdict(ITEMS[0], undefined)).toBeNull();
    expect(answered(ITEMS[2], { score: 0 })).toBe(true);
    expect(answered(ITEMS[2], {})).toBe(false);
  });
});

describe('request bodies and keys', () => {
  it('sends a score for score items and an outcome for pass/fail items', () => {
    expect(resultBody(ITEMS[2], { score: 7 }, '')).toEqual({ key: 'c', score: 7, note: '' });
    expect(resultBody(ITEMS[2], { outcome: 'na' }, 'x')).toEqual({ key: 'c', outcome: 'na', note: 'x' });
    expect(resultBody(ITEMS[0], { outcome: 'fail' }, '漏气')).toEqual({ key: 'a', outcome: 'fail', note: '漏气' });
  });
  it('gives new items a key not yet taken', () => {
    expect(nextKey([])).toBe('item1');
    expect(nextKey(['leak', 'item2'])).toBe('item3');
    expect(nextKey(['item2', 'item3'])).toBe('item4');
  });
});
