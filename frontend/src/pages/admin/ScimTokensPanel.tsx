import { useState } from 'react';
import { Alert, Button, Card, Form, Input, Modal, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useCreateScimToken, useProviders, useRevokeScimToken, useScimTokens } from '../../api/identity';
import { useUsers } from '../../api/org';
import type { ScimTokenRead, ScimTokenWithSecret } from '../../api/types';
import { ErrorAlert } from '../../components/common';
import { useApiFeedback } from '../../app/feedback';
import { useT } from '../../i18n';
import { whoName } from './directorySync';

const when = (v: string | null | undefined) => (v ? dayjs(v).format('YYYY-MM-DD HH:mm') : '');

/** 身份源 → SCIM 令牌: the tokens identity providers push users with; a new one is shown once. */
export default function ScimTokensPanel() {
  const { t } = useT();
  const tokens = useScimTokens();
  const providers = useProviders();
  const users = useUsers();
  const create = useCreateScimToken();
  const revoke = useRevokeScimToken();
  const feedback = useApiFeedback();
  const [adding, setAdding] = useState(false);
  const [created, setCreated] = useState<ScimTokenWithSecret | null>(null);
  const [form] = Form.useForm<{ name: string; provider_key?: string }>();
  const providerName = (id: number | null) => providers.data?.items.find((p) => p.id === id)?.name;

  return (
    <div>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
        <Typography.Text type="secondary">{t('identity.scim.intro')}</Typography.Text>
        <Button type="primary" onClick={() => { form.resetFields(); setAdding(true); }}>{t('identity.scim.add')}</Button>
      </Space>
      <Card size="small" style={{ marginBottom: 12 }}>
        <Space wrap>
          <Typography.Text strong>{t('identity.scim.baseUrl')}</Typography.Text>
          <Typography.Text code copyable>{`${window.location.origin}/api/org/scim/v2`}</Typography.Text>
        </Space>
      </Card>
      <ErrorAlert error={tokens.error} />
      <Table<ScimTokenRead> size="small" rowKey="id" loading={tokens.isPending} dataSource={tokens.data ?? []} pagination={false}
        scroll={{ x: 760 }} locale={{ emptyText: t('identity.scim.none') }}
        columns={[
          { title: t('identity.scim.name'), dataIndex: 'name', render: (n: string, tk) => (
            <Space size={4} wrap>{n}{tk.provider_id !== null && <Tag>{providerName(tk.provider_id) ?? `#${tk.provider_id}`}</Tag>}</Space>
          ) },
          { title: t('identity.scim.createdBy'), dataIndex: 'created_by', width: 120, render: (by: string) => whoName(by, users.data?.items) },
          { title: t('identity.scim.createdAt'), dataIndex: 'created_at', width: 140, render: when },
          { title: t('identity.scim.lastUsed'), dataIndex: 'last_used_at', width: 140, render: (v: string | null) => (v ? when(v) : <Typography.Text type="secondary">{t('identity.scim.never')}</Typography.Text>) },
          { title: t('identity.scim.state'), dataIndex: 'revoked_at', width: 150, render: (v: string | null) => (v ? <Tag>{`${t('identity.scim.revoked')} ${when(v)}`}</Tag> : <Tag color="green">{t('identity.scim.active')}</Tag>) },
          { title: '', width: 80, render: (_, tk) => (tk.revoked_at ? null : (
            <Popconfirm title={t('identity.scim.revokeConfirm')} onConfirm={async () => { try { await revoke.mutateAsync(tk.id); feedback.ok(t('identity.scim.revokedOk')); } catch (err) { feedback.fail(err); } }}>
              <Button size="small" danger>{t('identity.scim.revoke')}</Button>
            </Popconfirm>
          )) },
        ]} />
      <Modal open={adding} title={t('identity.scim.add')} onCancel={() => setAdding(false)} onOk={() => form.submit()} okButtonProps={{ loading: create.isPending }} destroyOnHidden>
        <Form form={form} name="scimToken" layout="vertical" requiredMark={false} onFinish={async (v) => {
          try {
            const tk = await create.mutateAsync({ name: v.name.trim(), provider_key: v.provider_key || null });
            setAdding(false);
            setCreated(tk);
          } catch (err) { feedback.fail(err, form); }
        }}>
          <Form.Item name="name" label={t('identity.scim.name')} extra={t('identity.scim.nameHelp')} rules={[{ required: true, whitespace: true, message: t('identity.required') }]}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="provider_key" label={t('identity.scim.provider')} extra={t('identity.scim.providerHelp')}>
            <Select allowClear options={(providers.data?.items ?? []).map((p) => ({ value: p.key, label: `${p.name}（${p.key}）` }))} />
          </Form.Item>
        </Form>
      </Modal>
      <Modal open={created !== null} title={created?.name} closable={false} maskClosable={false} keyboard={false}
        footer={<Button type="primary" onClick={() => setCreated(null)}>{t('identity.scim.done')}</Button>}>
        <Alert type="warning" showIcon message={t('identity.scim.once')} description={t('identity.scim.onceHelp')} style={{ marginBottom: 12 }} />
        <Typography.Paragraph code copyable style={{ wordBreak: 'break-all' }}>{created?.token}</Typography.Paragraph>
      </Modal>
    </div>
  );
}
