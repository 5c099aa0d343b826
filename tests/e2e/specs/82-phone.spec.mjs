// Phones (issue 21): every menu page at 390×844 keeps the screen's width, the menu is a drawer, an approval
// and a task's progress are done on the phone layout, and no demo user is offered a page that answers 403.
// Test names start with "phone" (YUNGUAN_E2E_ONLY=phone).
import { test, expect, shot, dialogButton, stamp, PHONE } from '../support.mjs';

const DEMO_USERS = ['admin', 'gm', 'ops_director', 'market_mgr', 'branch_gm', 'supply_head', 'analyst'];

/** The menu's page links for the signed-in user: read at desk width, where every group is open. */
async function menuPaths(page) {
  const size = page.viewportSize();
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.locator('nav .ant-menu-root a[href]').first().waitFor();
  const paths = await page.locator('nav .ant-menu-root a[href]').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
  await page.setViewportSize(size);
  return [...new Set(paths)];
}

/** Open a page and wait until it has asked for everything it shows. */
async function visit(page, path) {
  await page.goto(path);
  await page.waitForLoadState('networkidle');
}

/** How far the page reaches past the screen's right edge (0 when it keeps the width). */
function overflow(page) {
  return page.evaluate(() => document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth);
}

for (const username of DEMO_USERS) {
  test(`phone: no menu entry of ${username} leads to a 403`, async ({ session }) => {
    const s = await session(username, { ...PHONE, expectFailedRequests: true });
    const { page } = s;
    const paths = await menuPaths(page);
    expect(paths.length).toBeGreaterThan(0);
    const found = [];
    for (const path of paths) {
      s.refused.length = 0;
      await visit(page, path);
      const refused = s.refused.filter((r) => r.startsWith('403 '));
      const page403 = await page.locator('.ant-result-403').count();
      if (refused.length || page403) found.push(`${path}: ${page403 ? 'page 403; ' : ''}${refused.join(', ')}`);
    }
    expect(found, `menu entries of ${username} that answer 403:\n${found.join('\n')}`).toEqual([]);
    s.problems.length = 0;
    await s.close();
  });
}

for (const username of ['admin', 'market_mgr']) {
  test(`phone: every menu page of ${username} keeps the phone's width, and the menu is a drawer`, async ({ session }) => {
    const s = await session(username, { ...PHONE, expectFailedRequests: true });
    const { page } = s;
    const paths = await menuPaths(page);
    // no sider at phone width: the menu is behind the header's button, in a drawer that opens and closes
    expect(await page.locator('.ant-layout-sider').count(), 'a sider is shown at 390 px').toBe(0);
    const toggle = page.getByTestId('menu-drawer-toggle');
    await toggle.click();
    const drawer = page.locator('.yg-menu-drawer .ant-drawer-content');
    await drawer.getByRole('navigation').waitFor();
    await page.waitForFunction(() => !document.querySelector('.yg-menu-drawer .ant-drawer-content-wrapper')?.className.match(/-(appear|enter)-/));
    await shot(page, `82-phone-drawer-${username}`);
    await drawer.getByRole('button', { name: /Close|关闭/ }).click();
    await drawer.waitFor({ state: 'hidden' });
    // a page chosen in the drawer opens and closes the drawer
    await toggle.click();
    await drawer.getByRole('menuitem', { name: /我的待办/ }).first().waitFor();
    const group = drawer.locator('.ant-menu-submenu-title').first();
    await group.click();
    const link = drawer.locator('.ant-menu-sub a[href]').first();
    const href = await link.getAttribute('href');
    await link.click();
    await page.waitForURL((url) => url.pathname === href);
    await drawer.waitFor({ state: 'hidden' });

    const wide = [];
    for (const path of paths) {
      await visit(page, path);
      const past = await overflow(page);
      if (past > 0) wide.push(`${path}: ${past} px past the screen`);
    }
    expect(wide, `pages of ${username} wider than the phone:\n${wide.join('\n')}`).toEqual([]);
    s.problems.length = 0;
    await s.close();
  });
}

