import { toPlanBody, type EditorValues } from './PlanEditorPage';

describe('a plan body', () => {
  it('sends the budget item of a budget line only', () => {
    const v: EditorValues = {
      unit_id: 7, period: '2027', title: '市场部2027年度运营计划',
      resources: [
        { kind: 'budget', description: '市场推广', amount: 120, amount_unit: '万元', budget_item: 'marketing' },
        { kind: 'budget', description: '其他费用', amount: 5000, amount_unit: '元' },
        { kind: 'people', description: '调研专员', quantity: 3, unit: '人', budget_item: 'labor' },
      ],
    };
    expect(toPlanBody(v).resources?.map((r) => r.budget_item)).toEqual(['marketing', null, null]);
  });
});
