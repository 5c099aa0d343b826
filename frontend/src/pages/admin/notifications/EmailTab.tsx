/** 邮件: how org sends e-mail (SMTP, from the service's settings), what waits or gave up, and a test e-mail. */
import { useState } from 'react';
import { Alert, Button, Card, Descriptions, Form, Input, Space, Tag, Typography } from 'antd';
import { useChannelsStatus, useTestEmail } from '../../../api/channels';
import type { SendResult } from '../../../api/types';
import { useApiFeedback } from '../../../app/feedback';
import { useSession } from '../../../app/session';
import { QueryState } from '../../../components/common';
import { useT } from '../../../i18n';

export function EmailTab({ onShowLog }: { onShowLog: (status: 'pending' | 'parked') => void }) {
  const { t } = useT();
  const status = useChannelsStatus();
  const test = useTestEmail();
  const feedback = useApiFeedback();
  const { me } = useSession();
  const [form] = Form.useForm<{ to: string }>();
  const [result, setResult] = useState<{ to: string; result: SendResult } | null>(null);
  const email = status.data?.email;
  return (
    <QueryState loading={status.isPending} error={status.error}>
      {status.data && email && (
        <Space direction="vertical" size={12} style={{ width: '100%', maxWidth: 720 }}>
          {!email.configured && <Alert type="warning" showIcon message={t('notifications.admin.emailOff')} description={t('notifications.admin.emailOffHelp')} />}
          <Card size="small" title={t('notifications.admin.emailServer')}>
            <Descriptions size="small" column={1} bordered items={[
              { key: 'state', label: t('org.state'), children: email.configured ? <Tag color="green">{t('notifications.admin.configured')}</Tag> : <Tag>{t('notifications.admin.notConfigured')}</Tag> },
              { key: 'host', label: t('notifications.admin.smtpHost'), children: email.host ? `${email.host}:${email.port}` : '—' },
              { key: 'security', label: t('notifications.admin.smtpSecurity'), children: email.security ? t(`notifications.admin.security.${email.security}`) : '—' },
              { key: 'from', label: t('notifications.admin.smtpFrom'), children: email.from || '—' },
            ]} />
          </Card>
          <Card size="small" title={t('notifications.admin.queue')}>
            <Space size={24} wrap>
              <Button type="link" style={{ padding: 0 }} onClick={() => onShowLog('pending')}>{t('notifications.admin.pendingCount', { n: status.data.pending })}</Button>
              <Button type="link" danger={status.data.parked > 0} style={{ padding: 0 }} onClick={() => onShowLog('parked')}>{t('notifications.admin.parkedCount', { n: status.data.parked })}</Button>
              <Typography.Text type="secondary">{t('notifications.admin.robotsCount', { n: status.data.robots_count })}</Typography.Text>
            </Space>
          </Card>
          <Card size="small" title={t('notifications.admin.testEmail')}>
            {result && (
              <Alert data-testid="email-test-result" showIcon closable onClose={() => setResult(null)} style={{ marginBottom: 12 }}
                type={result.result.ok ? 'success' : 'error'}
                message={result.result.ok ? t('notifications.admin.emailSent', { to: result.to }) : t('notifications.admin.emailFailed', { to: result.to })}
                description={result.result.ok ? undefined : result.result.error} />
            )}
            <Form form={form} layout="inline" initialValues={{ to: me?.user.email ?? '' }} onFinish={async ({ to }) => {
              setResult(null);
              try {
                setResult({ to, result: await test.mutateAsync(to.trim()) });
              } catch (err) {
                feedback.fail(err, form);
              }
            }}>
              <Form.Item name="to" label={t('notifications.admin.emailTo')} style={{ marginBottom: 8 }}
                rules={[{ required: true, type: 'email', message: t('notifications.admin.emailInvalid') }]}>
                <Input style={{ width: 240, maxWidth: '100%' }} placeholder="name@example.com" />
              </Form.Item>
              <Form.Item style={{ marginBottom: 8 }}>
                <Button htmlType="submit" type="primary" loading={test.isPending} disabled={!email.configured}>{t('notifications.admin.sendTestEmail')}</Button>
              </Form.Item>
            </Form>
          </Card>
        </Space>
      )}
    </QueryState>
  );
}
