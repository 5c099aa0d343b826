import { moneyText, YUAN_PER } from './money';

const zh = (k: string) => ({ 'plans.moneyUnit.yuan': '元', 'plans.moneyUnit.wan': '万元' })[k] ?? k;
const en = (k: string) => ({ 'plans.moneyUnit.yuan': 'yuan', 'plans.moneyUnit.wan': '×10,000 yuan' })[k] ?? k;

describe('money', () => {
  it('shows an amount with its unit, never a bare currency sign', () => {
    expect(moneyText(120, '万元', zh)).toBe('120 万元');
    expect(moneyText(1_200_000, '元', zh)).toBe('1,200,000 元');
    expect(moneyText(1_200_000, undefined, zh)).toBe('1,200,000 元');
    expect(moneyText(120, '万元', en)).toBe('120 ×10,000 yuan');
    expect(moneyText(null, '元', zh)).toBe('—');
    expect(moneyText(120, '万元', zh)).not.toContain('¥');
  });

  it('knows how many 元 a 万元 is', () => {
    expect(120 * YUAN_PER['万元']).toBe(1_200_000);
  });
});
