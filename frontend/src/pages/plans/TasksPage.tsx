/** 我的任务 and 任务调度: the caller's own tasks, and the open tasks of plans in units they may dispatch. */
import { useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Card, Segmented, Space, Tabs, Typography } from 'antd';
import { useTasks } from '../../api/planning';
import type { TaskRead } from '../../api/types';
import { ErrorAlert, useUnitNames } from '../../components/common';
import { allows } from '../../app/access';
import { useSession } from '../../app/session';
import { useT } from '../../i18n';
import { TaskTable } from './TaskTable';
import { canDispatch } from './taskAccess';

const open = (t: TaskRead) => t.status !== 'done' && t.status !== 'cancelled';

export default function TasksPage() {
  const { t } = useT();
  const { me, access } = useSession();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'dispatch' ? 'dispatch' : 'mine';
  const show = params.get('show') === 'all' ? 'all' : 'open';
  const mayDispatch = allows({ right: 'dispatch' }, access);
  const mine = useTasks({ mine: true });
  const all = useTasks({}, mayDispatch && tab === 'dispatch');
  const units = useUnitNames();
  const set = (k: string, v: string) => {
    const next = new URLSearchParams(params);
    next.set(k, v);
    setParams(next, { replace: true });
  };
  const filter = (list: TaskRead[]) => (show === 'open' ? list.filter(open) : list);
  const dispatchable = useMemo(() => (all.data?.items ?? []).filter((task) =>
    task.plan_unit_id != null && canDispatch(access, me?.grants, units.get(task.plan_unit_id)?.path)), [all.data, access, me, units]);
  const mineList = filter(mine.data?.items ?? []);
  const dispatchList = filter(dispatchable);
  return (
    <div>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>{t('plans.tasksPage.title')}</Typography.Title>
        <Segmented value={show} onChange={(v) => set('show', String(v))}
          options={[{ value: 'open', label: t('plans.tasksPage.open') }, { value: 'all', label: t('plans.tasksPage.all') }]} />
      </Space>
      <Card size="small">
        <Tabs activeKey={tab} onChange={(k) => set('tab', k)} items={[
          {
            key: 'mine', label: `${t('plans.tasksPage.mine')} (${mineList.length})`, children: (
              <>
                <ErrorAlert error={mine.error} />
                <TaskTable tasks={mineList} showPlan loading={mine.isPending} />
              </>
            ),
          },
          ...(mayDispatch ? [{
            key: 'dispatch', label: t('plans.tasksPage.dispatch'), children: (
              <>
                <Typography.Paragraph type="secondary">{t('plans.tasksPage.dispatchHelp')}</Typography.Paragraph>
                <ErrorAlert error={all.error} />
                <TaskTable tasks={dispatchList} showPlan loading={all.isPending} />
              </>
            ),
          }] : []),
        ]} />
      </Card>
    </div>
  );
}
