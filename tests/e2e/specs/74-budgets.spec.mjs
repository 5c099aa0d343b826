// Budgets against actuals: a demo user (市场部经理) opens 预算执行, sees 市场部's budget from its plan against the
// spend finance booked, in 元, and November's over-budget warning with the item highlighted; the chart of
// budget items; the same page on a phone (390×844). Test names start with "budgets" (YUNGUAN_E2E_ONLY=budgets).
import { test, expect, shot, menuTexts } from '../support.mjs';

async function noSidewaysScroll(page, where) {
  const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  expect(scroll, `${where} is ${scroll} px wide in a ${client} px window`).toBeLessThanOrEqual(client);
}

test('budgets: market_mgr sees 市场部 budget vs actual for the year and November over budget', async ({ session }) => {
  const s = await session('market_mgr');
  const { page } = s;
  const menu = await menuTexts(page);
  for (const item of ['预算执行', '支出导入']) expect(menu, `market_mgr should see ${item}; menu: ${menu}`).toContain(item);
  await page.goto('/kpi/budgets?period=2026');
  const table = page.getByTestId('budgets-table');
  // the year: 市场部's annual plan (100 万元 营销费 …), 1,800,000.00 元 in all
  await table.getByText('营销费').waitFor();
  const total = table.locator('.ant-table-row').filter({ hasText: '合计' });
  await expect(total).toContainText('1,800,000.00');
  await page.getByText('预算来自：市场部的运营计划').waitFor();
  await shot(page, '74-budgets-year');

  await page.getByLabel('期间').fill('2026-11');
  await page.getByLabel('期间').press('Enter');
  const warning = page.getByTestId('budgets-over-warning');
  await expect(warning).toContainText('市场部2026-11实际支出已超出预算');
  await expect(warning).toContainText('营销费');
  const marketing = table.locator('.ant-table-row').filter({ hasText: '营销费' });
  await expect(marketing).toHaveAttribute('data-over', 'true');
  await expect(marketing.getByText('超预算')).toBeVisible();
  await shot(page, '74-budgets-november-over');

  await page.getByRole('tab', { name: '预算科目' }).click();
  await page.getByTestId('budget-items').getByText('安全生产费').waitFor();
  await expect(page.getByRole('button', { name: '新增科目' })).toHaveCount(0); // the company admin keeps the chart
  await s.close();
});

test('budgets: the company admin keeps the chart of budget items; a plan holder imports spend', async ({ session }) => {
  const admin = await session('admin');
  await admin.page.goto('/kpi/budgets?tab=items');
  await admin.page.getByRole('button', { name: '新增科目' }).waitFor();
  await shot(admin.page, '74-budgets-items-admin');
  await admin.close();
  const s = await session('market_mgr');
  await s.page.goto('/kpi/budgets/import');
  await s.page.getByRole('button', { name: '下载导入模板' }).waitFor();
  await shot(s.page, '74-budgets-import');
  await s.close();
});

test('budgets: on a phone (390×844) the November over-budget warning and the table fit the screen', async ({ session }) => {
  const s = await session('market_mgr');
  const { page } = s;
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/kpi/budgets?period=2026-11');
  await page.getByTestId('budgets-over-warning').waitFor();
  await page.getByTestId('budgets-table').getByText('营销费').waitFor();
  await noSidewaysScroll(page, '预算执行');
  await shot(page, '74-budgets-phone');
  await s.close();
});
