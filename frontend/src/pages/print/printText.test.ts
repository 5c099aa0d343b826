import { chineseNumeral, cssString, docDate, docNumber, sectionNumber, weekSerial } from './printText';

describe('print text', () => {
  it('numbers sections the way Chinese documents do', () => {
    expect([1, 5, 10, 11, 20, 23, 99].map(chineseNumeral)).toEqual(['一', '五', '十', '十一', '二十', '二十三', '九十九']);
    expect(sectionNumber(3, 'zh-CN')).toBe('三、');
    expect(sectionNumber(3, 'en-US')).toBe('3. ');
  });

  it('derives a stable reference number from the record', () => {
    expect(docNumber('运计', '2026-Q4', 12)).toBe('运计〔2026〕12号');
    expect(docNumber('运纪', '2026-W07', weekSerial('2026-W07'))).toBe('运纪〔2026〕7号');
  });

  it('writes dates as filed documents do', () => {
    expect(docDate('2026-12-04', 'zh-CN')).toBe('2026年12月4日');
    expect(docDate('2026-12-04', 'en-US')).toBe('2026-12-04');
    expect(docDate(null, 'zh-CN')).toBe('');
  });

  it('escapes a title for the running header', () => {
    expect(cssString('a "b" \\ c')).toBe('"a \\"b\\" \\\\ c"');
  });
});
