import { translate } from '../i18n/messages';
import { entryText, KIND_COLORS, kindLabel, statusChange } from './activityFormat';

const zh = (key: string, vars?: Record<string, string | number>) => translate('zh-CN', key, vars);
const en = (key: string, vars?: Record<string, string | number>) => translate('en-US', key, vars);

const approval = { sentence: '李运营总监 批准了计划（运营管理部汇总审核）', quote: '同意', status_from: null, status_to: null };

describe('an activity entry', () => {
  it('says the status it moved between, or the one a record came into being with, or nothing', () => {
    expect(statusChange({ status_from: '已提交', status_to: '已批准' })).toBe('已提交 → 已批准');
    expect(statusChange({ status_from: null, status_to: '已识别' })).toBe('已识别');
    expect(statusChange({ status_from: '已提交', status_to: null })).toBeNull();
  });

  it('reads as one line with its quote, in the reader’s punctuation', () => {
    expect(entryText(approval, zh)).toBe('李运营总监 批准了计划（运营管理部汇总审核）：同意');
    expect(entryText({ ...approval, quote: null, status_from: '已提交', status_to: '已批准' }, zh))
      .toBe('李运营总监 批准了计划（运营管理部汇总审核）（已提交 → 已批准）');
    expect(entryText({ sentence: '张三 approved the plan', quote: 'OK', status_from: 'Submitted', status_to: 'Approved' }, en))
      .toBe('张三 approved the plan (Submitted → Approved): OK');
  });

  it('names and colours every kind', () => {
    expect(kindLabel('decision', zh)).toBe('审批决定');
    expect(kindLabel('file', en)).toBe('File');
    for (const kind of ['decision', 'edit', 'comment', 'file', 'other'] as const) {
      expect(KIND_COLORS[kind]).toBeTruthy();
      expect(kindLabel(kind, zh)).not.toContain('activity.');
    }
  });
});
