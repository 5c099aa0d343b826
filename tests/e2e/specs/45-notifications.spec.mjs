// Notifications: a plan market_mgr submits for 市场部 waits on the 运营总监 (ops_director), whose bell
// counts it, whose 通知中心 lists "待您审批" and opens the plan; the same on a phone (390×844) with nothing
// wider than the screen. Test names start with "notifications" (YUNGUAN_E2E_ONLY=notifications).
import { test, expect, shot, dialogButton, stamp, remember, recall } from '../support.mjs';

const TITLE = `市场部2027年第四季度计划（通知测试 ${stamp}）`;

/** How many unread notices the server has for the signed-in person. */
async function serverUnread(page) {
  return page.evaluate(async () => {
    const token = sessionStorage.getItem('yunguan.access');
    const res = await fetch('/api/org/me/notifications?unread=true&limit=1', { headers: { Authorization: `Bearer ${token}` } });
    return (await res.json()).unread;
  });
}

/** The page is no wider than the window (nothing to scroll sideways). */
async function noSidewaysScroll(page, where) {
  const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  expect(scroll, `${where} is ${scroll} px wide in a ${client} px window`).toBeLessThanOrEqual(client);
}

test('notifications: market_mgr submits a plan of 市场部, which waits on the 运营总监', async ({ session }) => {
  // drafted and submitted through the API with market_mgr's own token, as the inbox spec does: the
  // editor is another test's subject
  const mgr = await session('market_mgr');
  const planId = await mgr.page.evaluate(async (title) => {
    const token = sessionStorage.getItem('yunguan.access');
    const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    const units = await (await fetch('/api/org/units?limit=500', { headers })).json();
    const mkt = units.items.find((u) => u.code === 'MKT');
    const created = await fetch('/api/planning/plans', { method: 'POST', headers, body: JSON.stringify({
      unit_id: mkt.id, period: '2027-Q4', title, targets: [{ indicator_code: 'sales', value: 3200, unit: '万元' }] }) });
    if (created.status !== 201 && created.status !== 200) return `drafting answered ${created.status}: ${await created.text()}`;
    const plan = await created.json();
    const submitted = await fetch(`/api/planning/plans/${plan.id}/submit`, {
      method: 'POST', headers: { ...headers, 'If-Match': `"plan-${plan.id}-v${plan.version}"` }, body: JSON.stringify({ comment: '请审批' }) });
    return submitted.status === 200 ? plan.id : `submit answered ${submitted.status}: ${await submitted.text()}`;
  }, TITLE);
  expect(typeof planId, `the plan was not drafted and submitted: ${planId}`).toBe('number');
  remember('notificationsPlanId', planId);
  await mgr.close();
});

test('notifications: the 运营总监\'s bell counts the plan, and 通知中心 lists 待您审批 and opens it', async ({ session }) => {
  const planId = recall('notificationsPlanId');
  expect(planId, 'needs the plan of the previous test').toBeTruthy();
  const s = await session('ops_director');
  const { page } = s;
  // the notification travels planning's outbox → org's events endpoint: wait for it (a deadline, not a sleep)
  await expect.poll(async () => page.evaluate(async (id) => {
    const token = sessionStorage.getItem('yunguan.access');
    const res = await fetch('/api/org/me/notifications?unread=true&limit=50', { headers: { Authorization: `Bearer ${token}` } });
    return res.ok ? (await res.json()).items.filter((n) => n.link === `/plans/${id}`).map((n) => n.title) : [`HTTP ${res.status}`];
  }, planId), { message: 'the approver got no notification of the submitted plan', timeout: 30_000 })
    .toContainEqual(expect.stringContaining(TITLE));

  // the bell asks every 30 s and when the window gets the focus back; a fresh page asks at once
  await page.reload();
  const bell = page.getByTestId('notification-bell');
  await expect(bell).toHaveAttribute('aria-label', /^通知，[1-9]\d* 条未读$/);
  const count = Number((await bell.getAttribute('aria-label')).match(/(\d+) 条未读/)[1]);
  expect(count, 'the bell counts the waiting plan').toBeGreaterThanOrEqual(1);
  await expect(page.getByRole('button', { name: /^通知，\d+ 条未读$/ })).toBeVisible();

  await bell.click();
  const dropdown = page.locator('.ant-dropdown:visible');
  await dropdown.getByTestId('bell-item').filter({ hasText: TITLE }).waitFor();
  await shot(page, '70-notifications-bell');
  await dropdown.getByTestId('bell-view-all').click();
  await page.waitForURL(/\/notifications$/);

  const item = page.getByTestId('notification-item').filter({ hasText: TITLE });
  await item.getByText(/^待您审批：市场部《/).waitFor();
  await expect(item).toHaveAttribute('data-unread', 'true');
  await expect(item.getByLabel('未读')).toBeVisible();
  await item.getByText(/刚刚|分钟前/).waitFor();
  // the centre counts the unread ones (not necessarily `count`: other specs' notices may still be arriving)
  await expect(page.getByTestId('notifications-unread')).toHaveText(/^[1-9]\d* 条未读$/);
  await shot(page, '71-notifications-centre');

  await item.getByRole('link', { name: /待您审批/ }).click();
  await page.waitForURL(new RegExp(`/plans/${planId}$`));
  await page.getByTestId('plan-title').getByText(TITLE).waitFor();
  // opened is read: the bell counts what the server now counts, and the centre shows it without the dot
  await expect.poll(async () => {
    const n = await serverUnread(page);
    return (await bell.getAttribute('aria-label')) === (n > 0 ? `通知，${n} 条未读` : '通知') ? 'agrees' : `server ${n}`;
  }, { message: 'the bell counts the unread notices once the plan is opened', timeout: 45_000 }).toBe('agrees');
  await page.goto('/notifications');
  await expect(page.getByTestId('notification-item').filter({ hasText: TITLE })).toHaveAttribute('data-unread', 'false');
  await page.getByRole('group', { name: '筛选' }).getByText('未读', { exact: true }).click();
  await expect(page.getByTestId('notification-item').filter({ hasText: TITLE })).toHaveCount(0);
  await s.close();
});

