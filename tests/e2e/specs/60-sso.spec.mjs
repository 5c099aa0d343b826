// Single sign-on in Chromium: the company's OpenID Connect provider (npm oidc-provider, run by node from
// tests/oidc, started by this spec on a free loopback port) signs 张市场部经理 in, and the provider's logout
// signs her out; the sign-in page at desktop and 390 px, with and without require-SSO; the 身份源 admin page.
// Test names start with "sso" (YUNGUAN_E2E_ONLY=sso).
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, expect, shot, stamp } from '../support.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const PROVIDER = resolve(here, '..', '..', 'oidc', 'provider.mjs');
const CLIENT_ID = 'yunguan-e2e';
const CLIENT_SECRET = 'e2e-client-secret-0123456789-abcdefghijkl';
const NAME = '集团统一身份认证';
const KEY = `e2e${stamp}`;
const PASSWORD = 'Demo@2026';

let idp;
let providerRow;

function freePort() {
  return new Promise((done, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => done(port)); });
  });
}

async function api(path, { method = 'GET', token, json, form, headers = {} } = {}) {
  const base = process.env.YUNGUAN_E2E_BASE_URL;
  const h = { Accept: 'application/json', ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  let body;
  if (json !== undefined) { h['Content-Type'] = 'application/json'; body = JSON.stringify(json); }
  if (form !== undefined) { h['Content-Type'] = 'application/x-www-form-urlencoded'; body = new URLSearchParams(form).toString(); }
  const res = await fetch(`${base}${path}`, { method, headers: h, body });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function adminToken() {
  const r = await api('/api/org/auth/token', { method: 'POST', form: { grant_type: 'password', username: 'admin', password: PASSWORD } });
  expect(r.status).toBe(200);
  return r.body.access_token;
}

async function setRequireSso(value) {
  const r = await api('/api/org/company-settings/require-sso', { method: 'PUT', token: await adminToken(), json: { require_sso: value } });
  expect(r.status).toBe(200);
}

test.beforeAll(async () => {
  const base = process.env.YUNGUAN_E2E_BASE_URL;
  const dir = mkdtempSync(join(tmpdir(), 'yunguan-e2e-idp-'));
  const accounts = join(dir, 'accounts.json');
  writeFileSync(accounts, JSON.stringify([{ sub: 'e2e-zhang', email: 'market_mgr@hdgas.example', name: '张市场部经理', enabled: true }]));
  const config = join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({
    port: await freePort(), client_id: CLIENT_ID, client_secret: CLIENT_SECRET,
    redirect_uris: [`${base}/api/org/auth/sso/${KEY}/callback`], post_logout_redirect_uris: [`${base}/login`],
    accounts_file: accounts,
  }));
  const proc = spawn(process.execPath, [PROVIDER, config], { stdio: ['ignore', 'pipe', 'ignore'] });
  const issuer = await new Promise((done, fail) => {
    let buf = '';
    const timer = setTimeout(() => fail(new Error('the OIDC provider did not start within 20 s (npm ci --prefix tests/oidc?)')), 20_000);
    proc.stdout.on('data', (chunk) => {
      buf += chunk.toString();
      const m = /ready (\S+)/.exec(buf);
      if (m) { clearTimeout(timer); done(m[1]); }
    });
    proc.once('exit', (code) => { clearTimeout(timer); fail(new Error(`the OIDC provider exited with ${code}`)); });
  });
  idp = proc;
  const r = await api('/api/org/identity-providers', { method: 'POST', token: await adminToken(), json: {
    key: KEY, kind: 'oidc', name: NAME, issuer, client_id: CLIENT_ID, client_secret: CLIENT_SECRET,
    scopes: ['openid', 'email', 'profile'], link_claim: 'email', jit: true,
  } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  providerRow = r.body;
});

test.afterAll(async () => {
  // later specs (and a reused stack) see the sign-in page as before
  if (providerRow) {
    await setRequireSso(false);
    await api(`/api/org/identity-providers/${providerRow.id}`, { method: 'DELETE', token: await adminToken() });
  }
  idp?.kill('SIGTERM');
});

test('sso: 张市场部经理 signs in through the company provider and out again', async ({ session }) => {
  // the provider's own pages ask for a web font that is not reachable here: a failed load, not an error of ours
  const { page, close } = await session(undefined, { expectFailedRequests: true });
  await page.goto('/login');
  const button = page.getByRole('link', { name: `使用「${NAME}」登录` });
  await button.waitFor();
  await shot(page, '90-sso-sign-in-page');
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(page, '91-sso-sign-in-page-390');
  await page.setViewportSize({ width: 1366, height: 768 });

  await button.click();
  // the provider's login form (its dev interactions), then its consent page
  await page.locator('input[name="login"]').fill('e2e-zhang');
  await page.locator('input[name="password"]').fill('any');
  await page.locator('button[type="submit"]').click();
  await page.getByRole('button', { name: 'Continue' }).click();
  // back through org's callback and the SPA's /login/sso, onto the page the sign-in started from
  await page.waitForURL(/\/inbox$/);
  await page.getByText(/我的待办/).first().waitFor();
  await expect(page.getByTestId('user-menu')).toContainText('张市场部经理');
  expect(await page.evaluate(() => sessionStorage.getItem('yunguan.refresh'))).toBeTruthy();

  // signing out ends the provider's session too (RP-initiated logout), then back to the sign-in page
  await page.getByTestId('user-menu').click();
  await page.getByText('退出登录').click();
  await page.getByRole('button', { name: 'Yes, sign me out' }).click();
  await page.waitForURL(/\/login$/);
  await button.waitFor();
  expect(await page.evaluate(() => sessionStorage.getItem('yunguan.refresh'))).toBeNull();
  await close();
});

test('sso: with SSO required the sign-in page offers the provider, and a password only to administrators', async ({ session }) => {
  await setRequireSso(true);
  try {
    const { page, close } = await session(undefined, { expectFailedRequests: true });
    await page.goto('/login');
    await page.getByRole('link', { name: `使用「${NAME}」登录` }).waitFor();
    await expect(page.getByLabel('用户名')).toHaveCount(0);
    await shot(page, '92-sso-required');
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, '93-sso-required-390');
    await page.setViewportSize({ width: 1366, height: 768 });
    // the break-glass way in: the password form, refused for anyone but an administrator
    await page.getByRole('button', { name: '管理员使用密码登录' }).click();
    await page.getByLabel('用户名').fill('market_mgr');
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: /^登\s*录$/ }).click();
    await page.getByRole('alert').getByText(/本公司要求通过单点登录/).waitFor();
    await page.getByLabel('用户名').fill('admin');
    await page.getByRole('button', { name: /^登\s*录$/ }).click();
    await page.waitForURL(/\/cockpit$/); // an administrator views the whole company: the cockpit is their landing
    await close();
  } finally {
    await setRequireSso(false);
  }
});

