import { describe, expect, it } from 'vitest';
import type { ProviderRead } from '../../api/types';
import { createBody, formValuesOf, updateBody } from './identityForm';

const stored: ProviderRead = {
  id: 3, key: 'corp', kind: 'oidc', name: '集团统一身份认证', enabled: true, issuer: 'https://sso.example', client_id: 'yunguan',
  has_secret: true, agent_id: '', scopes: ['openid', 'email'], link_claim: 'email', jit: true, sync_enabled: false, config: {}, version: 2,
};

describe('identity provider form', () => {
  it('never shows the stored secret and keeps it when the field stays blank', () => {
    const values = formValuesOf(stored);
    expect(values.client_secret).toBe('');
    expect(updateBody(stored, values)).toEqual({});
  });

  it('sends only what changed, and a new secret when one is typed', () => {
    const values = { ...formValuesOf(stored), name: ' 集团 SSO ', client_secret: 'new-secret', jit: false };
    expect(updateBody(stored, values)).toEqual({ name: '集团 SSO', client_secret: 'new-secret', jit: false });
  });

  it('creates with trimmed fields and the default scopes', () => {
    const body = createBody({ ...formValuesOf(), key: ' corp ', name: '集团', issuer: 'https://sso.example/ ', client_id: 'y' });
    expect(body).toMatchObject({ key: 'corp', issuer: 'https://sso.example/', scopes: ['openid', 'email', 'profile'], jit: true });
  });

  it('turns directory sync on for a DingTalk provider, never for OpenID Connect', () => {
    const dingtalk: ProviderRead = { ...stored, kind: 'dingtalk', issuer: '' };
    expect(updateBody(dingtalk, { ...formValuesOf(dingtalk), sync_enabled: true })).toEqual({ sync_enabled: true });
    expect(updateBody(stored, { ...formValuesOf(stored), sync_enabled: true })).toEqual({});
    expect(createBody({ ...formValuesOf(), kind: 'oidc', key: 'c', name: 'c', client_id: 'y', sync_enabled: true }).sync_enabled).toBe(false);
    expect(createBody({ ...formValuesOf(), kind: 'wecom', key: 'w', name: 'w', client_id: 'y', sync_enabled: true }).sync_enabled).toBe(true);
  });
});
