/** The identity-provider form ↔ the API: a blank secret keeps the stored one (it is write-only and
 * never comes back), and an edit sends only what changed. */
import type { ProviderCreate, ProviderRead, ProviderUpdate } from '../../api/types';

export type ProviderFormValues = {
  key: string;
  kind: ProviderCreate['kind'];
  name: string;
  issuer: string;
  client_id: string;
  client_secret?: string;
  scopes: string[];
  link_claim: NonNullable<ProviderCreate['link_claim']>;
  jit: boolean;
  enabled: boolean;
  /** DingTalk, WeCom and Feishu only: the directory sync may run for this provider. */
  sync_enabled: boolean;
};

export const DEFAULT_SCOPES = ['openid', 'email', 'profile'];

export function formValuesOf(p?: ProviderRead): ProviderFormValues {
  if (!p) return { key: '', kind: 'oidc', name: '', issuer: '', client_id: '', client_secret: '', scopes: DEFAULT_SCOPES, link_claim: 'email', jit: true, enabled: true, sync_enabled: false };
  return { key: p.key, kind: p.kind as ProviderFormValues['kind'], name: p.name, issuer: p.issuer, client_id: p.client_id, client_secret: '', scopes: p.scopes, link_claim: p.link_claim as ProviderFormValues['link_claim'], jit: p.jit, enabled: p.enabled, sync_enabled: p.sync_enabled };
}

export function createBody(v: ProviderFormValues): ProviderCreate {
  return { key: v.key.trim(), kind: v.kind, name: v.name.trim(), issuer: v.issuer.trim(), client_id: v.client_id.trim(), client_secret: v.client_secret ?? '', agent_id: '', scopes: v.scopes, link_claim: v.link_claim, jit: v.jit, enabled: v.enabled, sync_enabled: v.kind !== 'oidc' && !!v.sync_enabled };
}

export function updateBody(current: ProviderRead, v: ProviderFormValues): ProviderUpdate {
  const body: ProviderUpdate = {};
  if (v.name.trim() !== current.name) body.name = v.name.trim();
  if (v.issuer.trim() !== current.issuer) body.issuer = v.issuer.trim();
  if (v.client_id.trim() !== current.client_id) body.client_id = v.client_id.trim();
  if (v.client_secret) body.client_secret = v.client_secret;
  if (v.scopes.join(' ') !== current.scopes.join(' ')) body.scopes = v.scopes;
  if (v.link_claim !== current.link_claim) body.link_claim = v.link_claim;
  if (v.jit !== current.jit) body.jit = v.jit;
  if (v.enabled !== current.enabled) body.enabled = v.enabled;
  if (current.kind !== 'oidc' && !!v.sync_enabled !== current.sync_enabled) body.sync_enabled = !!v.sync_enabled;
  return body;
}
