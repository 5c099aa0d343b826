/** The SPA's half of single sign-on: where a provider button sends the browser, and what the
 * /login/sso landing carries (a one-time code to exchange, or the server's reason in Chinese). */

/** A same-site path to land on; anything else (e.g. an absolute URL) becomes '/', from where the landing
 * route sends each user where they start (leadership the cockpit, everyone else the inbox). */
export function safePath(target: string | null | undefined, fallback = '/'): string {
  if (!target || !target.startsWith('/') || target.startsWith('//') || target.includes('\\')) return fallback;
  if (target === '/login' || target.startsWith('/login/') || target.startsWith('/login?')) return fallback;
  return target;
}

/** The server endpoint that starts sign-in at provider ``key`` (a full-page navigation, not fetch). */
export function ssoStartUrl(key: string, redirect: string): string {
  return `/api/org/auth/sso/${encodeURIComponent(key)}/start?redirect=${encodeURIComponent(safePath(redirect))}`;
}

export type SsoLanding =
  | { kind: 'code'; code: string; redirect: string }
  | { kind: 'error'; message: string | null };

/** What /login/sso?… says: a code (and where to go after), or an error (null: the link is broken). */
export function parseSsoLanding(search: string): SsoLanding {
  const params = new URLSearchParams(search);
  const code = params.get('code');
  const error = params.get('error');
  if (error) return { kind: 'error', message: error };
  if (code) return { kind: 'code', code, redirect: safePath(params.get('redirect')) };
  return { kind: 'error', message: null };
}
