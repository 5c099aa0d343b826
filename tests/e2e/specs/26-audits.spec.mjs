// Special audits (专项审计) by the demo users: the branch's general manager finds the demo audit of 苏州分公司
// 销售部 waiting in 我的待办, reads the draft report and answers it (one finding accepted, one disputed with a
// reason); the operations director, who leads it, issues the final report keeping the disputed finding with
// his reasoning. The register and the audit page are looked at on a desktop and a 390 px phone.
import { test, expect, shot, dialogButton } from '../support.mjs';

const AUDIT = '苏州分公司 2026 年销售费用专项审计';

test('audits: the audited branch answers the draft report from its inbox and the leader finalises it', async ({ session }) => {
  const branch = await session('branch_gm');
  const { page } = branch;
  const part = page.getByTestId('inbox-audit_steps');
  await part.getByText(AUDIT).waitFor();
  await part.getByRole('link', { name: '反馈被审计单位意见' }).first().click();
  await page.waitForURL(/\/kpi\/audits\/\d+$/);
  const url = page.url();
  await page.getByText('审计报告（征求意见稿）', { exact: true }).waitFor();
  await expect(page.locator('.ant-steps-item-process')).toContainText('征求意见');
  const form = page.locator('.ant-card').filter({ hasText: '反馈被审计单位意见' });
  await form.getByText('业务招待费超标准报销').waitFor();
  // the second finding is disputed: a reason is required before sending
  await form.getByRole('radio', { name: '有异议' }).nth(1).check();
  await form.getByRole('button', { name: '提交意见' }).click();
  await form.getByText('请说明理由').waitFor();
  await form.getByLabel('异议理由').fill('5 份收据均为农村客户现场收费，已补开发票');
  await form.getByLabel('反馈说明').fill('招待费问题已组织整改');
  await shot(page, '26-audit-response-form');
  await form.getByRole('button', { name: '提交意见' }).click();
  await page.getByText('意见已反馈').first().waitFor();
  await expect(page.locator('.ant-table-row').filter({ hasText: '部分报销凭证缺少发票' })).toContainText('有异议');
  await expect(page.getByRole('button', { name: '出具终稿' })).toHaveCount(0); // the leader's step, not the branch's
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(page, '26-audit-page-phone');
  await branch.close();

  const leader = await session('ops_director');
  const lp = leader.page;
  await lp.goto('/kpi/audits');
  const row = lp.locator('.ant-table-row').filter({ hasText: AUDIT });
  await expect(row).toContainText('被审计单位意见');
  await expect(lp.locator('.ant-table-row').filter({ hasText: '燃气采购制度执行专项审计' })).toContainText('终稿');
  await shot(lp, '26-audit-register');
  await lp.goto(url);
  await lp.getByRole('button', { name: '出具终稿' }).click();
  const modal = lp.getByRole('dialog');
  await modal.getByLabel('处理理由').fill('收据不能替代发票，维持原结论');
  await (await dialogButton(lp, /确\s*定|OK/)).click();
  await lp.getByText('终稿已出具').first().waitFor();
  await expect(lp.locator('.ant-steps-item-finish').last()).toContainText('终稿');
  await expect(lp.locator('.ant-table-row').filter({ hasText: '部分报销凭证缺少发票' })).toContainText('维持');
  await shot(lp, '26-audit-final');
  await leader.close();
});

const OWN = `供应科库存盘点专项审计（浏览器测试 ${Date.now() % 100000}）`;
const inDays = (n) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

