// 人员编制: people against plan in the demo company — the operations department on target, marketing short of its
// 10 % spare staff, the Suzhou branch below its plan; the export; the same page on a phone; a specialist sees their
// own team. Test names start with "staffing-ui" (YUNGUAN_E2E_ONLY=staffing-ui).
import { test, expect, shot } from '../support.mjs';

function row(page, name) {
  return page.locator('.ant-table-row').filter({ has: page.locator('td', { hasText: new RegExp(`^${name}$`) }) }).first();
}

test('staffing-ui: the general manager sees planned, actual and 备员率 per unit, and exports the table', async ({ session }) => {
  const { page, close } = await session('gm');
  await page.goto('/org/tree');
  await page.getByRole('link', { name: '查看人员编制' }).click();
  await page.waitForURL(/\/org\/staffing/);
  await page.getByRole('heading', { name: '人员编制' }).waitFor();
  const ops = row(page, '运营管理部');
  await ops.getByText('达标', { exact: true }).waitFor();
  await expect(ops).toContainText('+11.1%');
  const mkt = row(page, '市场部');
  await mkt.getByText('备员不足', { exact: true }).waitFor();
  await expect(mkt).toContainText('还需 1 人达到备员要求');
  await row(page, '苏州分公司').getByText('缺编', { exact: true }).waitFor();
  await page.getByText('备员率（要求 ≥ 10%）').waitFor();
  await page.getByText('品牌策划主管').waitFor(); // a vacant post
  await shot(page, '80-staffing-company');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: /导出人员编制表/ }).click();
  expect((await download).suggestedFilename()).toMatch(/^人员编制表-.*\.xlsx$/);
  // on a phone the table scrolls inside its card: the page itself stays inside the screen
  await page.setViewportSize({ width: 390, height: 844 });
  await row(page, '市场部').waitFor();
  await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth), {
    message: 'the page fits the 390 px screen' }).toBeLessThanOrEqual(390);
  await shot(page, '81-staffing-phone');
  await close();
});

test('staffing-ui: a specialist sees only their own team', async ({ session }) => {
  const { page, close } = await session('analyst');
  await page.goto('/org/staffing');
  await row(page, '市场调研组').waitFor();
  expect(await page.locator('.ant-table-row').filter({ hasText: '市场部' }).count()).toBe(0);
  await shot(page, '82-staffing-specialist');
  await close();
});
