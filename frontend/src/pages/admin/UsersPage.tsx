import { useState } from 'react';
import { Button, DatePicker, Form, Input, Modal, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useAssignments, useCreateAssignment, useCreateUser, useEndAssignment, usePositions, useUsers } from '../../api/org';
import type { UserRead } from '../../api/types';
import { ErrorAlert, useUnitNames } from '../../components/common';
import { useApiFeedback } from '../../app/feedback';
import { useT } from '../../i18n';

export default function UsersPage() {
  const { t } = useT();
  const users = useUsers();
  const assignments = useAssignments();
  const positions = usePositions();
  const units = useUnitNames();
  const createUser = useCreateUser();
  const assign = useCreateAssignment();
  const end = useEndAssignment();
  const feedback = useApiFeedback();
  const [userForm] = Form.useForm<{ username: string; display_name: string; email?: string; password: string }>();
  const [assignFor, setAssignFor] = useState<UserRead | null>(null);
  const [assignForm] = Form.useForm<{ position_id: number; start: Dayjs; end?: Dayjs | null }>();
  const [adding, setAdding] = useState(false);
  const pos = new Map((positions.data?.items ?? []).map((p) => [p.id, p]));
  const byUser = new Map<number, NonNullable<typeof assignments.data>['items']>();
  for (const a of assignments.data?.items ?? []) byUser.set(a.user_id, [...(byUser.get(a.user_id) ?? []), a]);
  return (
    <div>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }}>
        <Typography.Title level={4} style={{ margin: 0 }}>{t('org.usersTitle')}</Typography.Title>
        <Button type="primary" onClick={() => setAdding(true)}>{t('org.newUser')}</Button>
      </Space>
      <ErrorAlert error={users.error} />
      <Table<UserRead> size="small" rowKey="id" loading={users.isPending} dataSource={users.data?.items ?? []} pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: t('org.noUsers') }}
        columns={[
          { title: t('org.username'), dataIndex: 'username', width: 130 },
          { title: t('org.displayName'), dataIndex: 'display_name', width: 140 },
          { title: t('org.assignments'), render: (_, u) => (
            <Space wrap size={4}>{(byUser.get(u.id) ?? []).map((a) => {
              const p = pos.get(a.position_id);
              return (
                <Tag key={a.id} color={a.end_date ? 'default' : 'blue'}>
                  {p ? `${units.get(p.unit_id)?.name ?? ''} · ${p.title}` : a.position_id} {a.start_date}{a.end_date ? ` → ${a.end_date}` : ''}
                  {!a.end_date && (
                    <Popconfirm title={t('org.endAssignmentConfirm')} onConfirm={async () => { try { await end.mutateAsync(a.id); } catch (err) { feedback.fail(err); } }}>
                      <Button type="link" size="small" style={{ padding: '0 0 0 4px', height: 'auto' }}>{t('org.endAssignment')}</Button>
                    </Popconfirm>
                  )}
                </Tag>
              );
            })}</Space>
          ) },
          { title: t('org.state'), dataIndex: 'active', width: 80, render: (a: boolean) => a ? <Tag color="green">{t('org.active')}</Tag> : <Tag>{t('org.inactive')}</Tag> },
          { title: '', width: 100, render: (_, u) => <Button size="small" onClick={() => setAssignFor(u)}>{t('org.assign')}</Button> },
        ]} />
      <Modal open={adding} title={t('org.newUser')} onCancel={() => setAdding(false)} onOk={() => userForm.submit()} okButtonProps={{ loading: createUser.isPending }} destroyOnHidden>
        <Form form={userForm} layout="vertical" onFinish={async (v) => {
          try { await createUser.mutateAsync({ ...v, email: v.email ?? '' }); setAdding(false); userForm.resetFields(); feedback.ok(t('org.userCreated')); } catch (err) { feedback.fail(err, userForm); }
        }}>
          <Form.Item name="username" label={t('org.username')} rules={[{ required: true, message: t('org.usernameRequired') }, { pattern: /^[A-Za-z0-9_.-]{2,64}$/, message: t('org.usernameInvalid') }]}><Input autoComplete="off" /></Form.Item>
          <Form.Item name="display_name" label={t('org.displayName')} rules={[{ required: true, whitespace: true, message: t('org.displayNameRequired') }]}><Input /></Form.Item>
          <Form.Item name="email" label={t('org.email')} rules={[{ type: 'email', message: t('org.emailInvalid') }]}><Input /></Form.Item>
          <Form.Item name="password" label={t('auth.password')} rules={[{ required: true, message: t('auth.passwordRequired') }, { min: 8, message: t('org.passwordShort') }]}><Input.Password autoComplete="new-password" /></Form.Item>
        </Form>
      </Modal>
      <Modal open={!!assignFor} title={`${t('org.assign')} · ${assignFor?.display_name ?? ''}`} onCancel={() => setAssignFor(null)} onOk={() => assignForm.submit()} okButtonProps={{ loading: assign.isPending }} destroyOnHidden>
        <Form form={assignForm} layout="vertical" onFinish={async (v) => {
          if (!assignFor) return;
          try {
            await assign.mutateAsync({ user_id: assignFor.id, position_id: v.position_id, start_date: v.start.format('YYYY-MM-DD'), end_date: v.end ? v.end.format('YYYY-MM-DD') : null });
            setAssignFor(null); assignForm.resetFields(); feedback.ok(t('org.assigned'));
          } catch (err) { feedback.fail(err, assignForm); }
        }}>
          <Form.Item name="position_id" label={t('org.position')} rules={[{ required: true, message: t('org.positionRequired') }]}>
            <Select showSearch optionFilterProp="label" options={(positions.data?.items ?? []).map((p) => ({ value: p.id, label: `${units.get(p.unit_id)?.name ?? ''} · ${p.title}` }))} />
          </Form.Item>
          <Form.Item name="start" label={t('org.starts')} rules={[{ required: true, message: t('org.startRequired') }]}><DatePicker /></Form.Item>
          <Form.Item name="end" label={t('org.ends')}><DatePicker /></Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
