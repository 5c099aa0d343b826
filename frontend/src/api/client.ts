/** The one HTTP client: same origin, bearer token, one serialised refresh on 401,
 * Problem Details → ApiError, ETag remembered from reads and sent back as If-Match. */
import { ApiError, toApiError } from './errors';
import { clearTokens, getAccessToken, getRefreshToken, setTokens } from './tokens';
import type { TokenResponse } from './types';

export type Query = Record<string, string | number | boolean | null | undefined>;

export type RequestOptions = {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: Query;
  json?: unknown;
  form?: Record<string, string>;
  /** A multipart body (file uploads); the browser sets the boundary. */
  multipart?: FormData;
  /** Send If-Match with the ETag last seen for this resource path (defaults to the request path). */
  ifMatch?: boolean | string;
  /** Send this ETag as If-Match (a version the page showed, e.g. a list row's). */
  etag?: string;
  signal?: AbortSignal;
  /** Do not try a refresh on 401 (sign-in itself). */
  noAuth?: boolean;
};

const etags = new Map<string, string>();

let language = 'zh-CN';
/** The language the server is asked to answer in (Accept-Language): the SPA's current locale, so
 * a refusal's detail reads in the user's language. */
export function setRequestLanguage(locale: string): void {
  language = locale;
}
export function requestLanguage(): string {
  return language;
}

export function rememberedEtag(path: string): string | undefined {
  return etags.get(path);
}

export function buildUrl(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined || v === null || v === '') continue;
    params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

let unauthorizedHandler: (() => void) | null = null;
/** Called when the session cannot be renewed (the app shows the sign-in page). */
export function onUnauthorized(handler: () => void): void {
  unauthorizedHandler = handler;
}

let refreshing: Promise<boolean> | null = null;

/** One refresh at a time: the server rotates refresh tokens and revokes the whole family
 * when one is reused, so two parallel refreshes would sign the user out. */
export function refreshOnce(fetchImpl: typeof fetch = fetch): Promise<boolean> {
  if (refreshing) return refreshing;
  const token = getRefreshToken();
  if (!token) return Promise.resolve(false);
  refreshing = (async () => {
    try {
      const res = await fetchImpl('/api/org/auth/token', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json', 'Accept-Language': language },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token }).toString(),
      });
      if (!res.ok) return false;
      const body = (await res.json()) as TokenResponse;
      setTokens(body.access_token, body.refresh_token);
      return true;
    } catch {
      return false;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

async function send(path: string, opts: RequestOptions, fetchImpl: typeof fetch): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json, application/problem+json', 'Accept-Language': language };
  const token = getAccessToken();
  if (token && !opts.noAuth) headers.Authorization = `Bearer ${token}`;
  let body: BodyInit | undefined;
  if (opts.multipart) {
    body = opts.multipart;
  } else if (opts.form) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(opts.form).toString();
  } else if (opts.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.json);
  }
  if (opts.etag) {
    headers['If-Match'] = opts.etag;
  } else if (opts.ifMatch) {
    const tag = etags.get(typeof opts.ifMatch === 'string' ? opts.ifMatch : path);
    if (tag) headers['If-Match'] = tag;
  }
  return fetchImpl(buildUrl(path, opts.query), { method: opts.method ?? 'GET', headers, body, signal: opts.signal });
}

export async function request<T>(path: string, opts: RequestOptions = {}, fetchImpl: typeof fetch = fetch): Promise<T> {
  let res = await send(path, opts, fetchImpl);
  if (res.status === 401 && !opts.noAuth) {
    if (await refreshOnce(fetchImpl)) {
      res = await send(path, opts, fetchImpl);
    }
    if (res.status === 401) {
      clearTokens();
      unauthorizedHandler?.();
    }
  }
  if (!res.ok) {
    const text = await res.text();
    throw toApiError(res.status, res.statusText, res.headers.get('Content-Type'), text, res.headers.get('Retry-After'));
  }
  const tag = res.headers.get('ETag');
  if (tag) {
    // a write answers the resource it changed: remember its tag under the resource's path
    const resourcePath = typeof opts.ifMatch === 'string' ? opts.ifMatch : path;
    etags.set((opts.method ?? 'GET') === 'GET' ? path : resourcePath, tag);
  }
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('Content-Type') ?? '';
  if (type.includes('json')) return (await res.json()) as T;
  return (await res.text()) as unknown as T;
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) => request<T>(path, { query, signal }),
  post: <T>(path: string, json?: unknown, opts: Omit<RequestOptions, 'json' | 'method'> = {}) =>
    request<T>(path, { ...opts, method: 'POST', json: json ?? {} }),
  put: <T>(path: string, json: unknown, opts: Omit<RequestOptions, 'json' | 'method'> = {}) =>
    request<T>(path, { ...opts, method: 'PUT', json }),
  patch: <T>(path: string, json: unknown, opts: Omit<RequestOptions, 'json' | 'method'> = {}) =>
    request<T>(path, { ifMatch: true, ...opts, method: 'PATCH', json }),
  delete: <T>(path: string, opts: Omit<RequestOptions, 'method'> = {}) => request<T>(path, { ...opts, method: 'DELETE' }),
};

export { ApiError };
