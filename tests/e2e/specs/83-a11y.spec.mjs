// Accessibility (issue 21): axe finds no serious or critical violation on the main pages, at desk width
// and on a phone; a chart offers its data as a table. Test names start with "a11y" (YUNGUAN_E2E_ONLY=a11y).
import { test, expect, shot, PHONE, seriousViolations } from '../support.mjs';

const PAGES = [
  { name: 'inbox', path: '/inbox', ready: (page) => page.getByText('我的待办').first().waitFor() },
  { name: 'plans list', path: '/plans', ready: (page) => page.locator('.ant-table-row').first().waitFor() },
  { name: 'plan detail', path: null, ready: (page) => page.getByTestId('plan-title').waitFor() },
  { name: 'KPI dashboard', path: '/kpi', ready: (page) => page.locator('main .ant-card').first().waitFor() },
  { name: 'risk register', path: '/risk', ready: (page) => page.locator('.ant-table-row').first().waitFor() },
  { name: 'org tree', path: '/org/tree', ready: (page) => page.locator('.ant-tree-title').first().waitFor() },
];

for (const [label, options] of [['desk', {}], ['phone', PHONE]]) {
  test(`a11y: the sign-in page has no serious violation (${label})`, async ({ session }) => {
    const s = await session(undefined, options);
    const { page } = s;
    await page.goto('/login');
    await page.getByLabel(/用户名|Username/).waitFor();
    const found = await seriousViolations(page);
    expect(found, `axe on the sign-in page:\n${found.join('\n')}`).toEqual([]);
    await s.close();
  });

  test(`a11y: the main pages have no serious violation for market_mgr (${label})`, async ({ session }) => {
    const s = await session('market_mgr', options);
    const { page } = s;
    const found = [];
    for (const p of PAGES) {
      if (p.path) {
        await page.goto(p.path);
      } else {
        // a plan of the department: the first in the list
        await page.goto('/plans');
        await page.locator('.ant-table-row a[href^="/plans/"]').first().click();
        await page.waitForURL(/\/plans\/\d+$/);
      }
      await p.ready(page);
      await page.waitForLoadState('networkidle');
      for (const v of await seriousViolations(page)) found.push(`${p.name}: ${v}`);
    }
    expect(found, `axe on the main pages (${label}):\n${found.join('\n')}`).toEqual([]);
    await s.close();
  });
}

test('a11y: a chart shows its data as a table on request', async ({ session }) => {
  // 汇总平衡 opens on the company for the operations director, whose departments have plans
  const s = await session('ops_director');
  const { page } = s;
  await page.goto('/plans/consolidation');
  const toggle = page.getByTestId('chart-table-toggle').first();
  await toggle.click();
  const table = page.getByTestId('chart-table').first();
  await table.getByRole('columnheader').first().waitFor();
  expect(await table.getByRole('row').count(), 'the chart\'s table has no rows').toBeGreaterThan(1);
  expect(await toggle.getAttribute('aria-pressed')).toBe('true');
  await shot(page, '83-chart-as-table');
  await toggle.click();
  await page.locator('.yg-chart [role="img"]').first().waitFor();
  await s.close();
});
