import { useState } from 'react';
import { Alert, Button, Card, Col, Form, Input, Modal, Popconfirm, Row, Segmented, Select, Space, Table, Tag, Typography } from 'antd';
import { SERVICES, useCreateWebhook, useDeleteWebhook, useDeliveries, usePingWebhook, useWebhooks, type Service } from '../../api/admin';
import type { DeliveryRead, WebhookRead } from '../../api/types';
import { ErrorAlert } from '../../components/common';
import { useApiFeedback } from '../../app/feedback';
import { useT } from '../../i18n';

export default function WebhooksPage() {
  const { t } = useT();
  const [service, setService] = useState<Service>('planning');
  const hooks = useWebhooks(service);
  const [selected, setSelected] = useState<number | undefined>();
  const deliveries = useDeliveries(service, selected);
  const create = useCreateWebhook(service);
  const remove = useDeleteWebhook(service);
  const ping = usePingWebhook(service);
  const feedback = useApiFeedback();
  const [adding, setAdding] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const [form] = Form.useForm<{ url: string; event_types: string[]; description?: string }>();
  return (
    <div>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>{t('admin.webhooksTitle')}</Typography.Title>
        <Space>
          <Segmented value={service} onChange={(v) => { setService(v as Service); setSelected(undefined); }} options={SERVICES.map((s) => ({ value: s, label: t(`admin.service.${s}`) }))} />
          <Button type="primary" onClick={() => setAdding(true)}>{t('admin.newWebhook')}</Button>
        </Space>
      </Space>
      {secret && <Alert type="warning" showIcon closable onClose={() => setSecret(null)} style={{ marginBottom: 12 }} message={t('admin.secretOnce')} description={<Typography.Text code copyable>{secret}</Typography.Text>} />}
      <ErrorAlert error={hooks.error} />
      <Row gutter={12}>
        <Col xs={24} xl={12}>
          <Card size="small" title={t('admin.subscriptions')}>
            <Table<WebhookRead> size="small" rowKey="id" loading={hooks.isPending} dataSource={hooks.data?.items ?? []} pagination={false} locale={{ emptyText: t('admin.noWebhooks') }}
              onRow={(w) => ({ onClick: () => setSelected(w.id), style: { cursor: 'pointer', background: w.id === selected ? '#e6f4ff' : undefined } })}
              columns={[
                { title: 'URL', dataIndex: 'url', ellipsis: true },
                { title: t('admin.events'), dataIndex: 'event_types', render: (e: string[]) => e.map((x) => <Tag key={x}>{x}</Tag>) },
                { title: t('org.state'), dataIndex: 'active', width: 70, render: (a: boolean) => (a ? <Tag color="green">{t('org.active')}</Tag> : <Tag>{t('org.inactive')}</Tag>) },
                { title: '', width: 150, render: (_, w) => (
                  <Space size={4}>
                    <Button size="small" onClick={async (e) => { e.stopPropagation(); try { await ping.mutateAsync(w.id); feedback.ok(t('admin.pinged')); setSelected(w.id); } catch (err) { feedback.fail(err); } }}>{t('admin.ping')}</Button>
                    <Popconfirm title={t('admin.deleteConfirm')} onConfirm={async () => { try { await remove.mutateAsync(w.id); } catch (err) { feedback.fail(err); } }}>
                      <Button size="small" danger onClick={(e) => e.stopPropagation()}>{t('common.delete')}</Button>
                    </Popconfirm>
                  </Space>
                ) },
              ]} />
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card size="small" title={t('admin.deliveries')}>
            {selected === undefined ? <Typography.Text type="secondary">{t('admin.selectWebhook')}</Typography.Text> : (
              <Table<DeliveryRead> size="small" rowKey="id" loading={deliveries.isPending} dataSource={deliveries.data?.items ?? []} pagination={false} locale={{ emptyText: t('admin.noDeliveries') }} columns={[
                { title: t('admin.subject'), dataIndex: 'subject', ellipsis: true },
                { title: t('org.state'), dataIndex: 'status', width: 90, render: (s: string) => <Tag color={s === 'delivered' ? 'green' : s === 'parked' || s === 'failed' ? 'red' : 'processing'}>{s}</Tag> },
                { title: t('admin.attempts'), dataIndex: 'attempts', width: 60 },
                { title: t('admin.lastError'), dataIndex: 'last_error', ellipsis: true },
                { title: t('admin.at'), dataIndex: 'created_at', width: 140, render: (v: string) => v.slice(0, 16).replace('T', ' ') },
              ]} />
            )}
          </Card>
        </Col>
      </Row>
      <Modal open={adding} title={t('admin.newWebhook')} onCancel={() => setAdding(false)} onOk={() => form.submit()} okButtonProps={{ loading: create.isPending }} destroyOnHidden>
        <Form form={form} layout="vertical" onFinish={async (v) => {
          try { const w = await create.mutateAsync({ ...v, description: v.description ?? '' }); setSecret(w.secret); setAdding(false); form.resetFields(); } catch (err) { feedback.fail(err, form); }
        }}>
          <Form.Item name="url" label="URL" rules={[{ required: true, message: t('admin.urlRequired') }, { type: 'url', message: t('admin.urlInvalid') }]}><Input placeholder="https://" /></Form.Item>
          <Form.Item name="event_types" label={t('admin.events')} rules={[{ required: true, message: t('admin.eventsRequired') }]}>
            <Select mode="tags" tokenSeparators={[',', ' ']} placeholder={`${service}.*`} />
          </Form.Item>
          <Form.Item name="description" label={t('org.description')}><Input /></Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
