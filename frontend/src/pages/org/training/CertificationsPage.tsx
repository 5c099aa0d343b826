/** 证书到期提醒: certificates expiring soon or expired — the reader's own and those of the units they hold plan
 * over — and recording a person's certificate (plan over their unit). */
import { Button, Card, DatePicker, Form, Input, InputNumber, Select, Space, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useUsers } from '../../../api/org';
import { useCertifications, useCreateCertification } from '../../../api/training';
import { useApiFeedback } from '../../../app/feedback';
import { useSession } from '../../../app/session';
import { ErrorAlert } from '../../../components/common';
import { useT } from '../../../i18n';
import { CertificateTable } from './MyTrainingPage';

type Values = { user_id: number; name: string; number?: string; issued_on: Dayjs; expires_on?: Dayjs; remind_days?: number };

function NewCertification() {
  const { t } = useT();
  const users = useUsers();
  const create = useCreateCertification();
  const feedback = useApiFeedback();
  const [form] = Form.useForm<Values>();
  return (
    <Card size="small" title={t('training.newCertification')} style={{ marginBottom: 12 }}>
      <Form form={form} layout="vertical" initialValues={{ remind_days: 30 }} onFinish={async (v) => {
        try {
          await create.mutateAsync({ user_id: v.user_id, name: v.name, number: v.number ?? '', issued_on: v.issued_on.format('YYYY-MM-DD'),
            expires_on: v.expires_on ? v.expires_on.format('YYYY-MM-DD') : null, remind_days: v.remind_days ?? 30 });
          feedback.ok(t('training.certCreated'));
          form.resetFields();
        } catch (err) { feedback.fail(err, form); }
      }}>
        <Space wrap align="end">
          <Form.Item name="user_id" label={t('training.person')} rules={[{ required: true, message: t('training.personRequired') }]}>
            <Select showSearch optionFilterProp="label" style={{ width: 180 }} options={(users.data?.items ?? []).map((u) => ({ value: u.id, label: u.display_name }))} />
          </Form.Item>
          <Form.Item name="name" label={t('training.certName')} rules={[{ required: true }]}><Input style={{ width: 220 }} /></Form.Item>
          <Form.Item name="number" label={t('training.certNumber')}><Input style={{ width: 140 }} /></Form.Item>
          <Form.Item name="issued_on" label={t('training.issuedOn')} rules={[{ required: true }]}><DatePicker /></Form.Item>
          <Form.Item name="expires_on" label={t('training.expiresOn')}><DatePicker /></Form.Item>
          <Form.Item name="remind_days" label={t('training.remindDays')}><InputNumber min={0} max={365} /></Form.Item>
          <Form.Item><Button type="primary" htmlType="submit" loading={create.isPending}>{t('common.save')}</Button></Form.Item>
        </Space>
      </Form>
    </Card>
  );
}

export default function CertificationsPage() {
  const { t } = useT();
  const { access } = useSession();
  const expiring = useCertifications({ expiring: true });
  return (
    <div>
      <Typography.Title level={4} style={{ marginTop: 0 }}>{t('training.certificationsTitle')}</Typography.Title>
      {access.rights.has('plan') && <NewCertification />}
      <ErrorAlert error={expiring.error} />
      <Card size="small" title={t('training.expiringTitle')}>
        <CertificateTable items={expiring.data?.items ?? []} loading={expiring.isPending} showPerson emptyText={t('training.noExpiring')} />
      </Card>
    </div>
  );
}
