import type { MoneyUnit } from '../../api/types';

/** 元 per unit: a resource line's amount is entered in 元 or in 万元 (ten thousand 元). */
export const YUAN_PER: Record<MoneyUnit, number> = { 元: 1, 万元: 10_000 };
export const MONEY_UNITS: MoneyUnit[] = ['元', '万元'];
const UNIT_KEY: Record<MoneyUnit, string> = { 元: 'yuan', 万元: 'wan' };

const grouped = (n: number) => n.toLocaleString('zh-CN', { maximumFractionDigits: 2 });

/** An amount with its unit, as the reader's language writes it: "120 万元", "1,200,000 元" ("— " when none). */
export function moneyText(amount: number | null | undefined, unit: MoneyUnit | undefined, t: (key: string) => string): string {
  if (amount === null || amount === undefined) return '—';
  return `${grouped(amount)} ${t(`plans.moneyUnit.${UNIT_KEY[unit ?? '元']}`)}`;
}
