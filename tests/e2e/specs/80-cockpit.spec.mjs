// 经营驾驶舱: the general manager signs in and lands on the cockpit of the whole company (this month: plan
// execution, KPI attainment with its completeness, 整改, budget, risks and alerts, from one call), then a
// tile opens its page with the same unit and period; the same on a phone (390×844). A department manager
// gets the cockpit of their department from the menu and is not offered the company.
// Test names start with "cockpit" (YUNGUAN_E2E_ONLY=cockpit).
import { test, expect, shot, menuTexts } from '../support.mjs';

const month = () => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
};

async function noSidewaysScroll(page, where) {
  const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  expect(scroll, `${where} is ${scroll} px wide in a ${client} px window`).toBeLessThanOrEqual(client);
}

async function cockpitShown(page) {
  await expect(page).toHaveURL(/\/cockpit$/);
  await page.getByRole('heading', { name: '经营驾驶舱' }).waitFor();
  await page.getByTestId('cockpit-scope').waitFor(); // one call, answered by three services
  await expect(page.getByTestId('cockpit-scope')).toHaveText(`华东燃气有限公司 · ${month()}`);
  for (const tile of ['cockpit-kpi', 'cockpit-plans', 'cockpit-approvals', 'cockpit-actions', 'cockpit-budget', 'cockpit-risks', 'cockpit-alerts']) {
    await page.getByTestId(tile).waitFor();
  }
  // every service answered: no "could not be fetched" banner
  expect(await page.getByTestId('cockpit-partial').count()).toBe(0);
  // the demo's month is reported in part, and its annual plans' tasks are running late
  await expect(page.getByTestId('cockpit-kpi')).toContainText(/已报 \d+ \/ 应报 \d+/);
  await expect(page.getByTestId('cockpit-tasks-overdue')).not.toContainText(/^已逾期\s*0$/);
}

test('cockpit: the general manager lands on it and the KPI tile opens the dashboard of the company for the month', async ({ session }) => {
  const s = await session('gm');
  const { page } = s;
  await cockpitShown(page);
  await page.locator('canvas').first().waitFor(); // the charts are drawn
  await shot(page, '80-cockpit-desktop');

  await page.getByTestId('cockpit-kpi-drill').click();
  await expect(page).toHaveURL(new RegExp(`/kpi\\?unit_id=1&period=${month()}$`));
  // the dashboard's period box (the cockpit's own 期间 switch may still be on screen while the page loads)
  await expect(page.getByRole('searchbox', { name: '期间' })).toHaveValue(month());
  await expect(page.locator('.ant-select-selection-item').filter({ hasText: '华东燃气有限公司' }).first()).toBeVisible();

  // back, a quarter, and the risk tile opens the register of the company
  await page.goBack();
  await page.getByText('季度', { exact: true }).click();
  await expect(page).toHaveURL(/period=\d{4}-Q[1-4]/);
  await expect(page.getByTestId('cockpit-scope')).toContainText(/-Q[1-4]$/);
  await page.getByTestId('cockpit-risks-drill').click();
  await expect(page).toHaveURL(/\/risk\?unit_id=1$/);
  await page.locator('.ant-table-row').first().waitFor();
  await s.close();
});

test('cockpit: on a phone the tiles stack and the alerts tile opens the open alerts of the company', async ({ session }) => {
  const s = await session('gm');
  const { page } = s;
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/cockpit');
  await cockpitShown(page);
  await noSidewaysScroll(page, 'the cockpit');
  await shot(page, '81-cockpit-phone');
  await page.getByTestId('cockpit-alerts-drill').click();
  await expect(page).toHaveURL(/\/risk\/alerts\?unit_id=1&status=active$/);
  await page.getByRole('heading', { name: /预警/ }).first().waitFor();
  await s.close();
});

test('cockpit: a department manager opens their department from the menu and cannot pick the company', async ({ session }) => {
  const s = await session('market_mgr');
  const { page } = s;
  await expect(page).toHaveURL(/\/inbox$/); // not leadership: the inbox stays their landing page
  expect(await menuTexts(page)).toContain('驾驶舱');
  await page.locator('nav .ant-menu-root').getByText('驾驶舱', { exact: true }).click();
  await page.getByTestId('cockpit-scope').waitFor(); // one call, answered by three services
  await expect(page.getByTestId('cockpit-scope')).toContainText('市场部 · ');
  await page.getByTestId('cockpit-unit').click();
  await expect(page.locator('.ant-select-tree-treenode-disabled').filter({ hasText: '华东燃气有限公司' })).toHaveCount(1);
  await expect(page.locator('.ant-select-tree-node-content-wrapper').filter({ hasText: '财务部' })).toHaveCount(0);
  await s.close();
});
