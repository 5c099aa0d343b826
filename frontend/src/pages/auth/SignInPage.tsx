import { useEffect, useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { ApiError } from '../../api/errors';
import { signIn, useSession } from '../../app/session';
import { LocaleSwitch } from '../../app/Layout';
import { useT } from '../../i18n';

type Values = { username: string; password: string };

export default function SignInPage() {
  const { t } = useT();
  const { signedIn } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<string | null>(null);
  const [wait, setWait] = useState(0);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (wait <= 0) return undefined;
    const id = window.setTimeout(() => setWait((w) => w - 1), 1000);
    return () => window.clearTimeout(id);
  }, [wait]);

  const from = (location.state as { from?: string } | null)?.from ?? '/inbox';
  if (signedIn) return <Navigate to={from} replace />;

  const onFinish = async (values: Values) => {
    setBusy(true);
    setError(null);
    try {
      await signIn(values.username.trim(), values.password);
      navigate(from, { replace: true });
    } catch (err) {
      if (err instanceof ApiError && err.status === 429) {
        setWait(err.retryAfter ?? 60);
        setError(err.detail);
      } else if (err instanceof ApiError) {
        setError(err.status === 400 || err.status === 401 ? t('auth.badCredentials') : err.detail);
      } else {
        setError(t('common.networkError'));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <main style={{ minHeight: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center', background: 'linear-gradient(135deg,#001529 0%,#003a70 100%)' }}>
      <Card style={{ width: 380 }} title={<span>{t('common.appName')} · {t('auth.title')}</span>} extra={<LocaleSwitch />}>
        <Typography.Paragraph type="secondary">{t('auth.subtitle')}</Typography.Paragraph>
        {error && (
          <Alert
            type="error"
            showIcon
            role="alert"
            style={{ marginBottom: 16 }}
            message={error}
            description={wait > 0 ? t('auth.retryIn', { seconds: wait }) : undefined}
          />
        )}
        <Form form={form} layout="vertical" onFinish={onFinish} requiredMark={false}>
          <Form.Item name="username" label={t('auth.username')} rules={[{ required: true, message: t('auth.usernameRequired') }]}>
            <Input prefix={<UserOutlined />} autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item name="password" label={t('auth.password')} rules={[{ required: true, message: t('auth.passwordRequired') }]}>
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy} disabled={wait > 0}>
            {wait > 0 ? t('auth.waitSeconds', { seconds: wait }) : t('auth.submit')}
          </Button>
        </Form>
      </Card>
    </main>
  );
}
