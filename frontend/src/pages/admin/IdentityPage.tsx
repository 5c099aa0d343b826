import { useState } from 'react';
import { Alert, Button, Card, Form, Input, Modal, Popconfirm, Select, Space, Switch, Table, Tabs, Tag, Typography } from 'antd';
import { useDeleteProvider, useProviders, useSaveProvider, useSetRequireSso, useSignInOptions } from '../../api/identity';
import type { ProviderRead } from '../../api/types';
import { ErrorAlert } from '../../components/common';
import { useApiFeedback } from '../../app/feedback';
import { useT } from '../../i18n';
import DirectorySyncPanel from './DirectorySyncPanel';
import ScimTokensPanel from './ScimTokensPanel';
import { DEFAULT_SCOPES, createBody, formValuesOf, updateBody, type ProviderFormValues } from './identityForm';

const KINDS = ['oidc', 'dingtalk', 'wecom', 'feishu'] as const;
const LINK_CLAIMS = ['email', 'preferred_username', 'sub', 'mobile', 'userid'] as const;

/** /admin/identity (身份源): the company's identity providers and the require-SSO switch; SCIM tokens; directory sync. */
export default function IdentityPage() {
  const { t } = useT();
  const providers = useProviders();
  const options = useSignInOptions();
  const save = useSaveProvider();
  const remove = useDeleteProvider();
  const requireSso = useSetRequireSso();
  const feedback = useApiFeedback();
  const [editing, setEditing] = useState<ProviderRead | 'new' | null>(null);
  const [form] = Form.useForm<ProviderFormValues>();
  const kind = Form.useWatch('kind', form);
  const current = editing && editing !== 'new' ? editing : undefined;

  const open = (p: ProviderRead | 'new') => {
    setEditing(p);
    form.setFieldsValue(formValuesOf(p === 'new' ? undefined : p));
  };

  const submit = async (v: ProviderFormValues) => {
    try {
      await save.mutateAsync(current ? { current, body: updateBody(current, v) } : { body: createBody(v) });
      feedback.ok(t('identity.saved'));
      setEditing(null);
    } catch (err) {
      feedback.fail(err, form);
    }
  };

  const providersTab = (
    <div>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap align="start">
        <Typography.Text type="secondary">{t('identity.intro')}</Typography.Text>
        <Button type="primary" onClick={() => open('new')}>{t('identity.add')}</Button>
      </Space>
      <Card size="small" style={{ marginBottom: 12 }}>
        <Space wrap>
          <Switch
            aria-label={t('identity.requireSso')}
            checked={!!options.data?.require_sso}
            loading={options.isPending || requireSso.isPending}
            onChange={async (v) => { try { await requireSso.mutateAsync(v); feedback.ok(v ? t('identity.requireSsoOn') : t('identity.requireSsoOff')); } catch (err) { feedback.fail(err); } }}
          />
          <Typography.Text strong>{t('identity.requireSso')}</Typography.Text>
          <Typography.Text type="secondary">{t('identity.requireSsoHelp')}</Typography.Text>
        </Space>
      </Card>
      <ErrorAlert error={providers.error} />
      <Table<ProviderRead> size="small" rowKey="id" loading={providers.isPending} dataSource={providers.data?.items ?? []} pagination={false}
        scroll={{ x: 720 }} locale={{ emptyText: t('identity.none') }}
        columns={[
          { title: t('identity.name'), dataIndex: 'name' },
          { title: t('identity.kind'), dataIndex: 'kind', width: 130, render: (k: string) => t(`identity.kindName.${k}`) },
          { title: t('identity.key'), dataIndex: 'key', width: 110, render: (k: string) => <Typography.Text code>{k}</Typography.Text> },
          { title: t('identity.clientId'), dataIndex: 'client_id', ellipsis: true },
          { title: t('identity.clientSecret'), dataIndex: 'has_secret', width: 90, render: (h: boolean) => (h ? <Tag color="green">{t('identity.secretStored')}</Tag> : <Tag>{t('identity.secretUnset')}</Tag>) },
          { title: t('identity.jit'), dataIndex: 'jit', width: 90, render: (j: boolean) => (j ? <Tag color="blue">✓</Tag> : <Tag>—</Tag>) },
          { title: t('identity.enabled'), dataIndex: 'enabled', width: 70, render: (e: boolean) => (e ? <Tag color="green">✓</Tag> : <Tag>—</Tag>) },
          { title: '', width: 140, render: (_, p) => (
            <Space size={4}>
              <Button size="small" onClick={() => open(p)}>{t('common.edit')}</Button>
              <Popconfirm title={t('identity.deleteConfirm')} onConfirm={async () => { try { await remove.mutateAsync(p); } catch (err) { feedback.fail(err); } }}>
                <Button size="small" danger>{t('common.delete')}</Button>
              </Popconfirm>
            </Space>
          ) },
        ]} />
    </div>
  );

  return (
    <div>
      <Typography.Title level={4} style={{ margin: 0 }}>{t('identity.title')}</Typography.Title>
      <Tabs destroyOnHidden items={[
        { key: 'providers', label: t('identity.tabProviders'), children: providersTab },
        { key: 'scim', label: t('identity.tabScim'), children: <ScimTokensPanel /> },
        { key: 'sync', label: t('identity.tabSync'), children: <DirectorySyncPanel /> },
      ]} />
      <Modal open={editing !== null} title={current ? t('identity.edit') : t('identity.add')} onCancel={() => setEditing(null)} onOk={() => form.submit()}
        okButtonProps={{ loading: save.isPending }} destroyOnHidden forceRender>
        <Form form={form} layout="vertical" onFinish={submit} requiredMark={false}>
          <Form.Item name="kind" label={t('identity.kind')}>
            <Select disabled={!!current} options={KINDS.map((k) => ({ value: k, label: t(`identity.kindName.${k}`) }))} />
          </Form.Item>
          <Form.Item name="key" label={t('identity.key')} extra={t('identity.keyHelp')} rules={[{ required: true, message: t('identity.required') }, { pattern: /^[a-z0-9][a-z0-9_-]*$/, message: t('identity.keyHelp') }]}>
            <Input disabled={!!current} maxLength={40} />
          </Form.Item>
          <Form.Item name="name" label={t('identity.name')} extra={t('identity.nameHelp')} rules={[{ required: true, message: t('identity.required') }]}>
            <Input maxLength={100} />
          </Form.Item>
          {kind === 'oidc' && (
            <Form.Item name="issuer" label={t('identity.issuer')} rules={[{ required: true, message: t('identity.required') }]}>
              <Input placeholder="https://sso.example.com/realms/company" />
            </Form.Item>
          )}
          <Form.Item name="client_id" label={t('identity.clientId')} rules={[{ required: true, message: t('identity.required') }]}>
            <Input />
          </Form.Item>
          <Form.Item name="client_secret" label={t('identity.clientSecret')} extra={current?.has_secret ? t('identity.secretSet') : t('identity.secretUnset')}>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          {kind === 'oidc' && (
            <Form.Item name="scopes" label={t('identity.scopes')}>
              <Select mode="tags" tokenSeparators={[' ', ',']} placeholder={DEFAULT_SCOPES.join(' ')} />
            </Form.Item>
          )}
          <Form.Item name="link_claim" label={t('identity.linkClaim')} extra={t('identity.linkClaimHelp')}>
            <Select options={LINK_CLAIMS.map((c) => ({ value: c, label: t(`identity.linkClaimName.${c}`) }))} />
          </Form.Item>
          <Form.Item name="jit" label={t('identity.jit')} extra={t('identity.jitHelp')} valuePropName="checked"><Switch /></Form.Item>
          <Form.Item name="enabled" label={t('identity.enabled')} valuePropName="checked"><Switch /></Form.Item>
          {kind && kind !== 'oidc' && (
            <Form.Item name="sync_enabled" label={t('identity.syncEnabled')} extra={t('identity.syncEnabledHelp')} valuePropName="checked"><Switch /></Form.Item>
          )}
          {current && (
            <Alert type="info" showIcon message={t('identity.callback')}
              description={<Typography.Text code copyable>{`${window.location.origin}/api/org/auth/sso/${current.key}/callback`}</Typography.Text>} />
          )}
        </Form>
      </Modal>
    </div>
  );
}
