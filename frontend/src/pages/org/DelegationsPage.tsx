import { Button, Card, DatePicker, Form, Input, Popconfirm, Select, Table, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useCreateDelegation, useDelegations, useRevokeDelegation, useUsers } from '../../api/org';
import type { DelegationRead, Right } from '../../api/types';
import { ErrorAlert } from '../../components/common';
import { useApiFeedback } from '../../app/feedback';
import { useSession } from '../../app/session';
import { useT } from '../../i18n';
import { RIGHTS } from '../admin/rights';

type Values = { from_user_id?: number; to_user_id: number; rights: Right[]; range: [Dayjs, Dayjs]; reason?: string };

export default function DelegationsPage() {
  const { t } = useT();
  const list = useDelegations();
  const users = useUsers();
  const create = useCreateDelegation();
  const revoke = useRevokeDelegation();
  const feedback = useApiFeedback();
  const { access } = useSession();
  const [form] = Form.useForm<Values>();
  const name = new Map((users.data?.items ?? []).map((u) => [u.id, u.display_name]));
  const userOptions = (users.data?.items ?? []).map((u) => ({ value: u.id, label: `${u.display_name} (${u.username})` }));
  return (
    <div>
      <Typography.Title level={4} style={{ marginTop: 0 }}>{t('org.delegationsTitle')}</Typography.Title>
      <Card size="small" title={t('org.newDelegation')} style={{ marginBottom: 12 }}>
        <Form form={form} layout="inline" onFinish={async (v) => {
          try {
            await create.mutateAsync({ from_user_id: v.from_user_id ?? null, to_user_id: v.to_user_id, rights: v.rights, starts_at: v.range[0].toISOString(), ends_at: v.range[1].toISOString(), reason: v.reason ?? '' });
            feedback.ok(t('org.delegated'));
            form.resetFields();
          } catch (err) { feedback.fail(err, form); }
        }}>
          {access.rights.has('admin') && (
            <Form.Item name="from_user_id" label={t('org.from')}><Select allowClear showSearch optionFilterProp="label" options={userOptions} style={{ width: 180 }} placeholder={t('org.me')} /></Form.Item>
          )}
          <Form.Item name="to_user_id" label={t('org.to')} rules={[{ required: true, message: t('org.toRequired') }]}><Select showSearch optionFilterProp="label" options={userOptions} style={{ width: 180 }} /></Form.Item>
          <Form.Item name="rights" label={t('org.rights')} rules={[{ required: true, message: t('org.rightsRequired') }]}>
            <Select mode="multiple" style={{ minWidth: 200 }} options={RIGHTS.map((r) => ({ value: r, label: t(`org.right.${r}`) }))} />
          </Form.Item>
          <Form.Item name="range" label={t('org.period')} rules={[{ required: true, message: t('org.periodRequired') }]}><DatePicker.RangePicker showTime /></Form.Item>
          <Form.Item name="reason" label={t('plans.reason')}><Input style={{ width: 180 }} /></Form.Item>
          <Form.Item><Button type="primary" htmlType="submit" loading={create.isPending}>{t('org.delegate')}</Button></Form.Item>
        </Form>
      </Card>
      <ErrorAlert error={list.error} />
      <Table<DelegationRead> size="small" rowKey="id" loading={list.isPending} dataSource={list.data?.items ?? []} locale={{ emptyText: t('org.noDelegations') }} pagination={false}
        columns={[
          { title: t('org.from'), dataIndex: 'from_user_id', render: (id: number) => name.get(id) ?? id },
          { title: t('org.to'), dataIndex: 'to_user_id', render: (id: number) => name.get(id) ?? id },
          { title: t('org.rights'), dataIndex: 'rights', render: (r: string[]) => r.map((x) => <Tag key={x}>{t(`org.right.${x}`)}</Tag>) },
          { title: t('org.starts'), dataIndex: 'starts_at', render: (v: string) => v.slice(0, 16).replace('T', ' ') },
          { title: t('org.ends'), dataIndex: 'ends_at', render: (v: string) => v.slice(0, 16).replace('T', ' ') },
          { title: t('plans.reason'), dataIndex: 'reason' },
          { title: t('org.state'), render: (_, d) => d.revoked_at ? <Tag>{t('org.revoked')}</Tag> : d.active ? <Tag color="green">{t('org.active')}</Tag> : <Tag>{t('org.inactive')}</Tag> },
          { title: '', width: 80, render: (_, d) => !d.revoked_at && (
            <Popconfirm title={t('org.revokeConfirm')} onConfirm={async () => { try { await revoke.mutateAsync(d.id); } catch (err) { feedback.fail(err); } }}>
              <Button size="small" danger>{t('org.revoke')}</Button>
            </Popconfirm>
          ) },
        ]} />
    </div>
  );
}
