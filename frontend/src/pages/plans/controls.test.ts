import {
  advisoryTurn, candidateLabel, candidateOptions, controlBody, controlPath, hasStageControls, orderedControls, pickerMode, stageControls,
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
    expect(candidateLabel({ id: 7, name: '孙运营副总监', unit_name: '运营管理部', position_name: '运营副总监' })).toBe('孙运营副总监 · 运营管理部 · 运营副总监');
    expect(candidateLabel({ id: 7, name: '孙运营副总监', unit_name: null, position_name: '' })).toBe('孙运营副总监');
    const options = candidateOptions([
      { id: 1, name: '张市场部经理', advisory: true },
      { id: 2, name: '孙运营副总监', advisory: false },
    ]);
    expect(options.map((o) => [o.value, o.advisory])).toEqual([[2, false], [1, true]]);
    expect(candidateOptions(undefined)).toEqual([]);
  });
});

describe('stage controls', () => {
  it('shows added signers, hand-overs and copies by name', () => {
    const view = stageControls({
      added_signers: [{ user_name: '张市场部经理', position: 'before', advisory: true, status: 'pending' },
        { user_name: '孙运营副总监', position: 'after', advisory: false, status: 'signed' },
        { user_name: '赵供应科主管', position: 'after', advisory: false, status: 'cancelled' }],
      transfers: [{ from_name: '李运营总监', to_name: '孙运营副总监', reason: '出差' }],
      cc: [{ user_name: '王总经理' }],
    });
    expect(view.added).toEqual([
      { name: '张市场部经理', position: 'before', advisory: true, status: 'pending' },
      { name: '孙运营副总监', position: 'after', advisory: false, status: 'signed' },
    ]);
    expect(view.transfers).toEqual([{ from: '李运营总监', to: '孙运营副总监', reason: '出差' }]);
    expect(view.cc).toEqual(['王总经理']);
    expect(hasStageControls(view)).toBe(true);
  });

  it('shows nothing for a stage no control touched', () => {
    expect(hasStageControls(stageControls({ name: '运营管理部汇总审核', signed_by: [] }))).toBe(false);
  });
});

describe('advisoryTurn', () => {
  const stages = [
    { state: 'done', added_signers: [{ user_id: '5', status: 'pending', advisory: true }] },
    { state: 'current', added_signers: [{ user_id: '5', status: 'pending', advisory: true }, { user_id: '12', status: 'pending', advisory: false }] },
  ];
  it('is the reader\'s pending advisory step on the current stage only', () => {
    expect(advisoryTurn(stages, 5)).toBe(true);
    expect(advisoryTurn(stages, 12)).toBe(false);
    expect(advisoryTurn(stages, 7)).toBe(false);
    expect(advisoryTurn(stages, undefined)).toBe(false);
    expect(advisoryTurn([{ state: 'current', added_signers: [{ user_id: '5', status: 'opined', advisory: true }] }], 5)).toBe(false);
    expect(advisoryTurn(undefined, 5)).toBe(false);
  });
});
