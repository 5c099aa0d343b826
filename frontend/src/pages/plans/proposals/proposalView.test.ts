import { describe, expect, it } from 'vitest';
import { translate } from '../../../i18n/messages';
import type { ProposalDetail, ReviewStage, RewardLevel } from '../../../api/types';
import { freshKey, grantedReward, needsReason, nextStage, rewardText, settingsProblems, stageStates, yuan } from './proposalView';

const zh = (key: string, vars?: Record<string, string | number | null | undefined>) => translate('zh-CN', key, vars);
const en = (key: string, vars?: Record<string, string | number | null | undefined>) => translate('en-US', key, vars);

const stage = (key: string, name = key) => ({ index: 0, key, name, right: 'plan', over: 'unit', unit_path: '/1/' });
const step = (action: string, stage_key: string | null) => ({ id: 1, action, stage_key, stage_name: '', actor_name: '', comment: '', at: '' });

describe('proposal money and rewards', () => {
  it('shows money with 元, grouped, and a dash when there is none', () => {
    expect(yuan(36000, zh)).toBe('36,000 元');
    expect(yuan(800, en)).toBe('800 yuan');
    expect(yuan(null, zh)).toBe('—');
  });

  it('writes a reward level with its points and money, leaving out what it lacks', () => {
    expect(rewardText({ name: '二等奖', points: 50, amount: 800 }, zh)).toBe('二等奖 · 50 积分 · 800 元');
    expect(rewardText({ name: '鼓励奖', points: 5, amount: null }, zh)).toBe('鼓励奖 · 5 积分');
    expect(grantedReward({ reward_level: null, reward_name: '', reward_points: null, reward_amount: null }, zh)).toBeNull();
    expect(grantedReward({ reward_level: 'first', reward_name: '一等奖', reward_points: null, reward_amount: 2000 }, zh)).toBe('一等奖 · 2,000 元');
  });
});

describe('review steps', () => {
  const base = { stages: [stage('unit'), stage('company', '公司评审')] } as Pick<ProposalDetail, 'stages'>;

  it('marks passed, current and waiting stages while in review', () => {
    const p = { ...base, status: 'in_review' as const, stage_index: 1, steps: [step('submit', null), step('adopt', 'unit')] };
    expect(stageStates(p)).toEqual(['finish', 'process']);
    expect(nextStage({ ...p, stage_index: 0 })).toBe('公司评审');
    expect(nextStage(p)).toBeNull();
  });

  it('marks the stage that declined as an error and the rest not reached', () => {
    const p = { ...base, status: 'declined' as const, stage_index: null, steps: [step('decline', 'unit')] };
    expect(stageStates(p)).toEqual(['error', 'wait']);
  });

  it('asks for a reason for partly and decline only', () => {
    expect(needsReason('adopt')).toBe(false);
    expect(needsReason('partly')).toBe(true);
    expect(needsReason('decline')).toBe(true);
  });
});

describe('settings form', () => {
  const stages: ReviewStage[] = [{ key: 'a', name: '部门评审', right: 'plan', over: 'unit' }];
  const levels: RewardLevel[] = [{ key: 'x', name: '一等奖', points: 100, amount: 2000 }];

  it('accepts a flow with a stage and levels with points or money', () => {
    expect(settingsProblems(stages, levels, zh)).toEqual([]);
  });

  it('refuses an empty flow, repeated names and a level with neither points nor money', () => {
    expect(settingsProblems([], levels, zh)).toEqual(['评审流程至少需要一个环节']);
    expect(settingsProblems([...stages, { ...stages[0], key: 'b' }], levels, zh)).toEqual(['“部门评审”重复了']);
    expect(settingsProblems(stages, [{ key: 'y', name: '空', points: null, amount: null }], zh)).toEqual(['奖励等级“空”须设积分或奖金']);
  });

  it('gives new rows keys no other row has', () => {
    expect(freshKey('stage', ['stage_2'])).toBe('stage_3');
    expect(freshKey('stage', ['stage_2', 'stage_3'])).toBe('stage_4');
  });
});
