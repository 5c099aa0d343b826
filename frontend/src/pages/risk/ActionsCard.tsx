/** A risk's tracked actions: response measures (措施) and activated contingency steps; add, progress, complete. */
import { useState } from 'react';
import { Button, Card, DatePicker, Form, Input, Modal, Select, Skeleton, Space, Table, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { useCreateRiskAction, useRiskAction, useRiskActions, useUpdateRiskAction, type RiskActionStatus } from '../../api/risk';
import type { RiskActionRead, RiskRead } from '../../api/types';
import { useApiFeedback } from '../../app/feedback';
import { useSession } from '../../app/session';
import { ErrorAlert } from '../../components/common';
import { useT } from '../../i18n';
import { ACTION_STATUSES } from './constants';
import { FormButtons, UserName, UserSelect } from './parts';
import { mayUpdateAction, type RiskRights } from './riskRules';

const STATUS_COLOR: Record<string, string> = { open: 'default', in_progress: 'processing', done: 'success', cancelled: 'default' };

export function ActionsCard({ risk, rights }: { risk: RiskRead; rights: RiskRights }) {
  const { t } = useT();
  const { me } = useSession();
  const actions = useRiskActions(risk.id);
  const [adding, setAdding] = useState(false);
  const [updating, setUpdating] = useState<{ id: number; status?: RiskActionStatus } | null>(null);
  const today = dayjs().format('YYYY-MM-DD');
  return (
    <Card size="small" title={t('risk.actions')} style={{ marginBottom: 12 }} data-testid="risk-actions"
      extra={rights.addAction && risk.status !== 'closed' && <Button size="small" icon={<PlusOutlined />} onClick={() => setAdding(true)}>{t('risk.addAction')}</Button>}>
      <ErrorAlert error={actions.error} />
      <Table<RiskActionRead> size="small" rowKey="id" loading={actions.isPending} dataSource={actions.data?.items ?? []} pagination={false} scroll={{ x: 640 }}
        locale={{ emptyText: t('risk.noActions') }}
        columns={[
          { title: t('risk.actionTitle'), dataIndex: 'title', render: (v: string, a) => (
            <Space direction="vertical" size={0}>
              <span>{v}</span>
              {a.note && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{a.note}</Typography.Text>}
            </Space>
          ) },
          { title: t('risk.source'), dataIndex: 'source', width: 80, render: (s: string) => t(`risk.sources.${s}`) },
          { title: t('risk.actionOwner'), dataIndex: 'owner_id', width: 110, render: (id: number | null) => <UserName id={id} /> },
          { title: t('risk.due'), dataIndex: 'due', width: 100, render: (d: string | null, a) => (
            d ? <Typography.Text type={d < today && (a.status === 'open' || a.status === 'in_progress') ? 'danger' : undefined}>{d}</Typography.Text> : '—'
          ) },
          { title: t('risk.status'), dataIndex: 'status', width: 80, render: (s: string) => <Tag color={STATUS_COLOR[s]}>{t(`risk.actionStatuses.${s}`)}</Tag> },
          { title: '', key: 'ops', width: 130, render: (_, a) => mayUpdateAction(a, rights, me?.user.id) && (a.status === 'open' || a.status === 'in_progress') && (
            <Space size={0}>
              <Button size="small" type="link" onClick={() => setUpdating({ id: a.id })}>{t('risk.progress')}</Button>
              <Button size="small" type="link" onClick={() => setUpdating({ id: a.id, status: 'done' })}>{t('risk.complete')}</Button>
            </Space>
          ) },
        ]} />
      {adding && <AddActionModal risk={risk} onClose={() => setAdding(false)} />}
      {updating && <UpdateActionModal id={updating.id} status={updating.status} onClose={() => setUpdating(null)} />}
    </Card>
  );
}

function AddActionModal({ risk, onClose }: { risk: RiskRead; onClose: () => void }) {
  const { t } = useT();
  const feedback = useApiFeedback();
  const create = useCreateRiskAction(risk.id);
  const [form] = Form.useForm<{ title: string; owner_id?: number | null; due?: Dayjs | null; note?: string }>();
  return (
    <Modal open title={t('risk.addAction')} onCancel={onClose} footer={null} destroyOnHidden>
      <Form form={form} name="riskActionAdd" layout="vertical" initialValues={{ owner_id: risk.owner_id }} onFinish={async (v) => {
        try {
          await create.mutateAsync({ title: v.title.trim(), owner_id: v.owner_id ?? null, due: v.due ? v.due.format('YYYY-MM-DD') : null, note: v.note ?? '' });
          feedback.ok(t('risk.actionAdded'));
          onClose();
        } catch (err) { feedback.fail(err, form); }
      }}>
        <Form.Item name="title" label={t('risk.actionTitle')} rules={[{ required: true, whitespace: true, message: t('risk.actionTitleRequired') }, { max: 300, message: t('risk.tooLong', { n: 300 }) }]}>
          <Input maxLength={300} />
        </Form.Item>
        <Space wrap>
          <Form.Item name="owner_id" label={t('risk.actionOwner')}><UserSelect style={{ width: 180 }} /></Form.Item>
          <Form.Item name="due" label={t('risk.due')}><DatePicker /></Form.Item>
        </Space>
        <Form.Item name="note" label={t('risk.actionNote')} rules={[{ max: 5000, message: t('risk.tooLong', { n: 5000 }) }]}>
          <Input.TextArea rows={2} maxLength={5000} />
        </Form.Item>
        <FormButtons onCancel={onClose} loading={create.isPending} />
      </Form>
    </Modal>
  );
}

function UpdateActionModal({ id, status, onClose }: { id: number; status?: RiskActionStatus; onClose: () => void }) {
  const { t } = useT();
  const fresh = useRiskAction(id); // read fresh: its ETag goes back as If-Match
  const ready = fresh.data !== undefined && !fresh.isFetching;
  return (
    <Modal open title={status === 'done' ? t('risk.completeTitle') : t('risk.progressTitle')} onCancel={onClose} footer={null} destroyOnHidden>
      <ErrorAlert error={fresh.error} />
      {ready && fresh.data ? <UpdateActionForm action={fresh.data} status={status} onClose={onClose} /> : <Skeleton active />}
    </Modal>
  );
}

function UpdateActionForm({ action, status, onClose }: { action: RiskActionRead; status?: RiskActionStatus; onClose: () => void }) {
  const { t } = useT();
  const feedback = useApiFeedback();
  const update = useUpdateRiskAction();
  const [form] = Form.useForm<{ status: RiskActionStatus; due?: Dayjs | null; note?: string }>();
  const done = status === 'done';
  return (
    <Form form={form} name="riskActionUpdate" layout="vertical" initialValues={{ status: status ?? (action.status === 'open' ? 'in_progress' : action.status), due: action.due ? dayjs(action.due) : null, note: action.note }}
      onFinish={async (v) => {
        try {
          await update.mutateAsync({ id: action.id, body: { status: v.status, note: v.note ?? '', due: v.due ? v.due.format('YYYY-MM-DD') : null } });
          feedback.ok(v.status === 'done' ? t('risk.actionDone') : t('risk.actionSaved'));
          onClose();
        } catch (err) { feedback.fail(err, form); }
      }}>
      <Typography.Paragraph strong>{action.title}</Typography.Paragraph>
      <Space wrap>
        <Form.Item name="status" label={t('risk.status')} hidden={done}>
          <Select style={{ width: 140 }} options={ACTION_STATUSES.map((s) => ({ value: s, label: t(`risk.actionStatuses.${s}`) }))} />
        </Form.Item>
        {!done && <Form.Item name="due" label={t('risk.due')}><DatePicker /></Form.Item>}
      </Space>
      <Form.Item name="note" label={done ? t('risk.completionNote') : t('risk.progressNote')} rules={[
        { max: 5000, message: t('risk.tooLong', { n: 5000 }) },
        ...(done ? [{ required: true, whitespace: true, message: t('risk.completionNoteRequired') }] : []),
      ]}>
        <Input.TextArea rows={3} maxLength={5000} />
      </Form.Item>
      <FormButtons onCancel={onClose} loading={update.isPending} okText={done ? t('risk.complete') : undefined} />
    </Form>
  );
}
