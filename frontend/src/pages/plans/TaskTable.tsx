/** Tasks with 调度 (dispatch: owner, deadline) for holders of 'dispatch' over the plan's unit, and progress
 * updates (percent, note, evidence) for each task's owner. Used on the plan and on 我的任务. */
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { Button, DatePicker, Empty, Form, Input, InputNumber, List, Modal, Progress, Select, Slider, Space, Table, Tag, Typography } from 'antd';
import { SendOutlined, SwapOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { useDispatchTask, useReportProgress, useTaskProgress } from '../../api/planning';
import { useUsers } from '../../api/org';
import type { TaskRead, TaskStatus } from '../../api/types';
import { StatusTag, useUnitNames } from '../../components/common';
import { useApiFeedback } from '../../app/feedback';
import { useSession } from '../../app/session';
import { useT } from '../../i18n';
import { canDispatch, canReportProgress } from './taskAccess';
import { DiscussButton } from '../../collab/RecordCollab';

const STATUSES: TaskStatus[] = ['not_started', 'in_progress', 'done', 'blocked', 'cancelled'];
const ACTIVE_PLAN = ['issued', 'published'];

type DispatchV = { owner_id?: number; due?: Dayjs | null; comment?: string };
type ProgressV = { progress: number; status?: TaskStatus; note?: string; evidence?: string[] };

function DispatchModal({ task, onClose }: { task: TaskRead; onClose: () => void }) {
  const { t } = useT();
  const [form] = Form.useForm<DispatchV>();
  const users = useUsers();
  const dispatch = useDispatchTask();
  const feedback = useApiFeedback();
  const options = (users.data?.items ?? []).map((u) => ({ value: u.id, label: u.display_name }));
  const onFinish = async (v: DispatchV) => {
    const ownerChanged = v.owner_id !== undefined && v.owner_id !== task.owner_id;
    const due = v.due ? v.due.format('YYYY-MM-DD') : null;
    const dueChanged = !!due && due !== task.due;
    if (!ownerChanged && !dueChanged) {
      form.setFields([{ name: 'owner_id', errors: [t('plans.dispatch.nothingChanged')] }]);
      return;
    }
    try {
      await dispatch.mutateAsync({
        taskId: task.id,
        body: {
          ...(ownerChanged ? { owner_id: v.owner_id, owner_name: options.find((o) => o.value === v.owner_id)?.label ?? '' } : {}),
          ...(dueChanged ? { due } : {}),
          comment: v.comment ?? '',
        },
      });
      feedback.ok(t('plans.dispatch.done'));
      onClose();
    } catch (err) {
      feedback.fail(err, form);
    }
  };
  return (
    <Modal open title={t('plans.dispatch.title', { task: task.title })} onCancel={onClose} onOk={() => form.submit()}
      okText={t('plans.dispatch.submit')} okButtonProps={{ loading: dispatch.isPending }} destroyOnHidden>
      <Form form={form} layout="vertical" onFinish={onFinish}
        initialValues={{ owner_id: task.owner_id ?? undefined, due: task.due ? dayjs(task.due) : null, comment: '' }}>
        <Form.Item name="owner_id" label={t('plans.owner')}>
          <Select showSearch optionFilterProp="label" options={options} loading={users.isPending} data-testid="dispatch-owner" />
        </Form.Item>
        <Form.Item name="due" label={t('plans.dispatch.deadline')}>
          <DatePicker style={{ width: '100%' }} disabledDate={(d) => !!task.start && d.isBefore(dayjs(task.start), 'day')} />
        </Form.Item>
        <Form.Item name="comment" label={t('plans.dispatch.comment')}><Input.TextArea rows={2} maxLength={4000} /></Form.Item>
      </Form>
    </Modal>
  );
}

function ProgressModal({ task, onClose }: { task: TaskRead; onClose: () => void }) {
  const { t } = useT();
  const [form] = Form.useForm<ProgressV>();
  const report = useReportProgress();
  const feedback = useApiFeedback();
  const onFinish = async (v: ProgressV) => {
    try {
      await report.mutateAsync({
        taskId: task.id,
        body: { progress: v.progress, status: v.status && v.status !== task.status ? v.status : null, note: v.note ?? '', evidence: v.evidence ?? [] },
      });
      feedback.ok(t('plans.progressUpdate.done'));
      onClose();
    } catch (err) {
      feedback.fail(err, form);
    }
  };
  return (
    <Modal open title={t('plans.progressUpdate.title', { task: task.title })} onCancel={onClose} onOk={() => form.submit()}
      okText={t('plans.progressUpdate.submit')} okButtonProps={{ loading: report.isPending }} destroyOnHidden>
      <Form form={form} layout="vertical" onFinish={onFinish} initialValues={{ progress: task.progress, status: task.status as TaskStatus, evidence: [] }}>
        <Form.Item label={t('plans.progressUpdate.percent')} required>
          <Space style={{ width: '100%' }} align="center">
            <Form.Item name="progress" noStyle><Slider min={0} max={100} style={{ width: 260 }} /></Form.Item>
            <Form.Item name="progress" noStyle rules={[{ required: true, message: t('plans.progressUpdate.percentRequired') }]}>
              <InputNumber min={0} max={100} addonAfter="%" style={{ width: 110 }} aria-label={t('plans.progressUpdate.percent')} />
            </Form.Item>
          </Space>
        </Form.Item>
        <Form.Item name="status" label={t('plans.taskStatus.label')}>
          <Select options={STATUSES.map((s) => ({ value: s, label: t(`plans.taskStatus.${s}`) }))} />
        </Form.Item>
        <Form.Item name="note" label={t('plans.progressUpdate.note')}><Input.TextArea rows={3} maxLength={4000} /></Form.Item>
        <Form.Item name="evidence" label={t('plans.progressUpdate.evidence')} extra={t('plans.progressUpdate.evidenceHelp')}>
          <Select mode="tags" tokenSeparators={['\n']} open={false} suffixIcon={null} placeholder={t('plans.progressUpdate.evidencePlaceholder')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function ProgressLog({ task }: { task: TaskRead }) {
  const { t } = useT();
  const log = useTaskProgress(task.id);
  const items = log.data ?? [];
  return (
    <List size="small" loading={log.isPending} header={<strong>{t('plans.progressUpdate.log')}</strong>} dataSource={items}
      locale={{ emptyText: t('plans.progressUpdate.noLog') }}
      renderItem={(e) => (
        <List.Item>
          <Space direction="vertical" size={0} style={{ width: '100%' }}>
            <Space size={6} wrap>
              <strong>{Math.round(e.progress)}%</strong>
              <StatusTag status={e.status} ns="plans.taskStatus" />
              <span>{e.author_name || e.author}</span>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>{e.created_at.slice(0, 16).replace('T', ' ')}</Typography.Text>
            </Space>
            {e.note && <div style={{ whiteSpace: 'pre-wrap' }}>{e.note}</div>}
            {e.evidence.length > 0 && (
              <Space size={4} wrap>
                <Typography.Text type="secondary">{t('plans.progressUpdate.evidence')}:</Typography.Text>
                {e.evidence.map((ev) => (/^https?:\/\//.test(ev)
                  ? <a key={ev} href={ev} target="_blank" rel="noreferrer">{ev}</a>
                  : <Tag key={ev}>{ev}</Tag>))}
              </Space>
            )}
          </Space>
        </List.Item>
      )} />
  );
}

/** planStatus: the plan's status when every task is of one plan (progress is reported on issued plans only). */
export function TaskTable({ tasks, planStatus, showPlan = false, loading = false }: {
  tasks: TaskRead[]; planStatus?: string; showPlan?: boolean; loading?: boolean;
}) {
  const { t } = useT();
  const { me, access } = useSession();
  const units = useUnitNames();
  const [dispatching, setDispatching] = useState<TaskRead | null>(null);
  const [reporting, setReporting] = useState<TaskRead | null>(null);
  const userId = me?.user.id;
  const unitPath = (task: TaskRead) => (task.plan_unit_id != null ? units.get(task.plan_unit_id)?.path : undefined);
  const active = planStatus === undefined || ACTIVE_PLAN.includes(planStatus);
  return (
    <>
      <Table<TaskRead> size="small" rowKey="id" pagination={false} dataSource={tasks} loading={loading} scroll={{ x: 980 }}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('plans.noTasks')} /> }}
        expandable={{
          expandedRowRender: (r) => (
            <>
              {(r.milestones ?? []).length > 0 && (
                <List size="small" header={<strong>{t('plans.milestones')}</strong>} dataSource={r.milestones as { title: string; due: string; done?: boolean }[]} renderItem={(m) => (
                  <List.Item>
                    <Space>{m.title}<span>{m.due}</span>{m.done ? <Tag color="green">{t('plans.done')}</Tag> : (r.overdue_milestones ?? []).includes(m.title) ? <Tag color="red">{t('plans.overdue')}</Tag> : null}</Space>
                  </List.Item>
                )} />
              )}
              {r.measures && <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: '8px 0' }}><strong>{t('plans.measures')}:</strong> {r.measures}</Typography.Paragraph>}
              <ProgressLog task={r} />
            </>
          ),
        }}
        columns={[
          { title: t('plans.taskTitle'), dataIndex: 'title', render: (v: string, r) => <Space wrap size={4}>{v}{r.source === 'meeting' && <Tag color="purple">{t('plans.fromMeeting')}</Tag>}{r.overdue && <Tag color="red">{t('plans.overdue')}</Tag>}{(r.overdue_milestones ?? []).length > 0 && !r.overdue && <Tag color="orange">{t('plans.milestoneOverdue')}</Tag>}</Space> },
          ...(showPlan ? [{ title: t('plans.plan'), dataIndex: 'plan_title', width: 200, ellipsis: true, render: (v: string, r: TaskRead) => <Link to={`/plans/${r.plan_id}`}>{v || `#${r.plan_id}`}</Link> }] : []),
          { title: t('plans.owner'), dataIndex: 'owner_name', width: 110, render: (v: string) => v || <Typography.Text type="secondary">{t('plans.noOwner')}</Typography.Text> },
          { title: t('plans.due'), dataIndex: 'due', width: 100, render: (v: string | null) => v ?? '—' },
          { title: t('plans.progress'), dataIndex: 'progress', width: 130, render: (v: number) => <Progress percent={Math.round(v)} size="small" /> },
          { title: t('plans.taskStatus.label'), dataIndex: 'status', width: 90, render: (s: string) => <StatusTag status={s} ns="plans.taskStatus" /> },
          {
            title: t('plans.taskActions'), key: 'ops', width: 250, fixed: 'right' as const, render: (_: unknown, r: TaskRead) => (
              <Space size={4} wrap>
                {active && canReportProgress(userId, r) && (
                  <Button size="small" type="primary" icon={<SendOutlined />} onClick={() => setReporting(r)} data-testid={`report-progress-${r.id}`}>{t('plans.progressUpdate.button')}</Button>
                )}
                {canDispatch(access, me?.grants, unitPath(r)) && (
                  <Button size="small" icon={<SwapOutlined />} onClick={() => setDispatching(r)} data-testid={`dispatch-${r.id}`}>{t('plans.dispatch.button')}</Button>
                )}
                <DiscussButton record={{ service: 'planning', kind: 'task', id: r.id }} title={r.title} />
              </Space>
            ),
          },
        ]} />
      {dispatching && <DispatchModal task={dispatching} onClose={() => setDispatching(null)} />}
      {reporting && <ProgressModal task={reporting} onClose={() => setReporting(null)} />}
    </>
  );
}
