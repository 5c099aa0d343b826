import { changeText, countRows, importStage, isCompanyAdmin, totals } from './orgImport';

const counts = {
  units: { rows: 14, create: 1, update: 0, unchanged: 13, errors: 0 },
  positions: { rows: 8, create: 1, update: 0, unchanged: 7, errors: 0 },
  people: { rows: 9, create: 2, update: 0, unchanged: 7, errors: 0 },
  assignments: { create: 2, update: 0 },
};

describe('org import preview', () => {
  it('lists the sheets in the workbook order with their counts', () => {
    expect(countRows(counts).map((r) => [r.sheet, r.create, r.unchanged])).toEqual([
      ['units', 1, 13], ['positions', 1, 7], ['people', 2, 7]]);
  });

  it('shows a change as before → after, and a new object by what it gets', () => {
    expect(changeText({ action: 'update', fields: [{ field: 'name', label: '名称', before: '财务部', after: '财务管理部' }] }))
      .toEqual(['名称：财务部 → 财务管理部']);
    expect(changeText({ action: 'move', fields: [{ field: 'parent_code', label: '上级编码', before: '', after: 'MKT' }] }))
      .toEqual(['上级编码：— → MKT']);
    expect(changeText({ action: 'create', fields: [
      { field: 'name', label: '名称', before: null, after: '数字营销组' },
      { field: 'email', label: '邮箱', before: null, after: '' }] })).toEqual(['名称：数字营销组']);
  });

  it('offers the import only for a staged preview without errors that changes something', () => {
    const change = { op: 'unit.create', action: 'create' as const, sheet: 'units', sheet_label: '组织单元', row: 15, key: 'X', fields: [] };
    const error = { sheet: 'people', sheet_label: '人员', row: 7, column: 'unit_code', column_label: '单位编码', message: 'm', text: 't' };
    expect(importStage({ status: 'staged', errors: [error], changes: [change] })).toBe('errors');
    expect(importStage({ status: 'staged', errors: [], changes: [] })).toBe('nothing');
    expect(importStage({ status: 'staged', errors: [], changes: [change] })).toBe('ready');
    expect(importStage({ status: 'applied', errors: [], changes: [change] })).toBe('applied');
    expect(totals({ changes: [change, { ...change, action: 'update' }, { ...change, action: 'move' }] }))
      .toEqual({ create: 1, update: 2 });
  });

  it('lets only an administrator of a whole company import and export everything', () => {
    expect(isCompanyAdmin([{ right: 'admin', unit_path: '/1/', mode: 'subtree' }])).toBe(true);
    expect(isCompanyAdmin([{ right: 'admin', unit_path: '/1/7/', mode: 'subtree' }])).toBe(false);
    expect(isCompanyAdmin([{ right: 'view', unit_path: '/1/', mode: 'subtree' }])).toBe(false);
    expect(isCompanyAdmin(undefined)).toBe(false);
  });
});
