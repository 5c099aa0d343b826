import { ApiError, formFieldErrors, toApiError } from './errors';
import { buildUrl, request, setRequestLanguage } from './client';
import { clearTokens, getAccessToken, getRefreshToken, setTokens } from './tokens';

function problem(status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/problem+json', ...headers } });
}
function json(body: unknown, headers: Record<string, string> = {}, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
}

describe('problem → ApiError', () => {
  it('keeps status, title, detail and field errors', () => {
    const err = toApiError(422, 'Unprocessable', 'application/problem+json', JSON.stringify({
      type: 'https://yunguan.dev/problems/validation-error', title: 'Validation error', status: 422,
      detail: 'The period is not valid.', errors: [{ field: 'period', message: 'bad period' }, { field: 'targets.0.value', message: 'must be a number' }],
    }));
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(422);
    expect(err.title).toBe('Validation error');
    expect(err.detail).toBe('The period is not valid.');
    expect(err.errors).toEqual([{ field: 'period', message: 'bad period' }, { field: 'targets.0.value', message: 'must be a number' }]);
  });

  it('maps field errors onto antd form name paths', () => {
    const err = new ApiError({ status: 422, title: 'x', detail: 'y', errors: [
      { field: 'targets.0.value', message: 'a' }, { field: 'targets.0.value', message: 'b' }, { field: 'title', message: 'c' }, { field: '', message: 'ignored' },
    ] });
    expect(formFieldErrors(err)).toEqual([
      { name: ['targets', 0, 'value'], errors: ['a', 'b'] },
      { name: ['title'], errors: ['c'] },
    ]);
  });

  it('reads Retry-After and survives a non-JSON body', () => {
    const err = toApiError(429, 'Too Many Requests', 'text/html', '<html>busy</html>', '30');
    expect(err.retryAfter).toBe(30);
    expect(err.detail).toBe('Too Many Requests');
  });

  it('joins field errors into the detail when the problem has none', () => {
    const err = toApiError(422, '', 'application/json', JSON.stringify({ detail: [{ loc: ['body', 'title'], msg: 'Field required' }] }));
    expect(err.errors).toEqual([{ field: 'title', message: 'Field required' }]);
    expect(err.detail).toBe('title: Field required');
  });
});

describe('request', () => {
  beforeEach(() => clearTokens());

  it('builds query strings without empty values', () => {
    expect(buildUrl('/api/planning/plans', { unit_id: 7, period: '', status: undefined, mine: true })).toBe('/api/planning/plans?unit_id=7&mine=true');
  });

  it('sends the bearer token and throws the problem as ApiError', async () => {
    setTokens('A1', 'R1');
    const seen: RequestInit[] = [];
    const fetchImpl = (async (_url: string, init: RequestInit) => {
      seen.push(init);
      return problem(409, { title: 'Conflict', status: 409, detail: 'Cannot approve a plan that is draft.' });
    }) as unknown as typeof fetch;
    await expect(request('/api/planning/plans/1/approve', { method: 'POST', json: {} }, fetchImpl)).rejects.toMatchObject({
      status: 409, detail: 'Cannot approve a plan that is draft.',
    });
    expect((seen[0].headers as Record<string, string>).Authorization).toBe('Bearer A1');
  });

  it('refreshes once on 401, serialising parallel refreshes, then retries', async () => {
    setTokens('old', 'R1');
    let refreshes = 0;
    const fetchImpl = (async (url: string, init: RequestInit) => {
      if (url === '/api/org/auth/token') {
        refreshes += 1;
        expect(String(init.body)).toContain('grant_type=refresh_token');
        expect(String(init.body)).toContain('refresh_token=R1');
        await new Promise((r) => setTimeout(r, 10));
        return json({ access_token: 'new', refresh_token: 'R2', token_type: 'bearer', expires_in: 900 });
      }
      const auth = (init.headers as Record<string, string>).Authorization;
      return auth === 'Bearer new' ? json({ ok: url }) : problem(401, { title: 'Unauthorized', status: 401, detail: 'expired' });
    }) as unknown as typeof fetch;
    const results = await Promise.all([request('/a', {}, fetchImpl), request('/b', {}, fetchImpl), request('/c', {}, fetchImpl)]);
    expect(results).toEqual([{ ok: '/a' }, { ok: '/b' }, { ok: '/c' }]);
    expect(refreshes).toBe(1);
    expect(getAccessToken()).toBe('new');
    expect(getRefreshToken()).toBe('R2');
  });

  it('signs out when the refresh fails', async () => {
    setTokens('old', 'R1');
    const fetchImpl = (async (url: string) => (url === '/api/org/auth/token'
      ? problem(400, { title: 'Bad request', status: 400, detail: 'invalid_grant' })
      : problem(401, { title: 'Unauthorized', status: 401, detail: 'expired' }))) as unknown as typeof fetch;
    await expect(request('/x', {}, fetchImpl)).rejects.toMatchObject({ status: 401 });
    expect(getAccessToken()).toBeNull();
    expect(getRefreshToken()).toBeNull();
  });

  it('remembers the ETag of a read and sends it as If-Match on a write', async () => {
    setTokens('A', 'R');
    const sent: Record<string, string>[] = [];
    const fetchImpl = (async (_url: string, init: RequestInit) => {
      sent.push(init.headers as Record<string, string>);
      return json({ id: 5 }, { ETag: sent.length === 1 ? '"plan-5-v3"' : '"plan-5-v4"' });
    }) as unknown as typeof fetch;
    await request('/api/planning/plans/5', {}, fetchImpl);
    await request('/api/planning/plans/5/approve', { method: 'POST', json: {}, ifMatch: '/api/planning/plans/5' }, fetchImpl);
    await request('/api/planning/plans/5', { method: 'PATCH', json: {}, ifMatch: true }, fetchImpl);
    expect(sent[0]['If-Match']).toBeUndefined();
    expect(sent[1]['If-Match']).toBe('"plan-5-v3"');
    expect(sent[2]['If-Match']).toBe('"plan-5-v4"');
  });

  it('sends an ETag the page names (a list row\'s version) as If-Match, also after a refresh', async () => {
    setTokens('A', 'R');
    const sent: Record<string, string>[] = [];
    const fetchImpl = (async (url: string, init: RequestInit) => {
      if (url.includes('/auth/')) return json({ access_token: 'B', refresh_token: 'R2', token_type: 'bearer', expires_in: 900 });
      sent.push(init.headers as Record<string, string>);
      return sent.length === 1 ? json({ title: 'expired' }, {}, 401) : json({ id: 7 });
    }) as unknown as typeof fetch;
    await request('/api/kpi/actions/7/progress', { method: 'POST', json: {}, etag: '"action-7-v2"' }, fetchImpl);
    expect(sent.map((h) => h['If-Match'])).toEqual(['"action-7-v2"', '"action-7-v2"']);
  });
});

describe('the language the server answers in', () => {
  it('is asked for with Accept-Language, following the locale the user chose', async () => {
    const seen: string[] = [];
    const fetchImpl = (async (_url: string, init: RequestInit) => {
      seen.push((init.headers as Record<string, string>)['Accept-Language']);
      return json({});
    }) as unknown as typeof fetch;
    setRequestLanguage('zh-CN');
    await request('/api/planning/plans', {}, fetchImpl);
    setRequestLanguage('en-US');
    await request('/api/planning/plans', {}, fetchImpl);
    setRequestLanguage('zh-CN');
    expect(seen).toEqual(['zh-CN', 'en-US']);
  });
});
