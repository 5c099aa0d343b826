/** Pure helpers of the print views: how a filed document numbers its sections and names itself. */

const DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** 1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 23 → 二十三 (section numbers: 一、二、…; up to 99). */
export function chineseNumeral(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > 99) return String(n);
  if (n < 10) return DIGITS[n];
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return `${tens === 1 ? '' : DIGITS[tens]}十${ones ? DIGITS[ones] : ''}`;
}

/** A section heading's number as the locale writes it: "一、" in Chinese, "1. " otherwise. */
export function sectionNumber(n: number, locale: string): string {
  return locale === 'zh-CN' ? `${chineseNumeral(n)}、` : `${n}. `;
}

/**
 * The reference number (文号) a printed record carries. No record in Yunguan has a registry number of
 * its own, so the print views derive one from the record's identity, in the 机关代字〔年份〕序号号 form
 * of filed documents: the kind's code word, the year of the record's period, and the record's id (a
 * plan, an assessment) or the week number (meeting minutes). The same record always prints the same
 * number and no two records of a kind share one.
 */
export function docNumber(code: string, period: string, serial: number | string): string {
  const year = /^\d{4}/.exec(period)?.[0] ?? '';
  return `${code}〔${year}〕${serial}号`;
}

/** The week number of an ISO week (2026-W07 → 7), the serial of that week's minutes. */
export function weekSerial(week: string): number {
  const m = /^\d{4}-W(\d{2})$/.exec(week);
  return m ? Number(m[1]) : 0;
}

/** A date (ISO string or Date) as a filed document writes it: 2026年12月4日 (zh-CN) or 2026-12-04. */
export function docDate(value: string | Date | null | undefined, locale: string): string {
  if (!value) return '';
  const d = typeof value === 'string' ? new Date(value.length === 10 ? `${value}T00:00:00` : value) : value;
  if (Number.isNaN(d.getTime())) return '';
  if (locale === 'zh-CN') return `${d.getFullYear()}年${d.getMonth() + 1}月${d.getDate()}日`;
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** A CSS string literal (for the running header in @page): quotes and backslashes escaped. */
export function cssString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, ' ')}"`;
}
