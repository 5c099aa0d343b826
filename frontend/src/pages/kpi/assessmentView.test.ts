import type { AssessmentItemRead, ScorecardRead, ScoringRule } from '../../api/kpi';
import { contribution, countedWeight, gradesDesc, maxScore, outcomesForGrade, ruleText, unscored } from './assessmentView';
import { emptyScorecard, fromScorecard, itemKeys, toScorecardCreate, toScorecardUpdate, weightTotal } from './scorecardForm';
import { translate } from '../../i18n/messages';

const t = (key: string, vars?: Record<string, string | number>) => translate('zh-CN', key, vars);

const rule = (r: Partial<ScoringRule>): ScoringRule => ({ type: 'linear_cap', cap: 1.2, per_percent: 2, floor: 1, tiers: [], ...r });

// as the service answers the demo assessment (services/kpi/demo.py)
const items: AssessmentItemRead[] = [
  { key: 'sales', kind: 'indicator', name: '销售额完成率', weight: 50, indicator_code: 'sales', rule: rule({ cap: 1.2 }), actual: 110, target: 100, attainment: 1.1, score: 110, vetoed: false, no_data: false },
  { key: 'cost_ratio', kind: 'indicator', name: '成本费用率', weight: 30, indicator_code: 'cost_expense_ratio', rule: rule({ type: 'tiered', tiers: [{ min: 0.9, score: 60 }, { min: 1, score: 100 }] }), attainment: 0.96, score: 60, vetoed: false, no_data: false },
  { key: 'team', kind: 'qualitative', name: '团队管理', weight: 20, max_score: 50, score: null, vetoed: false, no_data: false },
];

describe('assessment view', () => {
  it('adds up contributions as the service does, qualitative scores out of their max', () => {
    expect(contribution(items[0], 100)).toBe(55);
    expect(contribution(items[2], 100)).toBeNull();
    expect(contribution({ ...items[2], score: 40 }, 100)).toBe(16);
    expect(maxScore(items[2])).toBe(50);
    expect(maxScore(items[0])).toBe(100); // indicator items answer max_score null
  });

  it('shares the total among the items with data only: an item without data is no part of it', () => {
    const csat: AssessmentItemRead = { key: 'csat', kind: 'indicator', name: '客户满意度', weight: 40, indicator_code: 'customer_satisfaction', rule: rule({}), attainment: null, score: null, vetoed: false, no_data: true };
    expect(countedWeight([...items, csat])).toBe(100);
    expect(contribution(csat, 100)).toBeNull();
    expect(contribution(items[0], countedWeight([items[0], csat]))).toBe(110);
  });

  it('lists the qualitative items still to score', () => {
    expect(unscored(items, {}).map((l) => l.key)).toEqual(['team']);
    expect(unscored(items, { team: { score: 40, note: '', by: '3' } })).toEqual([]);
  });

  it('describes each scoring rule in words, tiers highest first', () => {
    expect(ruleText(items[0].rule, t)).toContain('120%');
    expect(ruleText(items[1].rule, t)).toMatch(/≥100%→100 · ≥90%→60/);
    expect(ruleText(rule({ type: 'veto', floor: 1 }), t)).toContain('一票否决');
    expect(ruleText(rule({ type: 'deduction', per_percent: 3 }), t)).toContain('扣 3 分');
    expect(ruleText(null, t)).toBe('—');
  });

  it('finds the outcomes a template sets for a grade, grades best first', () => {
    const outcomes: ScorecardRead['outcomes'] = { A: [{ kind: 'reward', type: 'bonus', amount: 50000, note: '奖金' }] };
    expect(outcomesForGrade(outcomes, 'A')).toEqual([{ kind: 'reward', type: 'bonus', amount: 50000, note: '奖金' }]);
    expect(outcomesForGrade(outcomes, 'C')).toEqual([]);
    expect(outcomesForGrade(outcomes, null)).toEqual([]);
    expect(gradesDesc([{ grade: 'D', min: 0 }, { grade: 'A', min: 90 }]).map((g) => g.grade)).toEqual(['A', 'D']);
  });
});

