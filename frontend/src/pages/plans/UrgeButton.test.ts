import type { WatchRead } from '../../api/types';
import { translate } from '../../i18n/messages';
import { urgeable, waitingText } from './UrgeButton';

const zh = (key: string, vars?: Record<string, string | number>) => translate('zh-CN', key, vars);
const watch = (w: Partial<WatchRead>) => ({ id: 1, kind: 'approval', can_urge: false, urged_today: false, waiting_on: [], working_days_left: null, ...w } as WatchRead);

describe('催办', () => {
  it('is offered on the approval the caller asked for, also once urged today (disabled then)', () => {
    expect(urgeable([watch({ can_urge: false })])).toBeUndefined();
    expect(urgeable([watch({ kind: 'task', can_urge: true })])).toBeUndefined();
    expect(urgeable([watch({ id: 2, can_urge: true })])?.id).toBe(2);
    expect(urgeable([watch({ id: 3, urged_today: true })])?.id).toBe(3);
  });

  it('says who it waits on and how long is left', () => {
    expect(waitingText(zh, watch({ waiting_on: ['李运营总监'], working_days_left: 2 }))).toBe('等待 李运营总监 审批：剩余 2 个工作日');
    expect(waitingText(zh, watch({ waiting_on: ['甲', '乙'], working_days_left: 0 }))).toBe('等待 甲、乙 审批：今天到期');
    expect(waitingText(zh, watch({ waiting_on: [], working_days_left: -3 }))).toBe('等待 审批人 审批：已超时 3 个工作日');
    expect(waitingText(zh, watch({ waiting_on: ['李运营总监'] }))).toBe('等待 李运营总监 审批');
  });
});
