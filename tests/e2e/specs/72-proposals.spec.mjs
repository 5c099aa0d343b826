// Improvement proposals (合理化建议) by the demo users: a specialist submits one to 市场部, its manager
// adopts it (a process optimisation project starts), records the benefit and grants a reward by the
// company's scale, and the proposer sees the reward under 我的建议; on a phone too. The admin's settings
// tab. Test names start with "proposals" (YUNGUAN_E2E_ONLY=proposals).
import { test, expect, shot, stamp, remember, recall } from '../support.mjs';

const TITLE = `抄表数据异常自动提醒（浏览器测试 ${stamp}）`;

/** Choose a unit in the org-tree select of a form (by the field's id). */
async function chooseUnit(page, id, name) {
  await page.locator(`#${id}`).click();
  await page.locator(`#${id}`).fill(name);
  await page.locator('.ant-select-dropdown:visible .ant-select-tree-node-content-wrapper').filter({ hasText: new RegExp(`^${name}$`) }).first().click();
}

/** Pick an option of an antd Select by its label. */
async function pick(page, scope, label, option) {
  const box = scope.getByLabel(label, { exact: true });
  await box.locator('xpath=ancestor::div[contains(concat(" ", @class, " "), " ant-select ")][1]').click();
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: option }).first().click();
}

test('proposals: a specialist submits an improvement proposal to the unit owning the process', async ({ session }) => {
  const { page, close } = await session('analyst');
  await page.goto('/proposals/new');
  await page.getByText('提交合理化建议').first().waitFor();
  // the company has not turned anonymous proposals on: the box is there, switched off, and says why
  await expect(page.getByRole('checkbox', { name: '匿名提交' })).toBeDisabled();
  await page.getByText('公司未开启匿名建议').waitFor();
  await page.getByRole('button', { name: /提交建议/ }).click();
  await page.getByText('请输入建议标题').or(page.getByText(/建议标题.*必填|请输入/)).first().waitFor();
  await page.getByLabel('建议标题').fill(TITLE);
  await chooseUnit(page, 'unit_id', '市场部');
  await pick(page, page, '类别', '客户服务');
  // each text is checked where it landed (a field filled while the form still settles is filled again)
  for (const [label, text] of [['存在问题', '抄表数据异常靠人工月底核对，发现晚，客户投诉多。'],
    ['改进建议', '抄表系统每日比对用量，偏离三倍以上自动提醒客服回访。'], ['预期效益', '异常发现提前约20天，相关投诉减少一半。']]) {
    await expect(async () => {
      const field = page.getByLabel(label);
      if ((await field.inputValue()) !== text) await field.fill(text);
      await expect(field).toHaveValue(text, { timeout: 1000 });
    }).toPass({ timeout: 10_000 });
  }
  await shot(page, '72-proposal-submit');
  await page.getByRole('button', { name: /提交建议/ }).click();
  await page.waitForURL(/\/proposals\/\d+$/);
  remember('proposalUrl', page.url());
  await page.getByRole('heading', { name: TITLE }).waitFor();
  await page.getByText('评审中', { exact: true }).first().waitFor();
  await page.getByText('刘市场调研专员').first().waitFor();
  // the proposer cannot decide on their own proposal: no decision form
  expect(await page.getByTestId('proposal-decision').count()).toBe(0);
  await close();
});

