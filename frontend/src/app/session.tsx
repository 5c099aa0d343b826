import { createContext, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, onUnauthorized, request } from '../api/client';
import { clearTokens, getAccessToken, getRefreshToken, onTokensChange, setTokens } from '../api/tokens';
import type { LogoutResponse, MeRead, TokenResponse } from '../api/types';
import { accessOf, type Access } from './access';

export async function signIn(username: string, password: string): Promise<void> {
  const body = await request<TokenResponse>('/api/org/auth/token', {
    method: 'POST',
    form: { grant_type: 'password', username, password },
    noAuth: true,
  });
  setTokens(body.access_token, body.refresh_token);
}

/** The SPA's half of the SSO hand-off: the one-time code from /login/sso for the usual tokens. */
export async function exchangeSsoCode(code: string): Promise<void> {
  const body = await request<TokenResponse>('/api/org/auth/token', {
    method: 'POST',
    form: { grant_type: 'urn:yunguan:sso-code', code },
    noAuth: true,
  });
  setTokens(body.access_token, body.refresh_token);
}

/** Sign out here; for a session from an OpenID Connect provider, the URL that signs out there too
 * (RP-initiated logout), which the caller navigates to. */
export async function signOut(): Promise<string | null> {
  const refresh = getRefreshToken();
  try {
    if (!refresh) return null;
    const out = await request<LogoutResponse>('/api/org/auth/logout', { method: 'POST', json: { refresh_token: refresh }, noAuth: true });
    return out.end_session_url ?? null;
  } catch {
    return null;
  } finally {
    clearTokens();
  }
}

type SessionCtx = { me: MeRead | undefined; access: Access; loading: boolean; signedIn: boolean };
const Ctx = createContext<SessionCtx>({ me: undefined, access: accessOf([], false), loading: false, signedIn: false });

export function SessionProvider({ children }: { children: ReactNode }) {
  const [token, setToken] = useState(getAccessToken());
  const qc = useQueryClient();
  useEffect(() => onTokensChange(() => setToken(getAccessToken())), []);
  const signedIn = !!token;
  useEffect(() => onUnauthorized(() => qc.clear()), [qc]);
  // forget what the last user saw when they sign out (not on a first visit signed out: clearing then would
  // also drop the sign-in page's own query, started in the same commit, before it has fetched)
  const wasSignedIn = useRef(signedIn);
  useEffect(() => {
    if (wasSignedIn.current && !signedIn) qc.clear();
    wasSignedIn.current = signedIn;
  }, [signedIn, qc]);
  const me = useQuery({
    queryKey: ['org', 'me', {}],
    queryFn: () => api.get<MeRead>('/api/org/me'),
    enabled: signedIn,
    staleTime: 5 * 60_000,
  });
  const value = useMemo<SessionCtx>(
    () => ({
      me: token ? me.data : undefined,
      access: accessOf(me.data?.grants, !!token && !!me.data),
      loading: !!token && me.isPending,
      signedIn: !!token,
    }),
    [token, me.data, me.isPending],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useSession() {
  return useContext(Ctx);
}
