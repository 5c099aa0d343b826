import type { KindChoice } from '../../api/types';
import { translate } from '../../i18n/messages';
import {
  absoluteTime, badgeText, bellLabel, channelsBody, choicesOf, overnight, parseApiTime, quietHoursProblems, relativeTime, safeLink,
} from './format';

const zh = (key: string, vars?: Record<string, string | number>) => translate('zh-CN', key, vars);
const en = (key: string, vars?: Record<string, string | number>) => translate('en-US', key, vars);

describe('the bell', () => {
  it('shows no number at 0, the count up to 99, then 99+', () => {
    expect(badgeText(0)).toBe('');
    expect(badgeText(undefined)).toBe('');
    expect(badgeText(3)).toBe('3');
    expect(badgeText(99)).toBe('99');
    expect(badgeText(100)).toBe('99+');
  });

  it('is named with the unread count for a screen reader', () => {
    expect(bellLabel(zh, 3)).toBe('通知，3 条未读');
    expect(bellLabel(zh, 0)).toBe('通知');
    expect(bellLabel(en, 120)).toBe('Notifications, 120 unread');
  });
});

describe('when a notification came', () => {
  // local times, so the test reads the same in any time zone
  const now = new Date(2026, 11, 3, 18, 0, 0);
  const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();

  it('says just now, minutes and hours on the same day', () => {
    expect(relativeTime(ago(20_000), now, zh)).toBe('刚刚');
    expect(relativeTime(ago(-5_000), now, zh)).toBe('刚刚'); // a server clock a little ahead
    expect(relativeTime(ago(5 * 60_000), now, zh)).toBe('5 分钟前');
    expect(relativeTime(ago(3 * 3_600_000 + 60_000), now, zh)).toBe('3 小时前');
    expect(relativeTime(ago(5 * 60_000), now, en)).toBe('5 min ago');
  });

  it('says 昨天 with the time for yesterday, then days, then the date', () => {
    expect(relativeTime(new Date(2026, 11, 2, 9, 12).toISOString(), now, zh)).toBe('昨天 09:12');
    // at 00:30, the evening before is yesterday, not "2 小时前" of another day; within the hour, minutes
    expect(relativeTime(new Date(2026, 11, 2, 22, 10).toISOString(), new Date(2026, 11, 3, 0, 30), zh)).toBe('昨天 22:10');
    expect(relativeTime(new Date(2026, 11, 2, 23, 40).toISOString(), new Date(2026, 11, 3, 0, 30), zh)).toBe('50 分钟前');
    expect(relativeTime(new Date(2026, 11, 1, 20, 0).toISOString(), now, zh)).toBe('2 天前');
    expect(relativeTime(new Date(2026, 10, 20, 8, 0).toISOString(), now, zh)).toBe('11-20');
    expect(relativeTime(new Date(2025, 10, 20, 8, 0).toISOString(), now, zh)).toBe('2025-11-20');
  });

  it('reads a time without a zone as UTC, as the services write it', () => {
    expect(parseApiTime('2026-12-03T10:00:00').getTime()).toBe(Date.UTC(2026, 11, 3, 10));
    expect(parseApiTime('2026-12-03T10:00:00Z').getTime()).toBe(Date.UTC(2026, 11, 3, 10));
    expect(parseApiTime('2026-12-03T18:00:00+08:00').getTime()).toBe(Date.UTC(2026, 11, 3, 10));
    const local = new Date(2026, 11, 3, 9, 5);
    expect(absoluteTime(local.toISOString())).toBe('2026-12-03 09:05');
  });
});

describe('where a notification leads', () => {
  it('opens SPA paths only', () => {
    expect(safeLink('/plans/7')).toBe('/plans/7');
    expect(safeLink('/plans/tasks?tab=mine')).toBe('/plans/tasks?tab=mine');
    expect(safeLink('')).toBeNull();
    expect(safeLink('https://evil.example/')).toBeNull();
    expect(safeLink('//evil.example/')).toBeNull();
    expect(safeLink('/\\evil.example')).toBeNull();
    expect(safeLink('javascript:alert(1)')).toBeNull();
  });
});

describe('quiet hours', () => {
  it('need a start and an end', () => {
    expect(quietHoursProblems(undefined, undefined)).toEqual({ start: 'startRequired', end: 'endRequired' });
    expect(quietHoursProblems('22:00', '')).toEqual({ end: 'endRequired' });
    expect(quietHoursProblems(null, '07:30')).toEqual({ start: 'startRequired' });
  });

  it('refuse the same start and end, as the service does', () => {
    expect(quietHoursProblems('22:00', '22:00')).toEqual({ end: 'same' });
  });

  it('may run into the next morning', () => {
    expect(quietHoursProblems('22:00', '07:30')).toEqual({});
    expect(overnight('22:00', '07:30')).toBe(true);
    expect(overnight('12:00', '13:30')).toBe(false);
  });
});

describe('channel choices', () => {
  const kinds: KindChoice[] = [
    { kind: 'approval', name: '审批', channels: ['in_app', 'email'], chosen: true, default_channels: ['in_app', 'email'] },
    { kind: 'task', name: '任务与整改', channels: ['in_app'], chosen: false, default_channels: ['in_app', 'email'] },
    { kind: 'alert', name: '风险预警', channels: ['in_app', 'email'], chosen: false, default_channels: ['in_app', 'email'] },
    { kind: 'mention', name: '评论中@我', channels: ['in_app', 'email'], chosen: false, default_channels: ['in_app', 'email'] },
    { kind: 'digest', name: '待办汇总', channels: ['in_app'], chosen: true, default_channels: ['in_app', 'email'] },
  ];

  it('send only the kinds the person chose, always with in_app', () => {
    const choices = choicesOf(kinds);
    expect(choices.task).toEqual({ email: false, chosen: false });
    expect(channelsBody(choices)).toEqual({ approval: ['in_app', 'email'], digest: ['in_app'] });
  });

  it('name every kind for the company defaults', () => {
    expect(channelsBody(choicesOf(kinds), true)).toEqual({
      approval: ['in_app', 'email'], task: ['in_app'], alert: ['in_app', 'email'], mention: ['in_app', 'email'],
      digest: ['in_app'],
    });
  });
});
