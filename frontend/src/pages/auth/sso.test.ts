import { describe, expect, it } from 'vitest';
import { parseSsoLanding, safePath, ssoStartUrl } from './sso';

describe('single sign-on in the SPA', () => {
  it('lands on same-site paths only', () => {
    expect(safePath('/plans/7?tab=tasks')).toBe('/plans/7?tab=tasks');
    expect(safePath('https://evil.example/')).toBe('/');
    expect(safePath('//evil.example/x')).toBe('/');
    expect(safePath('/\\evil.example')).toBe('/');
    expect(safePath('/login/sso?code=x')).toBe('/');
    expect(safePath(null)).toBe('/');
  });

  it('starts at the server with the provider key and a safe redirect', () => {
    expect(ssoStartUrl('corp', '/kpi')).toBe('/api/org/auth/sso/corp/start?redirect=%2Fkpi');
    expect(ssoStartUrl('corp', 'https://evil.example')).toBe('/api/org/auth/sso/corp/start?redirect=%2F');
  });

  it('reads a code with its redirect, or the reason in Chinese', () => {
    expect(parseSsoLanding('?code=abc&redirect=%2Fplans')).toEqual({ kind: 'code', code: 'abc', redirect: '/plans' });
    expect(parseSsoLanding('?code=abc&redirect=https%3A%2F%2Fevil.example')).toEqual({ kind: 'code', code: 'abc', redirect: '/' });
    expect(parseSsoLanding('?error=%E7%99%BB%E5%BD%95%E8%AF%B7%E6%B1%82%E5%B7%B2%E5%A4%B1%E6%95%88')).toEqual({ kind: 'error', message: '登录请求已失效' });
    expect(parseSsoLanding('')).toEqual({ kind: 'error', message: null });
  });
});
