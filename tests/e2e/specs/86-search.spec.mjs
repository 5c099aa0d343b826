// 全局搜索: the header's search box finds a plan by part of its Chinese title, Enter lists every hit on the search
// page, and the hit opens the plan; someone without a right over the plan's unit does not find its draft. At
// desktop size and on a phone (390×844), where the header has a search icon instead of the box.
// Test names start with "search" (YUNGUAN_E2E_ONLY=search).
import { test, expect, shot, stamp, remember, recall, draftPlan } from '../support.mjs';

const TITLE = `市场策划组拓客专项计划（搜索测试 ${stamp}）`;
// part of the title, and the run's stamp so that an earlier run's plan on a reused stack is not a second hit
const QUERY = `拓客专项 ${stamp}`;

test('search: market_mgr finds a draft plan of 市场策划组 by part of its title and opens it', async ({ session }) => {
  const s = await session('market_mgr');
  const { page } = s;
  // drafted through the API with market_mgr's own token: the editor is another test's subject
  const planId = await draftPlan(page, { unitCode: 'MKT-PLN', period: '2027-11', title: TITLE,
    target: { indicator_code: 'sales', value: 120, unit: '万元' } });
  remember('searchPlanId', planId);

  // typing suggests, grouped by kind
  const box = page.getByRole('combobox', { name: '全局搜索' });
  await box.fill(QUERY);
  const suggestion = page.locator('.ant-select-dropdown').getByText(TITLE);
  await suggestion.waitFor();
  await page.locator('.ant-select-dropdown').getByText('计划', { exact: true }).waitFor();
  await shot(page, '86-search-suggestions');
  // Enter (no suggestion highlighted) opens the search page with every hit
  await box.press('Enter');
  await page.waitForURL(/\/search\?q=/);
  const plans = page.getByTestId('search-group-plan');
  await plans.getByRole('link', { name: TITLE }).waitFor();
  await expect(plans.getByText('市场策划组', { exact: true })).toBeVisible();
  await shot(page, '86-search-page');
  await plans.getByRole('link', { name: TITLE }).click();
  await page.waitForURL(new RegExp(`/plans/${planId}$`));
  await page.getByTestId('plan-title').getByText(TITLE).waitFor();

  // a suggestion opens its page directly
  await page.goto('/inbox');
  await box.fill(QUERY);
  await page.locator('.ant-select-dropdown').getByText(TITLE).click();
  await page.waitForURL(new RegExp(`/plans/${planId}$`));
  await s.close();
});

test('search: on a phone the search icon opens the search page, which finds and opens the plan', async ({ session }) => {
  const planId = recall('searchPlanId');
  expect(planId, 'needs the plan of the previous test').toBeTruthy();
  const s = await session('market_mgr');
  const { page } = s;
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByTestId('global-search-open').click();
  await page.waitForURL(/\/search$/);
  await page.getByRole('searchbox', { name: '全局搜索' }).fill(QUERY);
  await page.getByRole('searchbox', { name: '全局搜索' }).press('Enter');
  const hit = page.getByTestId('search-group-plan').getByRole('link', { name: TITLE });
  await hit.waitFor();
  await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth), {
    message: 'the search page fits the 390 px screen' }).toBeLessThanOrEqual(390);
  await shot(page, '86-search-phone');
  await hit.click();
  await page.waitForURL(new RegExp(`/plans/${planId}$`));
  await page.getByTestId('plan-title').getByText(TITLE).waitFor();
  await s.close();
});

for (const [size, viewport] of [['desktop', { width: 1366, height: 768 }], ['phone', { width: 390, height: 844 }]]) {
  test(`search: another branch's manager does not find 市场策划组's draft (${size})`, async ({ session }) => {
    expect(recall('searchPlanId'), 'needs the plan of the first test').toBeTruthy();
    const s = await session('branch_gm');
    const { page } = s;
    await page.setViewportSize(viewport);
    await page.goto(`/search?q=${encodeURIComponent(QUERY)}`);
    await page.getByText(`没有找到与「${QUERY}」匹配、且您有权查看的内容。`).first().waitFor();
    await expect(page.getByText(TITLE)).toHaveCount(0);
    // what they may see is still found: the indicator library is everyone's
    await page.getByRole('searchbox', { name: '全局搜索' }).fill('销售额');
    await page.getByRole('searchbox', { name: '全局搜索' }).press('Enter');
    await page.getByTestId('search-group-indicator').getByRole('link', { name: '销售额', exact: true }).waitFor();
    await shot(page, `86-search-out-of-scope-${size}`);
    await s.close();
  });
}
