// Org area: the authority explainer and the positions that head their units. Test names start with
// "org-ui" (YUNGUAN_E2E_ONLY=org-ui).
import { test, expect, shot } from '../support.mjs';

/** Pick an option of a form's select by its label: the user, the right, the unit (a tree: its node). */
async function pick(page, label, option) {
  if (label === '组织单元') {
    await page.getByRole('combobox', { name: label }).click();
    await page.keyboard.type(option);
    await page.locator(`.ant-select-tree-node-content-wrapper[title="${option}"]`).click();
    return;
  }
  const box = page.getByLabel(label, { exact: true });
  await box.locator('xpath=ancestor::div[contains(concat(" ", @class, " "), " ant-select ")][1]').click();
  if (!(await box.evaluate((el) => el.readOnly))) await box.fill(option);
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: option }).first().click();
}

test('org-ui: the explainer says the operations director assesses 运营管理部 as its head', async ({ session }) => {
  const { page, close } = await session('admin');
  await page.goto('/admin/explain');
  await pick(page, '用户', '李运营总监');
  await pick(page, '权力', '考核权');
  await pick(page, '组织单元', '运营管理部');
  await page.getByRole('button', { name: /解\s*释/ }).click();
  await page.getByText('允许', { exact: true }).waitFor();
  await page.getByText('李运营总监可以在运营管理部行使考核权：由岗位“运营总监”', { exact: false }).waitFor();
  const row = page.locator('.ant-table-row').first();
  await row.getByText('下属：本单位（该岗位为负责人）及下级单位').waitFor();
  await row.getByText('该单位及下级单位').waitFor(); // the mode in words, not 'subtree'
  expect(await row.getByText('运营总监', { exact: true }).count(), 'the position should be named').toBeGreaterThanOrEqual(1);
  await shot(page, '70-org-explain-head');
  // the market manager heads 市场部, not 运营管理部: no assess there
  await pick(page, '用户', '张市场部经理');
  await page.getByRole('button', { name: /解\s*释/ }).click();
  await page.getByText('不允许', { exact: true }).waitFor();
  await page.getByText('张市场部经理不能在运营管理部行使考核权：没有岗位或委托授予此权力。').waitFor();
  await shot(page, '71-org-explain-refused');
  await close();
});

test('org-ui: the positions page marks the posts that head their units', async ({ session }) => {
  const { page, close } = await session('ops_director');
  await page.goto('/org/positions');
  const row = page.locator('.ant-table-row').filter({ hasText: '运营总监' });
  await row.getByText('负责人', { exact: true }).waitFor();
  const supply = page.locator('.ant-table-row').filter({ hasText: '供应科主管' });
  await supply.getByText('负责人', { exact: true }).waitFor();
  await shot(page, '72-org-positions-heads');
  await close();
});
