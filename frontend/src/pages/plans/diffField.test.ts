import { translate } from '../../i18n/messages';
import { diffFieldLabel } from './diffField';

const zh = (key: string, vars?: Record<string, string | number>) => translate('zh-CN', key, vars);
const en = (key: string, vars?: Record<string, string | number>) => translate('en-US', key, vars);
const names: Record<string, string> = { customer_satisfaction: '客户满意度', sales: '销售额' };
const byName = (code: string) => names[code] ?? code;

describe('revision diff field names', () => {
  it('names a target by its indicator, not its code', () => {
    expect(diffFieldLabel('targets.customer_satisfaction', zh, byName)).toBe('业务目标 · 客户满意度');
    expect(diffFieldLabel('targets.customer_satisfaction', en, () => 'Customer satisfaction')).toBe('Business targets · Customer satisfaction');
  });

  it('keeps the code of an indicator the library does not know', () => {
    expect(diffFieldLabel('targets.retired_one', zh, byName)).toBe('业务目标 · retired_one');
  });

  it('names plan fields and numbers list items from one', () => {
    expect(diffFieldLabel('title', zh, byName)).toBe('计划名称');
    expect(diffFieldLabel('risk_notes', zh, byName)).toBe('风险评估与应对措施');
    expect(diffFieldLabel('linked_risks', zh, byName)).toBe('关联风险');
    expect(diffFieldLabel('tasks[0]', zh, byName)).toBe('工作任务 1');
    expect(diffFieldLabel('resources[2]', zh, byName)).toBe('资源需求 3');
  });

  it('shows an unknown field as it came', () => {
    expect(diffFieldLabel('something_new', zh, byName)).toBe('something_new');
  });
});
