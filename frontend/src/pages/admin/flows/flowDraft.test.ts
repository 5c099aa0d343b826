import { translate } from '../../../i18n/messages';
import {
  addCc, addStage, changed, draftProblems, freshKey, heldInChoice, heldInValue, moveStage, removeCc, removeStage, toBody,
  toDraft, updateCc, updateStage, type DraftStage,
} from './flowDraft';

const OPS_REVIEW = { key: 'ops_review', name: '运营管理部汇总审核', name_en: 'Operations review', right: 'plan', over: 'company',
  held_in: 'OPS', signers: 'any', time_limit_days: 3 };
const LEADERSHIP = { key: 'leadership', name: '公司高层审批', right: 'plan', over: 'company', held_in: 'company', signers: 'any' };

function annual(): DraftStage[] {
  return [toDraft(OPS_REVIEW), toDraft(LEADERSHIP)];
}

describe('the approval-flow draft', () => {
  it('reads stored stages with every field, older ones without time limits or CC included', () => {
    const [review, leadership] = annual();
    expect(review).toEqual({ ...OPS_REVIEW, cc: [] });
    expect(leadership).toMatchObject({ name_en: '', time_limit_days: null, cc: [], held_in: 'company' });
  });

  it('moves a stage up or down, and nowhere past either end', () => {
    const stages = annual();
    expect(moveStage(stages, 1, -1).map((s) => s.key)).toEqual(['leadership', 'ops_review']);
    expect(moveStage(stages, 0, 1).map((s) => s.key)).toEqual(['leadership', 'ops_review']);
    expect(moveStage(stages, 0, -1)).toBe(stages);
    expect(moveStage(stages, 1, 1)).toBe(stages);
    expect(stages.map((s) => s.key)).toEqual(['ops_review', 'leadership']); // the saved order is untouched
  });

  it('adds stages with keys no other stage has, and removes them', () => {
    const added = addStage(addStage(annual()));
    expect(added.map((s) => s.key)).toEqual(['ops_review', 'leadership', 'stage_3', 'stage_4']);
    expect(freshKey([{ key: 'stage_2' }])).toBe('stage_3');
    expect(removeStage(added, 0).map((s) => s.key)).toEqual(['leadership', 'stage_3', 'stage_4']);
    expect(freshKey(removeStage(added, 2))).toBe('stage_5');
  });

  it('changes one stage and its CC entries only', () => {
    let stages = updateStage(annual(), 0, { signers: 'all' });
    expect(stages.map((s) => s.signers)).toEqual(['all', 'any']);
    stages = addCc(stages, 1);
    stages = updateCc(stages, 1, 0, { right: 'plan', held_in: 'FIN' });
    expect(stages[1].cc).toEqual([{ right: 'plan', over: 'unit', held_in: 'FIN' }]);
    expect(stages[0].cc).toEqual([]);
    expect(removeCc(stages, 1, 0)[1].cc).toEqual([]);
    expect(changed(annual(), stages)).toBe(true);
    expect(changed(annual(), annual())).toBe(false);
  });

  it('says in Chinese what the server would refuse, before sending', () => {
    const say = (stages: DraftStage[]) => draftProblems(stages).map((p) => translate('zh-CN', p.key, p.vars));
    expect(say(annual())).toEqual([]);
    expect(say([])).toEqual(['审批流程至少需要一个环节']);
    const blank = addStage(annual());
    expect(say(blank)).toEqual(['第 3 环节：请填写环节名称']);
    expect(say(updateStage(annual(), 0, { time_limit_days: 61 }))).toEqual(
      ['第 1 环节：办理时限应为 0 到 60 个工作日的整数，留空则按公司默认时限']);
    expect(say(updateStage(annual(), 1, { right: 'admin' }))).toEqual(['第 2 环节：请选择所需权力']);
    expect(translate('en-US', draftProblems([])[0].key)).toBe('A flow needs at least one stage');
  });

  it('keeps 持有部门 as one choice: any unit, the company itself, or a unit code', () => {
    expect(heldInChoice(null)).toBe('');
    expect(heldInValue('')).toBeNull();
    expect(heldInValue('company')).toBe('company');
    expect(heldInValue(heldInChoice('OPS'))).toBe('OPS');
  });

  it('sends names trimmed', () => {
    expect(toBody(updateStage(annual(), 0, { name: '  汇总审核 ' }))[0].name).toBe('汇总审核');
  });
});