// a monthly plan of 市场策划组 (one per unit and period may be in approval: the month follows the run's stamp)
const MONTH = `2028-${String((Number(stamp) % 12) + 1).padStart(2, '0')}`;
const PLAN = `市场策划组${MONTH}月度计划（手机审批 ${stamp}）`;

test('phone: ops_director approves a plan on the phone, with thumb-sized full-width buttons', async ({ session }) => {
  // drafted and submitted with market_mgr's own token: the editor is another test's subject
  const mgr = await session('market_mgr');
  const planId = await mgr.page.evaluate(async ({ title, month }) => {
    const token = sessionStorage.getItem('yunguan.access');
    const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    const units = await (await fetch('/api/org/units?limit=500', { headers })).json();
    const team = units.items.find((u) => u.code === 'MKT-PLN');
    const plan = await (await fetch('/api/planning/plans', { method: 'POST', headers, body: JSON.stringify({
      unit_id: team.id, period: month, title, targets: [{ indicator_code: 'customer_satisfaction', value: 92, unit: '%' }] }) })).json();
    const submitted = await fetch(`/api/planning/plans/${plan.id}/submit`, {
      method: 'POST', headers: { ...headers, 'If-Match': `"plan-${plan.id}-v${plan.version}"` }, body: JSON.stringify({ comment: '请审核' }) });
    return submitted.status === 200 ? plan.id : `submit answered ${submitted.status}: ${await submitted.text()}`;
  }, { title: PLAN, month: MONTH });
  expect(typeof planId, `the plan was not drafted and submitted: ${planId}`).toBe('number');
  await mgr.close();

  const s = await session('ops_director', PHONE);
  const { page } = s;
  await page.goto(`/plans/${planId}`);
  const title = page.getByTestId('plan-title');
  await title.getByText(PLAN).waitFor();
  // the title has the line to itself: not one character per line beside the buttons
  const box = await title.boundingBox();
  expect(box.width, `the plan's title is ${box.width} px wide`).toBeGreaterThan(300);
  const approve = page.locator('[data-action="approve"]');
  const button = await approve.boundingBox();
  expect(button.height, 'the approve button is not thumb-sized').toBeGreaterThanOrEqual(44);
  expect(button.width, 'the approve button is not full width').toBeGreaterThan(300);
  expect(await overflow(page)).toBeLessThanOrEqual(0);
  await shot(page, '82-phone-plan-approve');
  await approve.click();
  await page.getByRole('dialog').getByLabel(/意见/).fill('同意，报公司高层审批。');
  await (await dialogButton(page, /批\s*准/)).click();
  await page.getByText(/已批准/).first().waitFor();
  expect(await overflow(page)).toBeLessThanOrEqual(0);
  await shot(page, '82-phone-plan-approved');
  await s.close();
});

test('phone: supply_head reports a task\'s progress on the phone', async ({ session }) => {
  const TASK = '供应商评估与备选供应商建立';
  const s = await session('supply_head', PHONE);
  const { page } = s;
  await page.goto('/plans/tasks');
  const row = page.locator('tr').filter({ hasText: TASK }).first();
  await row.waitFor();
  expect(await overflow(page), 'the task list is wider than the phone').toBeLessThanOrEqual(0);
  await shot(page, '82-phone-tasks');
  await row.getByRole('button', { name: '报进度' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('完成百分比').fill('55');
  await dialog.getByLabel('进展说明').fill('已完成两家主要气源供应商的季度评估');
  await shot(page, '82-phone-task-progress-dialog');
  await (await dialogButton(page, /提交进度/)).click();
  await page.getByText('进度已更新').waitFor();
  await page.locator('tr').filter({ hasText: TASK }).first().getByText('55%').waitFor();
  await s.close();
});