test('audits: the operations director opens an audit, notifies, records a finding and a working paper, and the unit answers', async ({ session }) => {
  const leader = await session('ops_director');
  const { page } = leader;
  await page.goto('/kpi/audits');
  await page.getByRole('button', { name: '审计立项' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('审计名称').fill(OWN);
  await dialog.getByLabel('审计事项').fill('库存账实相符情况');
  await dialog.getByRole('combobox', { name: '被审计单位' }).click();
  await page.keyboard.type('供应科');
  await page.locator('.ant-select-tree-node-content-wrapper[title="供应科"]').click();
  await dialog.locator('.ant-modal-title').click(); // closes the drop-down (Escape would close the dialog)
  await dialog.getByLabel('审计期间').click();
  await page.keyboard.type('2026-07-01');
  await page.keyboard.press('Enter');
  await page.keyboard.type('2026-09-30');
  await page.keyboard.press('Enter');
  await dialog.getByLabel('计划日期').click();
  await page.keyboard.type(inDays(1));
  await page.keyboard.press('Enter');
  await page.keyboard.type(inDays(20));
  await page.keyboard.press('Enter');
  await dialog.getByRole('combobox', { name: '审计组长' }).click();
  await page.keyboard.type('李运营');
  await page.locator('.ant-select-item-option').filter({ hasText: '李运营总监' }).click();
  await dialog.getByRole('combobox', { name: '审计组员' }).click();
  await page.keyboard.type('刘市场');
  await page.locator('.ant-select-item-option').filter({ hasText: '刘市场调研专员' }).click();
  await dialog.locator('.ant-modal-title').click(); // closes the drop-down (Escape would close the dialog)
  await shot(page, '26-audit-new');
  await (await dialogButton(page, /确\s*定|OK/)).click();
  await page.waitForURL(/\/kpi\/audits\/\d+$/);
  const url = page.url();
  await page.getByText('已立项').first().waitFor();

  await page.getByRole('button', { name: '发出审计通知' }).click();
  await page.getByRole('dialog').getByLabel('通知内容').fill('审计组将于下周进场盘点，请备齐库存台账。');
  await page.getByRole('dialog').getByLabel('意见反馈截止').fill(inDays(15));
  await page.getByRole('dialog').locator('.ant-modal-title').click(); // closes the calendar (Enter would send)
  await (await dialogButton(page, /确\s*定|OK/)).click();
  await page.getByText('审计通知已发出').first().waitFor();
  await page.getByRole('button', { name: '开始现场审计' }).click();
  await page.getByText('现场审计已开始').first().waitFor();

  await page.getByRole('button', { name: '记录审计发现' }).click();
  const finding = page.getByRole('dialog');
  await finding.getByLabel('问题', { exact: true }).fill('3 个库位账实不符');
  await finding.getByRole('radio', { name: '严重' }).check();
  await finding.getByLabel('整改期限').fill(inDays(30));
  await finding.locator('.ant-modal-title').click();
  await (await dialogButton(page, /确\s*定|OK/)).click();
  await page.getByText('审计发现已记录，并已生成整改措施').first().waitFor();
  await expect(page.locator('.ant-table-row').filter({ hasText: '3 个库位账实不符' })).toContainText('整改中');
  await page.locator('input[type=file]').setInputFiles({ name: '盘点底稿.txt', mimeType: 'text/plain', buffer: Buffer.from('库位 A-03 账 120 实 112') });
  await page.getByText('底稿已上传').first().waitFor();
  await page.getByRole('button', { name: '盘点底稿.txt' }).waitFor();

  await page.getByRole('button', { name: '出具征求意见稿' }).click();
  await page.getByRole('dialog').getByLabel('审计报告（征求意见稿）').fill('发现库存账实不符一项，请供应科反馈意见。');
  await (await dialogButton(page, /确\s*定|OK/)).click();
  await page.getByText('征求意见稿已送被审计单位').first().waitFor();
  await shot(page, '26-audit-draft-issued');
  await leader.close();

  const head = await session('supply_head');
  await head.page.goto(url);
  const form = head.page.locator('.ant-card').filter({ hasText: '反馈被审计单位意见' });
  await form.getByText('3 个库位账实不符').waitFor();
  await form.getByRole('button', { name: '提交意见' }).click();
  await head.page.getByText('意见已反馈').first().waitFor();
  await head.close();

  const again = await session('ops_director');
  await again.page.goto(url);
  await again.page.getByRole('button', { name: '出具终稿' }).click();
  await (await dialogButton(again.page, /确\s*定|OK/)).click();
  await again.page.getByText('终稿已出具').first().waitFor();
  await expect(again.page.locator('.ant-table-row').filter({ hasText: '3 个库位账实不符' })).toContainText('认可');
  await again.close();
});
