// What every browser spec uses: `test` with a `session` fixture (a signed-in browser context per
// user), Playwright's `expect`, and the helpers the old runner handed to its specs (shot, menuTexts,
// dialogButton, popconfirmButton), plus `stamp` and `remember`/`recall` for the values one test
// leaves to the next (the specs share one stack and its data, and run in order on one worker).
//
// @playwright/test is installed in frontend/node_modules, which a module under tests/ cannot reach
// by a bare import: it is required from there, so the runner and the specs share one copy.
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const frontend = resolve(here, '..', '..', 'frontend');
const require = createRequire(join(frontend, 'package.json'));
const { test: base, expect } = require('@playwright/test');
const { AxeBuilder } = require('@axe-core/playwright');

export { expect };

/** A phone (390×844, the width of most phones in CSS pixels) for `session(user, PHONE)`. */
export const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true };

/** Where `shot` writes, as before: frontend/build/e2e/. */
export const SHOTS = join(frontend, 'build', 'e2e');
/** The values tests leave to later ones; reset by the global setup at the start of every run. */
export const STATE_FILE = join(frontend, 'build', 'e2e-state.json');
const PASSWORD = 'Demo@2026';

/** One number per run (set by the global setup), so titles made by this run are its own. */
export const stamp = process.env.YUNGUAN_E2E_STAMP ?? String(Date.now() % 100000);

// Playwright starts a new worker after a failed test, which loads the spec module again: a value kept
// in a module variable would be lost for the tests after the failure, so it is kept in a file.
/** Keep a value (a URL, an id) for the tests that come after this one. */
export function remember(key, value) {
  const state = readState();
  state[key] = value;
  mkdirSync(dirname(STATE_FILE), { recursive: true });
  writeFileSync(STATE_FILE, JSON.stringify(state, null, 2));
}

/** A value an earlier test of this run kept, or undefined. */
export function recall(key) {
  return readState()[key];
}

function readState() {
  try {
    return JSON.parse(readFileSync(STATE_FILE, 'utf8'));
  } catch {
    return {};
  }
}

export const test = base.extend({
  /**
   * `await session(username, { expectFailedRequests, viewport, isMobile })`: a fresh context per user at 1366×768
   * (or the viewport given; PHONE below is a phone in DingTalk's or WeCom's in-app browser),
   * signed in (anonymous without a name); console errors and page errors fail the test at `close()`.
   * After a failed test, the sessions still open print the errors and the API answers of 400 and
   * above their page received, and leave a screenshot FAILED-<test>.png beside the others.
   */
  session: async ({ browser, baseURL }, use, testInfo) => {
    const open = new Set();

    async function session(username, { expectFailedRequests = false, viewport = { width: 1366, height: 768 }, isMobile = false } = {}) {
      const context = await browser.newContext({ viewport, isMobile, hasTouch: isMobile, locale: 'zh-CN', baseURL });
      const page = await context.newPage();
      const problems = [];
      page.on('console', (msg) => {
        // a request the test makes fail on purpose (a wrong password) is logged by Chromium itself
        if (msg.type() !== 'error') return;
        const failedLoad = msg.text().startsWith('Failed to load resource');
        // My work falls back to the planning lists while the gateway answers 404 for /api/me/inbox
        if (failedLoad && (expectFailedRequests || /\/api\/me\/inbox$/.test(msg.location().url ?? ''))) return;
        problems.push(`console: ${msg.text()} ${msg.location().url ?? ''} (on ${page.url()})`);
      });
      page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
      const refused = [];
      page.on('response', (res) => {
        if (res.status() >= 400 && res.url().includes('/api/')) refused.push(`${res.status()} ${res.request().method()} ${res.url()}`);
      });
      page.setDefaultTimeout(15_000);
      const s = { username, context, problems, refused };
      open.add(s);
      if (username) await signIn(page, username);
      return {
        page,
        context,
        problems,
        refused,
        close: async () => {
          open.delete(s);
          await context.close();
          expect(problems, `browser errors for ${username ?? 'anonymous'}:\n${problems.join('\n')}`).toEqual([]);
        },
      };
    }

    await use(session);

    if (testInfo.status !== testInfo.expectedStatus) {
      const name = `FAILED-${testInfo.title.slice(0, 40).replace(/\W+/g, '-')}`;
      for (const s of open) {
        const seen = [...s.problems, ...s.refused.map((r) => `answer: ${r}`)];
        if (seen.length) console.log(`browser of ${s.username ?? 'anonymous'}:\n  ${seen.join('\n  ')}`);
        for (const p of s.context.pages()) {
          const path = join(SHOTS, `${name}.png`);
          if (await p.screenshot({ path }).then(() => true, () => false)) await testInfo.attach(name, { path, contentType: 'image/png' });
        }
      }
    }
    for (const s of open) await s.context.close().catch(() => {});
  },
});

