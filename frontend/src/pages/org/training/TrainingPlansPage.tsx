/** 年度培训计划: units' annual training plans, drafted by plan holders and approved or returned (with a reason)
 * by guide holders over the unit; the plans awaiting the reader on their own tab. */
import { useState } from 'react';
import { useParams } from 'react-router-dom';
import {
  Button, Card, Drawer, Form, Input, InputNumber, Modal, Select, Space, Switch, Table, Tabs, Tag, Typography,
} from 'antd';
import { usePositions, useUsers } from '../../../api/org';
import { useCreateTrainingPlan, useDecideTrainingPlan, useSubmitTrainingPlan, useTrainingPlans } from '../../../api/training';
import type { TrainingCourseIn, TrainingCourseRead, TrainingPlanRead } from '../../../api/types';
import { useApiFeedback } from '../../../app/feedback';
import { canOver } from '../../../app/grants';
import { useSession } from '../../../app/session';
import { ErrorAlert, UnitSelect, unitRightRule, useUnitNames } from '../../../components/common';
import { useT } from '../../../i18n';
import { planActions } from './training';

const KINDS = ['new_hire', 'quarterly', 'special'] as const;
const STATUS_COLOR: Record<string, string> = { draft: 'default', submitted: 'blue', approved: 'green', returned: 'orange' };

type PlanValues = { unit_id: number; year: number; title: string; courses: TrainingCourseIn[] };