test('sso: the 身份源 page lists the provider without its secret and edits it', async ({ session }) => {
  const { page, close } = await session('admin');
  await page.goto('/admin/identity');
  const row = page.locator('.ant-table-row').filter({ hasText: NAME });
  await row.waitFor();
  await expect(row).toContainText('已设置');
  await expect(page.locator('body')).not.toContainText(CLIENT_SECRET);
  await expect(page.locator('nav .ant-menu-root')).toContainText('身份源');
  await shot(page, '94-sso-admin-identity');
  await row.getByRole('button', { name: /编\s*辑/ }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByLabel('客户端密钥')).toHaveValue('');
  await dialog.getByLabel('显示名称').fill(`${NAME}（测试）`);
  await dialog.getByRole('button', { name: /确\s*定|OK/ }).click();
  await page.locator('.ant-table-row').filter({ hasText: `${NAME}（测试）` }).waitFor();
  await shot(page, '95-sso-admin-identity-edited');
  // put the name back for the sign-in tests of a reused stack
  await page.locator('.ant-table-row').filter({ hasText: `${NAME}（测试）` }).getByRole('button', { name: /编\s*辑/ }).click();
  await page.getByRole('dialog').getByLabel('显示名称').fill(NAME);
  await page.getByRole('dialog').getByRole('button', { name: /确\s*定|OK/ }).click();
  await page.locator('.ant-table-row').filter({ hasText: NAME }).first().waitFor();
  await close();
});