describe('scorecard form', () => {
  it('turns percentages into the API ratios and invents valid unique keys', () => {
    const v = emptyScorecard();
    v.name = ' 年度考核 ';
    v.unit_id = 3;
    v.items = [
      { kind: 'indicator', weight: 40, indicator_code: 'sales', rule_type: 'tiered', tiers: [{ min_pct: 100, score: 100 }, { min_pct: 95 }] },
      { kind: 'indicator', weight: 40, indicator_code: 'sales', rule_type: 'veto', floor_pct: 80 },
      { kind: 'qualitative', weight: 20, name: '团队管理', max_score: 10 },
    ];
    v.outcomes = [{ grade: 'A', kind: 'reward', type: 'bonus', amount: 1000 }, { grade: 'A', kind: 'reward' }];
    const body = toScorecardCreate(v);
    expect(body.name).toBe('年度考核');
    expect(body.items.map((i) => i.key)).toEqual(['sales', 'sales_2', 'item_3']);
    expect(body.items[0].rule?.tiers).toEqual([{ min: 1, score: 100 }]);
    expect(body.items[1].rule).toMatchObject({ type: 'veto', floor: 0.8 });
    expect(body.items[2]).toMatchObject({ kind: 'qualitative', max_score: 10 });
    expect(body.items[2].rule).toBeUndefined();
    expect(body.outcomes).toEqual({ A: [{ kind: 'reward', type: 'bonus', amount: 1000, note: '' }] });
    expect(weightTotal(v.items)).toBe(100);
  });

  it('round-trips a stored template into the form', () => {
    const card: ScorecardRead = {
      id: 1, name: '部门年度考核表', unit_id: 1, unit_path: '/1/', subject_kind: 'unit', created_by: 'demo', version: 1, routine_weight: 0,
      items: items.map(({ key, kind, name, weight, indicator_code, rule: r, max_score }) => ({ key, kind, name, weight, indicator_code, rule: r, max_score: max_score ?? 100 })),
      grades: [{ grade: 'A', min: 90 }],
      outcomes: { A: [{ kind: 'reward', type: 'bonus', amount: 50000, note: '奖金' }] },
    };
    const v = fromScorecard(card);
    expect(v.items[0]).toMatchObject({ rule_type: 'linear_cap', cap_pct: 120, floor_pct: 100 });
    expect(v.items[1].tiers).toEqual([{ min_pct: 90, score: 60 }, { min_pct: 100, score: 100 }]);
    expect(v.items[2]).toMatchObject({ kind: 'qualitative', max_score: 50 });
    expect(itemKeys(v.items)).toEqual(['sales', 'cost_ratio', 'team']);
    expect(toScorecardCreate(v).outcomes).toEqual(card.outcomes);
  });

  it('changes a template in place: keeps the item keys, leaves out unit and subject kind', () => {
    const card: ScorecardRead = {
      id: 2, name: '月度考核', unit_id: 6, unit_path: '/1/6/', subject_kind: 'unit', created_by: '3', version: 4, routine_weight: 0,
      items: [
        { key: 'turnover', kind: 'indicator', name: '', weight: 50, indicator_code: 'inventory_turnover', rule: rule({}), max_score: 100 },
        { key: 'item_2', kind: 'qualitative', name: '团队管理', weight: 50, max_score: 100 },
      ],
      grades: [{ grade: 'A', min: 90 }, { grade: 'D', min: 0 }],
      outcomes: {},
    };
    const v = fromScorecard(card);
    v.items[1] = { ...v.items[1], name: '团队建设', weight: 40 };
    v.items[0] = { ...v.items[0], weight: 60 };
    const body = toScorecardUpdate(v);
    expect(Object.keys(body).sort()).toEqual(['grades', 'items', 'name', 'outcomes', 'routine_weight']);
    expect(body.items?.map((i) => [i.key, i.weight, i.name])).toEqual([['turnover', 60, ''], ['item_2', 40, '团队建设']]);
  });
});
