// 我的待办: a suggestion waits on the plan's owner, is found by the plan's name in their inbox, and is
// answered where its link leads. Test names start with "inbox" (YUNGUAN_E2E_ONLY=inbox).
import { test, expect, shot, dialogButton, stamp, remember, recall } from '../support.mjs';

const TITLE = `市场调研组2027年度计划（待办测试 ${stamp}）`;
const SUGGESTION = '建议把问卷样本扩大到 800 户，覆盖苏州片区。';

test('inbox: the analyst suggests on a plan of 市场调研组, which market_mgr plans for', async ({ session }) => {
  // the plan itself is drafted and submitted through the API with market_mgr's own token: the
  // editor is another test's subject
  const mgr = await session('market_mgr');
  const planId = await mgr.page.evaluate(async (title) => {
    const token = sessionStorage.getItem('yunguan.access');
    const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    const units = await (await fetch('/api/org/units?limit=500', { headers })).json();
    const team = units.items.find((u) => u.code === 'MKT-RES');
    const plan = await (await fetch('/api/planning/plans', { method: 'POST', headers, body: JSON.stringify({
      unit_id: team.id, period: '2027', title, targets: [{ indicator_code: 'customer_satisfaction', value: 90, unit: '%' }] }) })).json();
    const submitted = await fetch(`/api/planning/plans/${plan.id}/submit`, {
      method: 'POST', headers: { ...headers, 'If-Match': `"plan-${plan.id}-v${plan.version}"` }, body: JSON.stringify({ comment: '请审核' }) });
    return submitted.status === 200 ? plan.id : `submit answered ${submitted.status}`;
  }, TITLE);
  expect(typeof planId, `the plan was not drafted and submitted: ${planId}`).toBe('number');
  remember('inboxPlanId', planId);
  await mgr.close();

  // 建议权 over 市场调研组 is the analyst's own (专员: view and suggest over their unit)
  const s = await session('analyst');
  const { page } = s;
  await page.goto(`/plans/${planId}`);
  await page.getByTestId('plan-title').getByText(TITLE).waitFor();
  await page.locator('[data-action="suggest"]').click();
  await page.getByRole('dialog').getByLabel('建议内容').fill(SUGGESTION);
  await (await dialogButton(page, /建\s*议/)).click();
  await page.getByText('1 条待答复建议').waitFor();
  // the analyst holds no plan over the team: the suggestion does not wait on its author
  await page.goto('/inbox');
  const theirs = page.getByTestId('inbox-suggestions_to_answer');
  await theirs.getByText('没有待答复的建议').waitFor();
  await s.close();
});

test('inbox: market_mgr finds the suggestion by the plan\'s name and answers it where the link leads', async ({ session }) => {
  const planId = recall('inboxPlanId');
  expect(planId, 'needs the plan and suggestion of the previous test').toBeTruthy();
  const s = await session('market_mgr');
  const { page } = s;
  const card = page.getByTestId('inbox-suggestions_to_answer');
  const item = card.locator('.ant-list-item').filter({ hasText: TITLE });
  await item.getByText(SUGGESTION, { exact: false }).waitFor();
  await item.getByText('刘市场调研专员 建议', { exact: false }).waitFor();
  const count = await card.locator('.ant-card-head .ant-badge').innerText();
  expect(Number(count), `the suggestions card counts ${count}`).toBeGreaterThanOrEqual(1);
  await shot(page, '60-inbox-suggestion-to-answer');

  await item.getByRole('link', { name: TITLE }).click();
  await page.waitForURL(new RegExp(`/plans/${planId}\\?tab=approval$`));
  // the link opens the approval tab, where the plan's suggestions are answered
  const answer = page.locator('.ant-list-item').filter({ hasText: SUGGESTION });
  await answer.getByRole('button', { name: /^采\s*纳$/ }).click();
  await page.getByRole('dialog').getByLabel('理由').fill('采纳，样本扩大到 800 户。');
  await shot(page, '61-inbox-suggestion-answer');
  await (await dialogButton(page, /确\s*定|OK/)).click();
  await answer.getByText('已采纳').waitFor();

  await page.goto('/inbox');
  await card.getByText('没有待答复的建议').waitFor();
  expect(await card.getByText(TITLE).count(), 'the answered suggestion still waits in the inbox').toBe(0);
  await shot(page, '62-inbox-after-answer');
  await s.close();
});