async function signIn(page, username) {
  await page.goto('/login');
  await page.getByLabel(/用户名|Username/).fill(username);
  await page.getByLabel(/密码|Password/).fill(PASSWORD);
  // exact: the sign-in page may also offer 使用「…」登录 buttons (single sign-on)
  await page.getByRole('button', { name: /^(登\s*录|Sign in)$/ }).click();
  // leadership (view over the company) land on the cockpit, everyone else on their inbox
  await page.waitForURL(/\/(inbox|cockpit)$/);
  await page.getByText(/我的待办|My work|经营驾驶舱|Operations cockpit/).first().waitFor();
}

/** The open dialog's button, once antd has finished moving every dialog: on a busy machine a click
 *  sent during the zoom-in can land where the button was a frame earlier, and is lost; and while
 *  the last dialog is still fading out, its buttons are a second match. Only the dialogs and their
 *  masks count: motions inside them (a button's loading icon) can stay unfinished for good. */
export async function dialogButton(page, name) {
  await page.waitForFunction(() => ![...document.querySelectorAll('.ant-modal-root .ant-modal-mask, .ant-modal-root .ant-modal')]
    .some((el) => /-(appear|enter|leave)-/.test(el.className)));
  return page.getByRole('dialog').getByRole('button', { name });
}

/** The open confirmation popover's button, once it has finished popping up (the same lost click). */
export async function popconfirmButton(page, name) {
  await page.waitForFunction(() => ![...document.querySelectorAll('.ant-popover')].some((el) => /-(appear|enter|leave)-/.test(el.className)));
  return page.locator('.ant-popconfirm:visible').getByRole('button', { name });
}

/** A plan drafted through the API with the signed-in user's own token (when the editor is another spec's
 *  subject): `unitCode`'s plan for `period` with one `target`; its id. */
export async function draftPlan(page, { unitCode, period, title, target }) {
  const planId = await page.evaluate(async ({ unitCode, period, title, target }) => {
    const token = sessionStorage.getItem('yunguan.access');
    const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    const units = await (await fetch('/api/org/units?limit=500', { headers })).json();
    const unit = units.items.find((u) => u.code === unitCode);
    const r = await fetch('/api/planning/plans', { method: 'POST', headers, body: JSON.stringify({
      unit_id: unit.id, period, title, targets: [target] }) });
    return r.status === 201 ? (await r.json()).id : `create answered ${r.status}: ${await r.text()}`;
  }, { unitCode, period, title, target });
  expect(typeof planId, `the plan was not drafted: ${planId}`).toBe('number');
  return planId;
}

/** A screenshot under frontend/build/e2e/<name>.png, once the page has settled. */
export async function shot(page, name) {
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

/** The side menu's text. */
export async function menuTexts(page) {
  return page.locator('nav .ant-menu-root').innerText();
}

/** axe's serious and critical violations on the page as it is, one line each. */
export async function seriousViolations(page) {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')} (${n.any[0]?.message ?? ''})`).join(' | ')}`);
}
