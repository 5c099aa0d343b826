import type { RobotRead } from '../../../api/types';
import { canRetry, dayKind, robotChanges, weekday } from './rules';

describe('notification admin rules', () => {
  it('retries only what was parked or dropped', () => {
    expect(canRetry('parked')).toBe(true);
    expect(canRetry('dropped')).toBe(true);
    expect(canRetry('pending')).toBe(false);
    expect(canRetry('sent')).toBe(false);
  });

  it('names a listed day: holiday, 调休 workday, or the company’s override', () => {
    expect(dayKind({ workday: false, source: 'statutory' })).toBe('holiday');
    expect(dayKind({ workday: true, source: 'statutory' })).toBe('makeup');
    expect(dayKind({ workday: false, source: 'company' })).toBe('companyOff');
    expect(dayKind({ workday: true, source: 'company' })).toBe('companyWork');
  });

  it('reads a date’s weekday as a calendar date', () => {
    expect(weekday('2026-10-01')).toBe(4); // National Day 2026 is a Thursday
    expect(weekday('2026-09-27')).toBe(0);
  });

  const robot = { id: 3, url: 'https://oapi.dingtalk.com/robot/send?access_token=…abcd', has_secret: true } as RobotRead;
  const form = { vendor: 'dingtalk' as const, name: '市场部群', url: robot.url, kinds: [], include_subunits: false, active: true };

  it('keeps the address and the secret unless the admin typed new ones', () => {
    expect(robotChanges(robot, form)).toEqual({ name: '市场部群', kinds: [], include_subunits: false, active: true });
    expect(robotChanges(robot, { ...form, url: ' https://oapi.dingtalk.com/robot/send?access_token=new ', secret: 'SEC1' }))
      .toMatchObject({ url: 'https://oapi.dingtalk.com/robot/send?access_token=new', secret: 'SEC1' });
  });

  it('removes the secret when asked to', () => {
    expect(robotChanges(robot, { ...form, secret: 'typed', clearSecret: true }).secret).toBe('');
  });
});
