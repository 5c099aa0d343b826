import { useEffect, useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { Alert, Button, Card, Divider, Form, Input, Space, Typography } from 'antd';
import { LockOutlined, LoginOutlined, UserOutlined } from '@ant-design/icons';
import { ApiError } from '../../api/errors';
import { useSignInOptions } from '../../api/identity';
import { signIn, useSession } from '../../app/session';
import { LocaleSwitch } from '../../i18n/LocaleSwitch';
import { useT } from '../../i18n';
import { safePath, ssoStartUrl } from './sso';

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
  const options = useSignInOptions();
  const [adminPassword, setAdminPassword] = useState(false);

  useEffect(() => {
    if (wait <= 0) return undefined;
    const id = window.setTimeout(() => setWait((w) => w - 1), 1000);
    return () => window.clearTimeout(id);
  }, [wait]);

  const from = safePath((location.state as { from?: string } | null)?.from);
  const providers = options.data?.providers ?? [];
  const requireSso = !!options.data?.require_sso && providers.length > 0;
  const showPassword = !requireSso || adminPassword;
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
        // 403: the company requires single sign-on (the server says so in the user's language)
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
      <Card style={{ width: 380, maxWidth: 'calc(100vw - 24px)' }} title={<span>{t('common.appName')} · {t('auth.title')}</span>} extra={<LocaleSwitch />}>
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
        {providers.length > 0 && (
          <Space direction="vertical" style={{ width: '100%' }} data-testid="sso-providers">
            {providers.map((p) => (
              <Button key={p.key} block size="large" icon={<LoginOutlined />} href={ssoStartUrl(p.key, from)}>
                {t('identity.signInWith', { name: p.name })}
              </Button>
            ))}
          </Space>
        )}
        {requireSso && !adminPassword && (
          <>
            <Typography.Paragraph type="secondary" style={{ marginTop: 16, marginBottom: 4 }}>{t('identity.ssoRequired')}</Typography.Paragraph>
            <Button type="link" size="small" style={{ padding: 0 }} onClick={() => setAdminPassword(true)}>{t('identity.adminPassword')}</Button>
          </>
        )}
        {providers.length > 0 && showPassword && <Divider plain style={{ fontSize: 12 }}>{t('identity.or')}</Divider>}
        {showPassword && (
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
        )}
      </Card>
    </main>
  );
}