function NewPlanDrawer({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useT();
  const { me } = useSession();
  const units = useUnitNames();
  const positions = usePositions();
  const users = useUsers();
  const create = useCreateTrainingPlan();
  const feedback = useApiFeedback();
  const [form] = Form.useForm<PlanValues>();
  const positionOptions = (positions.data?.items ?? []).map((p) => ({ value: p.id, label: `${p.title}（${units.get(p.unit_id)?.name ?? p.unit_id}）` }));
  const userOptions = (users.data?.items ?? []).map((u) => ({ value: u.id, label: u.display_name }));
  return (
    <Drawer open={open} onClose={onClose} title={t('training.newPlan')} width="min(720px, 100vw)" destroyOnClose>
      <Form form={form} layout="vertical" initialValues={{ year: new Date().getFullYear() + 1, courses: [{ kind: 'quarterly', required: true, planned_sessions: 4, hours: 4 }] }}
        onFinish={async (v) => {
          try {
            await create.mutateAsync({ ...v, courses: v.courses ?? [] });
            feedback.ok(t('training.created'));
            form.resetFields();
            onClose();
          } catch (err) { feedback.fail(err, form); }
        }}>
        <Form.Item name="unit_id" label={t('training.unit')} rules={[{ required: true, message: t('common.chooseUnit') },
          unitRightRule(me?.grants, units, 'plan', t('training.unitPlanRule'))]}>
          <UnitSelect style={{ width: '100%' }} />
        </Form.Item>
        <Space wrap>
          <Form.Item name="year" label={t('training.year')} rules={[{ required: true }]}><InputNumber min={2000} max={2100} /></Form.Item>
          <Form.Item name="title" label={t('training.title')} rules={[{ required: true, message: t('training.titleRequired') }]}>
            <Input style={{ width: 'min(420px, 80vw)' }} />
          </Form.Item>
        </Space>
        <Typography.Title level={5}>{t('training.courses')}</Typography.Title>
        <Form.List name="courses">
          {(fields, { add, remove }) => (
            <Space direction="vertical" style={{ width: '100%' }}>
              {fields.map((field) => (
                <Card key={field.key} size="small" extra={<Button size="small" danger onClick={() => remove(field.name)}>{t('common.remove')}</Button>}>
                  <Form.Item name={[field.name, 'title']} label={t('training.course')} rules={[{ required: true, message: t('training.courseTitleRequired') }]}><Input /></Form.Item>
                  <Space wrap>
                    <Form.Item name={[field.name, 'kind']} label={t('training.courseKind')}>
                      <Select style={{ width: 140 }} options={KINDS.map((k) => ({ value: k, label: t(`training.kind.${k}`) }))} />
                    </Form.Item>
                    <Form.Item name={[field.name, 'required']} label={t('training.required')} valuePropName="checked"><Switch /></Form.Item>
                    <Form.Item name={[field.name, 'planned_sessions']} label={t('training.plannedSessions')}><InputNumber min={0} max={500} /></Form.Item>
                    <Form.Item name={[field.name, 'hours']} label={t('training.hours')}><InputNumber min={0} max={10000} /></Form.Item>
                  </Space>
                  <Form.Item name={[field.name, 'audience_position_ids']} label={t('training.audiencePositions')}>
                    <Select mode="multiple" showSearch optionFilterProp="label" options={positionOptions} />
                  </Form.Item>
                  <Form.Item name={[field.name, 'audience_user_ids']} label={t('training.audienceUsers')}>
                    <Select mode="multiple" showSearch optionFilterProp="label" options={userOptions} />
                  </Form.Item>
                </Card>
              ))}
              <Button onClick={() => add({ kind: 'special', required: true, planned_sessions: 1, hours: 2 })}>{t('training.addCourse')}</Button>
            </Space>
          )}
        </Form.List>
        <Form.Item style={{ marginTop: 16 }}><Button type="primary" htmlType="submit" loading={create.isPending}>{t('common.save')}</Button></Form.Item>
      </Form>
    </Drawer>
  );
}

function Courses({ courses }: { courses: TrainingCourseRead[] }) {
  const { t } = useT();
  return (
    <Table<TrainingCourseRead> size="small" rowKey="id" dataSource={courses} pagination={false} locale={{ emptyText: t('training.noCourses') }}
      scroll={{ x: 'max-content' }}
      columns={[
        { title: t('training.course'), dataIndex: 'title' },
        { title: t('training.courseKind'), dataIndex: 'kind', render: (k: string) => t(`training.kind.${k}`) },
        { title: t('training.required'), dataIndex: 'required', render: (r: boolean) => (r ? <Tag color="blue">{t('training.required')}</Tag> : <Tag>{t('training.optional')}</Tag>) },
        { title: t('training.audienceSize'), dataIndex: 'audience_size' },
        { title: t('training.heldSessions'), render: (_, c) => `${c.held_sessions}/${c.planned_sessions}` },
        { title: t('training.hours'), dataIndex: 'hours' },
      ]} />
  );
}

function DecideModal({ plan, decision, onClose }: { plan: TrainingPlanRead; decision: 'approve' | 'return'; onClose: () => void }) {
  const { t } = useT();
  const decide = useDecideTrainingPlan();
  const feedback = useApiFeedback();
  const [form] = Form.useForm<{ reason: string }>();
  return (
    <Modal open title={t(decision === 'approve' ? 'training.approveTitle' : 'training.returnTitle', { title: plan.title })}
      onCancel={onClose} okText={t(`training.${decision}`)} okButtonProps={{ danger: decision === 'return', loading: decide.isPending }}
      onOk={() => form.submit()}>
      <Form form={form} layout="vertical" onFinish={async ({ reason }) => {
        try {
          await decide.mutateAsync({ plan, body: { decision, reason } });
          feedback.ok(t('training.decided'));
          onClose();
        } catch (err) { feedback.fail(err, form); }
      }}>
        <Form.Item name="reason" label={t('training.reason')} rules={[{ required: true, whitespace: true, message: t('training.reasonRequired') }]}>
          <Input.TextArea rows={3} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function PlanTable({ awaitingMe, focus }: { awaitingMe: boolean; focus?: number }) {
  const { t } = useT();
  const { me } = useSession();
  const units = useUnitNames();
  const plans = useTrainingPlans(awaitingMe ? { awaiting_me: true } : {});
  const submit = useSubmitTrainingPlan();
  const feedback = useApiFeedback();
  const [deciding, setDeciding] = useState<{ plan: TrainingPlanRead; decision: 'approve' | 'return' }>();
  const sub = me ? String(me.user.id) : undefined;
  return (
    <>
      <ErrorAlert error={plans.error} />
      <Table<TrainingPlanRead> size="small" rowKey="id" loading={plans.isPending} dataSource={plans.data?.items ?? []}
        locale={{ emptyText: t('training.noPlans') }} pagination={false} scroll={{ x: 'max-content' }}
        expandable={{ expandedRowRender: (p) => <Courses courses={p.courses} />, defaultExpandedRowKeys: focus ? [focus] : [] }}
        rowClassName={(p) => (p.id === focus ? 'ant-table-row-selected' : '')}
        columns={[
          { title: t('training.unit'), dataIndex: 'unit_name' },
          { title: t('training.year'), dataIndex: 'year' },
          { title: t('training.title'), dataIndex: 'title' },
          { title: t('training.courses'), render: (_, p) => p.courses.length },
          { title: t('training.decision'), dataIndex: 'status',
            render: (s: string, p) => (
              <Space direction="vertical" size={0}>
                <Tag color={STATUS_COLOR[s]}>{t(`training.status.${s}`)}</Tag>
                {p.decided_by_name && <Typography.Text type="secondary">{t('training.decidedBy', { name: p.decided_by_name, reason: p.decision_reason })}</Typography.Text>}
              </Space>
            ) },
          { title: t('training.draftedBy'), dataIndex: 'drafted_by_name' },
          { title: '', render: (_, p) => {
            const path = units.get(p.unit_id)?.path;
            const can = planActions(p, { sub, canPlan: canOver(me?.grants, 'plan', path), canGuide: canOver(me?.grants, 'guide', path) });
            return (
              <Space>
                {can.submit && <Button size="small" type="primary" loading={submit.isPending} onClick={async () => {
                  try { await submit.mutateAsync(p); feedback.ok(t('training.submitted')); } catch (err) { feedback.fail(err); }
                }}>{t('training.submit')}</Button>}
                {can.decide && <Button size="small" type="primary" onClick={() => setDeciding({ plan: p, decision: 'approve' })}>{t('training.approve')}</Button>}
                {can.decide && <Button size="small" danger onClick={() => setDeciding({ plan: p, decision: 'return' })}>{t('training.return')}</Button>}
              </Space>
            );
          } },
        ]} />
      {deciding && <DecideModal plan={deciding.plan} decision={deciding.decision} onClose={() => setDeciding(undefined)} />}
    </>
  );
}

export default function TrainingPlansPage() {
  const { t } = useT();
  const { access } = useSession();
  const [drafting, setDrafting] = useState(false);
  // a notification's link (/org/training/plans/7) opens the plan's courses
  const focus = Number(useParams().id) || undefined;
  return (
    <div>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 8 }} wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>{t('training.plansTitle')}</Typography.Title>
        {access.rights.has('plan') && <Button type="primary" onClick={() => setDrafting(true)}>{t('training.newPlan')}</Button>}
      </Space>
      <Tabs items={[
        { key: 'all', label: t('training.allPlans'), children: <PlanTable awaitingMe={false} focus={focus} /> },
        { key: 'mine', label: t('training.awaitingMe'), children: <PlanTable awaitingMe focus={focus} /> },
      ]} />
      <NewPlanDrawer open={drafting} onClose={() => setDrafting(false)} />
    </div>
  );
}