test('notifications: on a phone (390×844) the bell opens its list inside the screen and the centre opens the plan', async ({ session }) => {
  const planId = recall('notificationsPlanId');
  expect(planId, 'needs the plan of the first test').toBeTruthy();
  const s = await session('ops_director');
  const { page } = s;
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/inbox');
  const bell = page.getByTestId('notification-bell');
  await expect(bell).toHaveAttribute('aria-label', /^通知(，\d+ 条未读)?$/);
  await noSidewaysScroll(page, '我的待办');
  await bell.click();
  const dropdown = page.locator('.ant-dropdown:visible');
  await dropdown.getByTestId('bell-view-all').waitFor();
  // once it has slid into place (it opens with a motion and is aligned to the screen as it goes)
  await expect.poll(async () => {
    const box = await dropdown.boundingBox();
    return box && box.x >= 0 && box.x + box.width <= 390 ? 'inside' : `from ${box?.x} to ${box && box.x + box.width}`;
  }, { message: 'the bell\'s list lies inside the 390 px screen' }).toBe('inside');
  await shot(page, '72-notifications-bell-phone');
  await dropdown.getByTestId('bell-view-all').click();
  await page.waitForURL(/\/notifications$/);
  const item = page.getByTestId('notification-item').filter({ hasText: TITLE });
  await item.getByText(/^待您审批：市场部《/).waitFor();
  await noSidewaysScroll(page, '通知中心');
  await shot(page, '73-notifications-centre-phone');
  await item.getByRole('link', { name: /待您审批/ }).click();
  await page.waitForURL(new RegExp(`/plans/${planId}$`));
  await page.getByTestId('plan-title').getByText(TITLE).waitFor();
  await s.close();
});

test('notifications: market_mgr 催办 the waiting plan once a day, and the 运营总监 is told', async ({ session }) => {
  const planId = recall('notificationsPlanId');
  expect(planId, 'needs the plan of the first test').toBeTruthy();
  const mgr = await session('market_mgr');
  await mgr.page.goto(`/plans/${planId}`);
  const urge = mgr.page.locator('[data-action="urge"]');
  await expect(urge).toHaveAttribute('aria-description', /^等待 李运营总监 审批/);
  await urge.click();
  await mgr.page.getByRole('dialog').getByLabel('附言（可选）').fill('项目下周启动，请尽快审批');
  await (await dialogButton(mgr.page, /催\s*办/)).click();
  await mgr.page.getByText(/已催办，已通知 1 人/).waitFor();
  // once a day: the button stays, disabled, and says so
  await expect(mgr.page.locator('[data-action="urge"]')).toBeDisabled();
  await expect(mgr.page.locator('[data-action="urge"]')).toHaveText(/今日已催办/);
  await shot(mgr.page, '74-notifications-urged');
  await mgr.close();

  const ops = await session('ops_director');
  await ops.page.goto('/notifications');
  const item = ops.page.getByTestId('notification-item').filter({ hasText: '催办：' }).filter({ hasText: TITLE });
  await item.getByText('项目下周启动，请尽快审批', { exact: false }).waitFor();
  await expect(item).toHaveAttribute('data-unread', 'true');
  await ops.close();
});
