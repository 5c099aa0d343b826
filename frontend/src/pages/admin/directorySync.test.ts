import { describe, expect, it } from 'vitest';
import { translate } from '../../i18n/messages';
import { countRows, describeChange, keptReason, namesFor, syncProviders, totalChanges, whoName, type SyncChange } from './directorySync';

const zh = (key: string, vars?: Record<string, string | number | null | undefined>) => translate('zh-CN', key, vars);
const en = (key: string, vars?: Record<string, string | number | null | undefined>) => translate('en-US', key, vars);

const plan: SyncChange[] = [
  { op: 'unit.create', external_id: '2', name: '市场部', parent: 1, kind: 'department', code: 'dt-2' },
  { op: 'unit.rename', unit_id: 7, external_id: '3', from: '研发部', to: '研发中心' },
  { op: 'position.create', unit: 'ext:2', title: '负责人', heads_unit: true, role: 'department_manager' },
  { op: 'user.create', subject: 'zhangsan', username: 'zhangsan', display_name: '张三', email: 'zs@example.com' },
  { op: 'user.update', user_id: 12, subject: 'lisi', before: { display_name: '李四', email: '' }, changes: { display_name: '李思', email: 'ls@example.com' } },
  { op: 'head.assign', user: 'new:zhangsan', unit: 'ext:2', title: '负责人' },
  { op: 'member.unassign', assignment_id: 5, user_id: 12, unit_id: 7, title: '成员' },
  { op: 'user.deactivate', user_id: 30, subject: 'wangwu', name: '王五' },
];

describe('directory sync plan in words', () => {
  const names = namesFor(plan, [{ id: 1, name: '云管集团' }, { id: 7, name: '研发部' }]);

  it('names new units and people by what the plan itself carries', () => {
    expect(plan.map((c) => describeChange(c, names, zh))).toEqual([
      '新建单元「市场部」（部门），上级为「云管集团」',
      '单元「研发部」改名为「研发中心」',
      '在「市场部」新建岗位「负责人」',
      '新建用户「张三」（用户名 zhangsan）',
      '更新用户「李四」的姓名、邮箱',
      '任命「张三」为「市场部」负责人',
      '将「李四」移出「研发中心」（成员）',
      '停用用户「王五」',
    ]);
  });

  it('falls back to ids and the raw op for what it cannot name', () => {
    const bare = namesFor([]);
    expect(describeChange({ op: 'head.assign', user: 44, unit: 9 }, bare, zh)).toBe('任命「#44」为「#9」负责人');
    expect(describeChange({ op: 'unit.split' }, bare, zh)).toBe('其他变更：unit.split');
    expect(describeChange(plan[0], names, en)).toBe('Create unit “市场部” (Department) under “云管集团”');
  });

  it('lists counts in the plan order with labels and skips zeros', () => {
    const counts = { 'user.deactivate': 1, 'unit.create': 3, 'head.assign': 0, 'weird.op': 2 };
    expect(countRows(counts, zh)).toEqual([
      { op: 'unit.create', label: '新建单元', count: 3 },
      { op: 'user.deactivate', label: '停用用户', count: 1 },
      { op: 'weird.op', label: 'weird.op', count: 2 },
    ]);
    expect(totalChanges(counts)).toBe(6);
  });

  it('gives the server reason in Chinese and a translated one in English', () => {
    const kept = { external_id: '9', unit_id: 8, name: '旧部门', reason: 'has_people', reason_zh: '仍有 2 人在该单元任职，保留' };
    expect(keptReason(kept, zh, 'zh-CN')).toBe('仍有 2 人在该单元任职，保留');
    expect(keptReason(kept, en, 'en-US')).toBe('People still hold positions there; kept');
    expect(keptReason({ reason: 'new_reason', reason_zh: '新原因' }, en, 'en-US')).toBe('新原因');
  });
});

describe('which providers sync', () => {
  it('keeps only DingTalk, WeCom and Feishu providers with sync enabled', () => {
    const ps = [
      { id: 1, kind: 'oidc', sync_enabled: true }, { id: 2, kind: 'dingtalk', sync_enabled: true },
      { id: 3, kind: 'wecom', sync_enabled: false }, { id: 4, kind: 'feishu', sync_enabled: true },
    ];
    expect(syncProviders(ps).map((p) => p.id)).toEqual([2, 4]);
  });
});

describe('who did it', () => {
  it('names the user behind a subject, or shows the subject', () => {
    const users = [{ id: 1, display_name: '系统管理员' }];
    expect(whoName('1', users)).toBe('系统管理员');
    expect(whoName('scim:7', users)).toBe('scim:7');
    expect(whoName('1', undefined)).toBe('1');
  });
});
