// Comments and @mentions (issue 23): market_mgr comments on a plan of 市场部, mentioning the 运营总监 through the @
// picker (which offers only people who may already see the plan); the 运营总监's bell and 通知中心 tell them, the
// notice opens the plan and the comment is there; the author edits it within the edit window. Desktop and phone
// (390×844). Test names start with "comments" (YUNGUAN_E2E_ONLY=comments).
import { test, expect, shot, stamp, remember, recall, draftPlan } from '../support.mjs';

const TITLE = `市场部2027年客户拓展计划（评论测试 ${stamp}）`;
// one live plan per unit and period: 00-core drafts 市场部's 2027 annual plan, so this one is a month of 2027
const PERIOD = `2027-${String((Number(stamp) % 12) + 1).padStart(2, '0')}`;

/** The plan page's 评论 section (a tab of the record's collaboration panels, or a card), opened. */
async function comments(page) {
  await page.getByTestId('plan-title').getByText(TITLE).waitFor();
  // the plan page keeps the record's panels in its 动态与讨论 tab, whose own tabs are 动态 / 评论 / 附件
  await page.getByRole('tab', { name: '动态与讨论', exact: true }).click();
  const tab = page.getByRole('tab', { name: '评论', exact: true });
  if (await tab.count()) await tab.first().click();
  const panel = page.getByTestId('comments-panel');
  await panel.waitFor();
  return panel;
}

/** The page is no wider than the window (nothing to scroll sideways). */
async function noSidewaysScroll(page, where) {
  const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  expect(scroll, `${where} is ${scroll} px wide in a ${client} px window`).toBeLessThanOrEqual(client);
}

test('comments: market_mgr mentions the 运营总监 on a plan through the @ picker', async ({ session }) => {
  const s = await session('market_mgr');
  const { page } = s;
  // drafted through the API with market_mgr's own token: the editor is another test's subject
  const planId = await draftPlan(page, { unitCode: 'MKT', period: PERIOD, title: TITLE,
    target: { indicator_code: 'sales', value: 3600, unit: '万元' } });
  remember('commentsPlanId', planId);

  await page.goto(`/plans/${planId}`);
  const panel = await comments(page);
  await panel.getByText('暂无评论').waitFor();
  const box = panel.getByRole('textbox', { name: '发表评论，输入 @ 提及同事' });
  await box.click();
  // typing @ opens the list of people who may see the plan; what follows (a name, unit, position or user name)
  // narrows it. Typed as keys: Chinese typed here would be inserted without key events, which no IME does.
  await box.pressSequentially('@ops');
  const picker = page.locator('.ant-mentions-dropdown:visible');
  const option = picker.getByTestId('mention-option').filter({ hasText: '李运营总监' });
  await option.waitFor();
  await expect(option).toContainText('运营管理部 · 运营总监');
  await expect(picker.getByTestId('mention-option').filter({ hasText: '王总经理' })).toHaveCount(0);
  await shot(page, '89-comments-picker');
  await option.click();
  await expect(box).toHaveValue(/^@\[李运营总监\]\(user:\d+\) $/);
  await box.pressSequentially('请看一下全年销售目标是否合理。');
  await panel.getByRole('button', { name: '发表评论' }).click();

  const comment = panel.getByTestId('comment').filter({ hasText: '请看一下全年销售目标是否合理。' });
  await comment.waitFor();
  // the mention reads as a highlighted name, never as its token
  await expect(comment.locator('.yg-mention')).toHaveText('@李运营总监');
  await expect(comment).not.toContainText('user:');
  await expect(comment).toContainText('张市场部经理');
  await shot(page, '89-comments-desktop');
  await s.close();
});

test('comments: the 运营总监 is told in the notification centre, which opens the plan with the comment', async ({ session }) => {
  const planId = recall('commentsPlanId');
  expect(planId, 'needs the plan of the first test').toBeTruthy();
  const s = await session('ops_director');
  const { page } = s;
  const told = `张市场部经理在《${TITLE}》的评论中提到了您`;
  // planning's outbox → org's events endpoint: wait for it (a deadline, not a sleep)
  await expect.poll(async () => page.evaluate(async (id) => {
    const token = sessionStorage.getItem('yunguan.access');
    const res = await fetch('/api/org/me/notifications?limit=50', { headers: { Authorization: `Bearer ${token}` } });
    return res.ok ? (await res.json()).items.filter((n) => n.link === `/plans/${id}`).map((n) => n.title) : [`HTTP ${res.status}`];
  }, planId), { message: 'the mentioned person got no notification', timeout: 30_000 }).toContainEqual(told);

  // the bell asks when the page opens (and every 30 s): a fresh page counts it
  await page.reload();
  const bell = page.getByTestId('notification-bell');
  await expect(bell).toHaveAttribute('aria-label', /^通知，[1-9]\d* 条未读$/, { timeout: 35_000 });
  await bell.click();
  const dropdown = page.locator('.ant-dropdown:visible');
  await dropdown.getByTestId('bell-item').filter({ hasText: told }).waitFor();
  await dropdown.getByTestId('bell-view-all').click();
  await page.waitForURL(/\/notifications$/);
  const item = page.getByTestId('notification-item').filter({ hasText: told });
  await expect(item).toContainText('@李运营总监 请看一下全年销售目标是否合理。');
  await shot(page, '89-comments-notification');
  await item.getByRole('link', { name: told }).click();
  await page.waitForURL(new RegExp(`/plans/${planId}$`));
  const panel = await comments(page);
  const comment = panel.getByTestId('comment').filter({ hasText: '请看一下全年销售目标是否合理。' });
  await comment.waitFor();
  // not theirs: they may reply, not edit or delete
  await expect(comment.getByRole('button', { name: '回复' })).toBeVisible();
  await expect(comment.getByRole('button', { name: '编辑' })).toHaveCount(0);
  await s.close();
});

test('comments: market_mgr edits the comment within the window, and on a phone it reads the same', async ({ session }) => {
  const planId = recall('commentsPlanId');
  expect(planId, 'needs the plan of the first test').toBeTruthy();
  const s = await session('market_mgr');
  const { page } = s;
  await page.goto(`/plans/${planId}`);
  const panel = await comments(page);
  const shown = panel.getByTestId('comment').filter({ hasText: '请看一下全年销售目标是否合理。' });
  // by its id: while it is being edited its text is in a text box, not on the page
  const comment = panel.locator(`[data-comment-id="${await shown.getAttribute('data-comment-id')}"]`);
  await comment.getByRole('button', { name: '编辑' }).click();
  const box = comment.getByRole('textbox', { name: '修改评论' });
  await box.fill(`${await box.inputValue()}下周一前回复即可。`);
  await comment.getByRole('button', { name: /保\s*存/ }).click();
  const edited = panel.getByTestId('comment').filter({ hasText: '下周一前回复即可。' });
  await edited.waitFor();
  await expect(edited).toContainText('（已编辑）');
  await expect(edited.locator('.yg-mention')).toHaveText('@李运营总监');

  await page.setViewportSize({ width: 390, height: 844 });
  await edited.scrollIntoViewIfNeeded();
  await noSidewaysScroll(page, 'the plan with its comments');
  await shot(page, '89-comments-phone');
  await s.close();
});
