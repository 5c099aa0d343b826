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
