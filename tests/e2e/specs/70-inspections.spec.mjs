// On-site inspections (实地检查): the general manager schedules a gas-station safety inspection of 供应科 for the
// 运营总监 position; the operations director finds it in 我的待办, fills it in on a phone — one item failed,
// with a photo taken there — and submits it; the failed item is a finding whose 整改 action waits on the head
// of 供应科.
import { test, expect, shot, dialogButton, remember, recall, stamp } from '../support.mjs';

// a 1×1 PNG, as a phone camera's photo stands in the test
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64');
const FAILED = '灭火器配置齐全、在有效期内';

/** Pick an item's outcome (the radio inputs sit hidden under antd's buttons: their labels take the tap). */
async function answer(item, outcome) {
  await item.locator('.ant-radio-button-wrapper').filter({ hasText: new RegExp(`^${outcome}$`) }).click();
  await expect(item.getByRole('radio', { name: outcome, exact: true })).toBeChecked();
}

test('inspections: the general manager schedules a gas-station inspection for the 运营总监 position', async ({ session }) => {
  const s = await session('gm');
  const { page } = s;
  await expect(page.locator('nav .ant-menu-root')).toContainText('实地检查');
  await page.goto('/kpi/inspection-templates');
  await page.getByText('加气站安全检查表').first().waitFor();
  // a checklist of its own: guide (指导权) over the owning unit writes it
  await page.getByRole('button', { name: '新建检查表' }).click();
  const drawer = page.locator('.ant-drawer-content');
  await drawer.getByLabel('名称').fill(`LNG 卸车区检查表 ${stamp}`);
  await drawer.getByRole('combobox', { name: '组织单元' }).click();
  await page.keyboard.type('安全科');
  await page.locator('.ant-select-tree-node-content-wrapper[title="安全科"]').click();
  await drawer.getByLabel('检查内容').fill('卸车软管无破损');
  await drawer.getByLabel('标准').fill('目视检查，无裂纹、鼓包');
  await drawer.getByRole('button', { name: '添加检查项' }).click();
  await drawer.getByLabel('检查内容').nth(1).fill('卸车区围堰完好');
  await shot(page, '69-inspections-template-editor');
  await drawer.getByRole('button', { name: /^保\s*存$/ }).click();
  await page.getByText('检查表已保存').first().waitFor();
  await page.locator('.ant-table-row').filter({ hasText: `LNG 卸车区检查表 ${stamp}` }).getByText('2 项').waitFor();
  await shot(page, '70-inspections-templates');
  await page.goto('/kpi/inspections');
  await page.getByTestId('inspection-register').getByText('加气站安全检查表').first().waitFor(); // the demo's
  await page.getByRole('button', { name: '安排检查' }).click();
  const modal = page.locator('.ant-modal-content');
  await modal.getByRole('combobox', { name: '检查表' }).click();
  await page.locator('.ant-select-item-option').filter({ hasText: '加气站安全检查表' }).first().click();
  await modal.getByRole('combobox', { name: '组织单元' }).click();
  await page.keyboard.type('供应科');
  await page.locator('.ant-select-tree-node-content-wrapper[title="供应科"]').click();
  await modal.getByRole('combobox', { name: '检查岗位' }).click();
  await page.keyboard.type('运营总监');
  await page.locator('.ant-select-item-option').filter({ hasText: '运营总监' }).first().click();
  await modal.getByLabel('备注').fill('浏览器测试：节前安全检查');
  await shot(page, '71-inspections-schedule');
  await (await dialogButton(page, '安排检查')).click();
  await page.waitForURL(/\/kpi\/inspections\/\d+$/);
  await page.getByTestId('inspection-status').waitFor(); // the page's chunk and the inspection load
  await expect(page.getByTestId('inspection-status')).toHaveText('待检查');
  await page.getByText('只有检查岗位（运营总监）的在岗人员才能填写结果').waitFor();
  remember('inspectionUrl', new URL(page.url()).pathname);
  await s.close();
});

test('inspections: the operations director performs it on a phone with a photo and submits a failed item', async ({ session }) => {
  const url = recall('inspectionUrl');
  expect(url, 'the scheduling test left the inspection').toBeTruthy();
  const s = await session('ops_director');
  const { page } = s;
  await page.goto('/inbox'); // leadership land on the cockpit
  const todo = page.getByTestId('inbox-inspections_to_do');
  await todo.getByText('加气站安全检查表').first().waitFor();
  await expect(todo).toContainText('供应科');

  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(url);
  await page.getByTestId('inspection-status').waitFor();
  await expect(page.getByTestId('inspection-status')).toHaveText('待检查');
  for (const key of ['leak', 'alarm', 'esd', 'grounding', 'signs', 'records']) {
    await answer(page.getByTestId(`item-${key}`), '合格');
  }
  const failed = page.getByTestId('item-extinguisher');
  await answer(failed, '不合格');
  await failed.getByRole('textbox').fill('2号加气机旁灭火器压力不足（浏览器测试）');
  await page.getByTestId('item-training').getByLabel('得分').fill('27');
  await failed.locator('input[type=file]').setInputFiles({ name: '灭火器.png', mimeType: 'image/png', buffer: PNG });
  await page.getByText('照片已上传').first().waitFor();
  await expect(failed.getByTestId('evidence-photo')).toHaveCount(1);
  // the running score: 10 weight points passed, 1 failed, 2 × 27/30 scored, over 13 = 90.8
  await expect(page.getByTestId('inspection-score')).toContainText('90.8');
  await shot(page, '72-inspections-phone-filling');
  await page.getByRole('button', { name: '提交检查' }).click();
  await page.getByRole('dialog').getByText('不合格 1 项').waitFor();
  await (await dialogButton(page, '提交检查')).click();
  await page.getByText('检查已提交').first().waitFor();
  await expect(page.getByTestId('inspection-status')).toHaveText('已提交');
  const findings = page.getByTestId('inspection-findings');
  await expect(findings).toContainText(FAILED);
  await expect(findings).toContainText('整改中');
  await expect(findings).toContainText('较重');
  await shot(page, '73-inspections-phone-submitted');
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await expect(page.getByTestId('inspection-score')).toContainText('90.8');
  await expect(page.getByTestId('item-extinguisher').getByTestId('evidence-photo')).toHaveCount(1);
  await shot(page, '74-inspections-desktop-submitted');
  await page.goto('/kpi/inspections');
  await page.getByTestId('inspection-register').getByText('90.8').waitFor();
  await shot(page, '76-inspections-register');
  await s.close();
});

test('inspections: the finding is a 整改 action waiting on the head of 供应科', async ({ session }) => {
  const s = await session('supply_head');
  const { page } = s;
  await page.getByTestId('inbox-my_actions').getByText(FAILED).first().waitFor();
  await page.goto('/kpi/actions');
  const row = page.locator('.ant-table-row').filter({ hasText: '浏览器测试' }).first();
  await row.waitFor();
  await expect(row).toContainText(FAILED);
  await shot(page, '75-inspections-rectification');
  await s.close();
});