test('proposals: the department manager adopts it, records the benefit and grants a reward', async ({ session }) => {
  const url = recall('proposalUrl');
  expect(url, 'needs the proposal submitted by the previous test').toBeTruthy();
  const { page, close } = await session('market_mgr');
  // 我的待办 lists it under 待评审的合理化建议
  const part = page.getByTestId('inbox-proposals_to_review');
  await part.getByRole('link', { name: TITLE }).first().scrollIntoViewIfNeeded();
  await shot(page, '72-proposal-inbox');
  await part.getByRole('link', { name: TITLE }).first().click();
  await page.waitForURL(url);
  const decision = page.getByTestId('proposal-decision');
  await decision.getByText('部分采纳').click();
  await decision.getByRole('button', { name: /提交评审结论/ }).click();
  await decision.getByText('部分采纳或不采纳时须填写理由').waitFor(); // a reason is required, said before sending
  await decision.getByText('采纳', { exact: true }).click();
  await decision.getByLabel('评审意见').fill('思路可行，先在市场部试行。');
  await shot(page, '72-proposal-decide');
  await decision.getByRole('button', { name: /提交评审结论/ }).click();
  await page.getByText('评审结论已提交').waitFor();
  await page.getByText('已采纳', { exact: true }).first().waitFor();
  await page.getByRole('link', { name: /查看项目 #\d+/ }).waitFor(); // the process optimisation project it started

  const benefit = page.getByTestId('proposal-benefit');
  await benefit.getByLabel('实际效益').fill('试行一个月，异常提前发现23起，相关投诉下降55%。');
  await benefit.getByLabel('效益金额（元）').fill('42000');
  await benefit.getByRole('button', { name: /登记效益/ }).click();
  await page.getByText('实施效益已登记').waitFor();
  await page.getByText('已实施', { exact: true }).first().waitFor();
  await benefit.getByTestId('proposal-benefit-amount').getByText('效益金额：42,000 元').waitFor();

  const reward = page.getByTestId('proposal-reward');
  await pick(page, reward, '奖励等级', '二等奖');
  await reward.getByLabel('说明').fill('季度优秀合理化建议');
  await reward.getByRole('button', { name: /发放奖励/ }).click();
  await page.getByText('奖励已发放').waitFor();
  await reward.getByTestId('proposal-reward-text').getByText('二等奖 · 50 积分 · 800 元').waitFor();
  await page.getByText('已奖励', { exact: true }).first().waitFor();
  await shot(page, '72-proposal-rewarded');
  // the register lists it, rewarded, and exports the register
  await page.goto('/proposals');
  await page.getByRole('link', { name: TITLE }).waitFor();
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: /导出/ }).click();
  expect((await download).suggestedFilename()).toBe('合理化建议台账.xlsx');
  await shot(page, '72-proposal-register');
  await close();
});

test('proposals: the proposer sees the decision and the reward under 我的建议, on a phone too', async ({ session }) => {
  const url = recall('proposalUrl');
  expect(url, 'needs the proposal rewarded by the previous test').toBeTruthy();
  const { page, close } = await session('analyst');
  await page.goto('/proposals/mine');
  const row = page.locator('.ant-table-row').filter({ hasText: TITLE });
  await row.getByText('已奖励').waitFor();
  await row.getByText('二等奖 · 50 积分 · 800 元').waitFor();
  await shot(page, '72-proposal-mine');
  await row.getByRole('link', { name: TITLE }).click();
  await page.waitForURL(url);
  const reward = page.getByTestId('proposal-reward');
  await reward.getByText('我获得的奖励').waitFor();
  await reward.getByText('二等奖 · 50 积分 · 800 元').waitFor();
  await page.getByText('思路可行，先在市场部试行。').first().waitFor();

  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await page.getByTestId('proposal-reward').getByText('二等奖 · 50 积分 · 800 元').waitFor();
  await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth), { message: 'no sideways scrolling on a phone' })
    .toBeLessThanOrEqual(390);
  await shot(page, '72-proposal-phone-detail');
  await page.goto('/proposals/mine');
  // on a phone each proposal is a card: its status and reward in sight without scrolling sideways
  const card = page.getByTestId('proposal-card').filter({ hasText: TITLE });
  await card.getByText('二等奖 · 50 积分 · 800 元').waitFor();
  await shot(page, '72-proposal-phone-mine');
  await close();
});

test('proposals: the admin keeps the company settings: anonymous proposals, review flow and reward scale', async ({ session }) => {
  const { page, close } = await session('admin');
  await page.goto('/proposals?tab=settings');
  await page.getByRole('tab', { name: '公司设置' }).waitFor();
  await page.getByText('责任单位评审').or(page.locator('input[value="责任单位评审"]')).first().waitFor();
  await expect(page.locator('input[value="二等奖"]')).toHaveCount(1);
  await page.getByRole('button', { name: /添加等级/ }).click();
  await page.getByText(/奖励等级“”须设积分或奖金|请填写名称/).first().waitFor(); // checked before sending
  await expect(page.getByRole('button', { name: /保存设置/ })).toBeDisabled();
  await shot(page, '72-proposal-settings');
  await close();
});
