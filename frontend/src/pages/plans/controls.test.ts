import {
  advisoryTurn, candidateLabel, candidateOptions, controlBody, controlPath, hasStageControls, orderedControls, pickerMode, stageControls, submitterCopies,
} from './controls';

describe('approval controls', () => {
  it('offers exactly the controls allowed_actions names, in a stable order', () => {
    expect(orderedControls(['cc', 'approve', 'transfer', 'withdraw', 'add_signer', 'unknown'])).toEqual(['withdraw', 'transfer', 'add_signer', 'cc']);
    expect(orderedControls(['approve', 'return'])).toEqual([]);
    expect(orderedControls(undefined)).toEqual([]);
  });

  it('posts to the agreed routes', () => {
    expect(controlPath('withdraw')).toBe('withdraw');
    expect(controlPath('add_signer')).toBe('add-signer');
    expect(controlPath('cc')).toBe('cc');
  });

  it('picks one person to transfer to or add, several to copy, nobody to withdraw', () => {
    expect(pickerMode('transfer')).toBe('one');
    expect(pickerMode('add_signer')).toBe('one');
    expect(pickerMode('cc')).toBe('many');
    expect(pickerMode('withdraw')).toBeNull();
  });

  it('sends only the fields each route takes, trimmed', () => {
    const values = { comment: ' 请先看预算 ', reason: ' 出差一周 ', to_user_id: 9, user_id: 8, user_ids: [3, 4], position: 'after' as const };
    expect(controlBody('withdraw', values)).toEqual({ comment: '请先看预算' });
    expect(controlBody('transfer', values)).toEqual({ to_user_id: 9, reason: '出差一周' });
    expect(controlBody('add_signer', values)).toEqual({ user_id: 8, position: 'after', comment: '请先看预算' });
    expect(controlBody('cc', values)).toEqual({ user_ids: [3, 4], comment: '请先看预算' });
    expect(controlBody('add_signer', { user_id: 8 })).toEqual({ user_id: 8, position: 'before', comment: '' });
    expect(controlBody('cc', {})).toEqual({ user_ids: [], comment: '' });
  });

  it('names candidates by name, unit and post, binding signers before advisory ones', () => {
    expect(candidateLabel({ name: '孙运营副总监', unit_name: '运营管理部', position_name: '运营副总监' })).toBe('孙运营副总监 · 运营管理部 · 运营副总监');
    expect(candidateLabel({ name: '孙运营副总监', unit_name: null, position_name: '' })).toBe('孙运营副总监');
    const options = candidateOptions([
      { id: 1, name: '张市场部经理', advisory: true },
      { id: 2, name: '孙运营副总监', advisory: false },
    ]);
    expect(options.map((o) => [o.value, o.advisory])).toEqual([[2, false], [1, true]]);
    expect(candidateOptions(undefined)).toEqual([]);
  });
});

describe('stage controls', () => {
  const added = (user_name: string, position: 'before' | 'after', advisory: boolean, status: string) => ({
    id: 1, stage_index: 0, user_id: '5', user_name, position, advisory, added_by: '3', added_by_name: '李运营总监', comment: '',
    status, opinion: '', created_at: '2026-12-04T10:00:00Z', done_at: null });
  const copy = (user_name: string, source: 'submitter' | 'stage', stage_key: string | null) => ({
    user_id: '9', user_name, by: '4', by_name: '张市场部经理', source, stage_key, comment: '', created_at: '2026-12-04T10:00:00Z' });

  it('shows added signers, hand-overs and the stage\'s copies by name', () => {
    const view = stageControls({
      key: 'ops_review',
      added_signers: [added('张市场部经理', 'before', true, 'pending'), added('孙运营副总监', 'after', false, 'signed'),
        added('赵供应科主管', 'after', false, 'cancelled')],
      transfers: [{ id: 1, stage_index: 0, from_user: '3', from_name: '李运营总监', to_user: '12', to_name: '孙运营副总监',
        reason: '出差', created_at: '2026-12-04T10:00:00Z' }],
    }, [copy('王总经理', 'stage', 'ops_review'), copy('陈分公司总经理', 'stage', 'leadership'), copy('刘市场调研专员', 'submitter', null)]);
    expect(view.added).toEqual([
      { name: '张市场部经理', position: 'before', advisory: true, status: 'pending' },
      { name: '孙运营副总监', position: 'after', advisory: false, status: 'signed' },
    ]);
    expect(view.transfers).toEqual([{ from: '李运营总监', to: '孙运营副总监', reason: '出差' }]);
    expect(view.cc).toEqual(['王总经理']);
    expect(hasStageControls(view)).toBe(true);
  });

  it('shows nothing for a stage no control touched', () => {
    expect(hasStageControls(stageControls({ key: 'leadership', added_signers: [], transfers: [] }))).toBe(false);
  });

  it('lists the submitter\'s copies apart from the stages\'', () => {
    expect(submitterCopies([copy('王总经理', 'stage', 'ops_review'), copy('刘市场调研专员', 'submitter', null)])).toEqual(['刘市场调研专员']);
    expect(submitterCopies(undefined)).toEqual([]);
  });
});

describe('advisoryTurn', () => {
  const step = (user_id: string, status: string, advisory: boolean) => ({
    id: 1, stage_index: 0, user_id, user_name: '', position: 'before' as const, advisory, added_by: '3', added_by_name: '',
    comment: '', status, opinion: '', created_at: '2026-12-04T10:00:00Z', done_at: null });
  const stages = [
    { state: 'done' as const, added_signers: [step('5', 'pending', true)] },
    { state: 'current' as const, added_signers: [step('5', 'pending', true), step('12', 'pending', false)] },
  ];
  it('is the reader\'s pending advisory step on the current stage only', () => {
    expect(advisoryTurn(stages, 5)).toBe(true);
    expect(advisoryTurn(stages, 12)).toBe(false);
    expect(advisoryTurn(stages, 7)).toBe(false);
    expect(advisoryTurn(stages, undefined)).toBe(false);
    expect(advisoryTurn([{ state: 'current', added_signers: [step('5', 'opined', true)] }], 5)).toBe(false);
    expect(advisoryTurn(undefined, 5)).toBe(false);
  });
});
