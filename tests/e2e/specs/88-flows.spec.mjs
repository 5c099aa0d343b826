// 审批流程 (issue 23): the administrator opens the approval flows from 系统管理, previews who would sign the
// annual flow for 市场部 (names and posts from the org model), makes the operations review a 会签 stage,
// saves, reloads and sees it kept; then restores it (later specs depend on the demo flows). At desktop size
// and on a phone (390×844). Test names start with "flows" (YUNGUAN_E2E_ONLY=flows).
import { test, expect, shot, PHONE, seriousViolations } from '../support.mjs';

/** Choose an option of the antd select labelled ``label`` inside ``scope``. */
async function choose(page, scope, label, option) {
  await scope.locator('.ant-select').filter({ has: page.getByRole('combobox', { name: label, exact: true }) }).click();
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: option }).first().click();
}

/** Preview the flow as edited for the unit named ``unit``; the preview's stage rows. */
async function previewFor(page, unit) {
  const panel = page.getByTestId('flow-preview');
  await panel.locator('.ant-select').first().click();
  await page.locator(`.ant-select-tree-node-content-wrapper[title="${unit}"]`).click();
  const answered = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/preview'),
    { timeout: 60_000 });
  // unanchored: a preview still on its way shows the button as "loading 预 览" (antd ignores a click on it)
  await panel.getByRole('button', { name: /预\s*览/ }).click();
  expect((await answered).status()).toBe(200);
  return panel.getByTestId('preview-stage');
}

async function signersOf(page) {
  return page.getByTestId('stage').and(page.locator('[data-key="ops_review"]'))
    .locator('.ant-select').filter({ has: page.getByRole('combobox', { name: '签署方式', exact: true }) })
    .locator('.ant-select-selection-item').innerText();
}

async function saveAndReload(page) {
  await page.getByRole('button', { name: /^保\s*存$/ }).click();
  await page.locator('.ant-message').getByText('审批流程已保存').waitFor();
  await page.reload();
  await page.getByTestId('stage').first().waitFor();
}

test('flows: admin previews the annual flow for 市场部, makes the ops review 会签, saves, sees it kept, restores it', async ({ session }) => {
  const s = await session('admin');
  const { page } = s;
  const nav = page.locator('nav');
  // the menu opens the admin's groups by default; a closed 系统管理 is opened first
  const item = nav.getByText('审批流程', { exact: true });
  if (!(await item.isVisible())) await nav.getByText('系统管理', { exact: true }).click();
  await item.click();
  await page.waitForURL(/\/admin\/flows$/);
  await page.getByRole('button', { name: '年度运营计划审批' }).click();
  const review = page.getByTestId('stage').and(page.locator('[data-key="ops_review"]'));
  await expect(review.getByRole('textbox', { name: '环节名称' })).toHaveValue('运营管理部汇总审核');

  // who signs for 市场部: the operations director reviews, the general manager approves
  const stages = await previewFor(page, '市场部');
  await expect(stages).toHaveCount(2);
  await expect(stages.nth(0)).toContainText('李运营总监（运营总监 · 运营管理部）');
  await expect(stages.nth(0)).toContainText('或签');
  await expect(stages.nth(1)).toContainText('王总经理（总经理 · 华东燃气有限公司）');
  await shot(page, '88-flows-preview');

  // the operations review becomes a countersigned stage; the preview of the unsaved draft says so
  await choose(page, review, '签署方式', '会签（全部）');
  await expect(page.getByText('有未保存的修改')).toBeVisible();
  await previewFor(page, '市场部');
  await expect(stages.nth(0)).toContainText(/会签：\d+ 人均须签署/);
  await shot(page, '88-flows-edited');
  await saveAndReload(page);
  expect(await signersOf(page)).toBe('会签（全部）');

  // restored: later specs run the demo flows
  await choose(page, review, '签署方式', '或签（任一人）');
  await saveAndReload(page);
  expect(await signersOf(page)).toBe('或签（任一人）');
  const saved = await page.evaluate(async () => {
    const token = sessionStorage.getItem('yunguan.access');
    const r = await fetch('/api/planning/flows/annual', { headers: { Authorization: `Bearer ${token}` } });
    return (await r.json()).stages.map((st) => `${st.key}:${st.signers}`);
  });
  expect(saved).toEqual(['ops_review:any', 'leadership:any']);
  // axe last: its run opens and closes a page of its own in this context
  const found = await seriousViolations(page);
  expect(found, `axe on 审批流程:\n${found.join('\n')}`).toEqual([]);
  await s.close();
});

test('flows: on a phone the editor and the preview for 苏州分公司 fit the screen', async ({ session }) => {
  const s = await session('admin', PHONE);
  const { page } = s;
  await page.goto('/admin/flows');
  await page.getByTestId('stage').first().waitFor();
  await shot(page, '88-flows-phone');
  const stages = await previewFor(page, '苏州分公司');
  await expect(stages.nth(1)).toContainText('王总经理');
  await stages.nth(0).scrollIntoViewIfNeeded();
  await shot(page, '88-flows-phone-preview');
  const found = await seriousViolations(page);
  expect(found, `axe on 审批流程 (phone):\n${found.join('\n')}`).toEqual([]);
  // nothing wider than the screen
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await s.close();
});
