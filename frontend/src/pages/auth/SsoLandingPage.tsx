import { useEffect, useRef, useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router-dom';
import { Button, Card, Result, Spin } from 'antd';
import { ApiError } from '../../api/errors';
import { exchangeSsoCode } from '../../app/session';
import { useT } from '../../i18n';
import { parseSsoLanding } from './sso';

/** /login/sso: where every provider's sign-in ends. Exchanges the one-time code for tokens (once:
 * a second exchange would be refused) and lands on the page the sign-in started from. */
export default function SsoLandingPage() {
  const { t } = useT();
  const location = useLocation();
  const navigate = useNavigate();
  const landing = parseSsoLanding(location.search);
  const [error, setError] = useState<string | null>(landing.kind === 'error' ? landing.message ?? t('identity.landingBroken') : null);
  const started = useRef(false);

  useEffect(() => {
    if (landing.kind !== 'code' || started.current) return;
    started.current = true;
    exchangeSsoCode(landing.code)
      .then(() => navigate(landing.redirect, { replace: true }))
      .catch((err: unknown) => setError(err instanceof ApiError ? err.detail : t('common.networkError')));
  }, [landing, navigate, t]);

  return (
    <main style={{ minHeight: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center', background: 'linear-gradient(135deg,#001529 0%,#003a70 100%)', padding: 16 }}>
      <Card style={{ width: 420, maxWidth: '100%' }}>
        {error ? (
          <Result status="warning" title={t('identity.landingFailed')} subTitle={<span role="alert">{error}</span>}
            extra={<Link to="/login"><Button type="primary">{t('identity.backToSignIn')}</Button></Link>} />
        ) : (
          <div style={{ textAlign: 'center', padding: 24 }}><Spin /><p style={{ marginTop: 12 }}>{t('identity.landingBusy')}</p></div>
        )}
      </Card>
    </main>
  );
}
