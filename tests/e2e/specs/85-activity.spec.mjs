// The activity stream (动态) of records: a plan's shows its submission and approval with people's names in
// Chinese, a risk's its registration, and a task's 「讨论」 opens a drawer with 动态 / 评论 / 附件 — on a desk and
// on a phone (390×844). Test names start with "activity" (YUNGUAN_E2E_ONLY=activity).
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test, expect, shot, stamp, remember, recall, frontend, PHONE } from '../support.mjs';

// installed in frontend/node_modules, out of reach of a bare import from tests/ (as in 83-a11y)
const { AxeBuilder } = createRequire(join(frontend, 'package.json'))('@axe-core/playwright');

// a monthly plan of 市场调研组 (one live plan per unit and period: the month follows the run's stamp)
const MONTH = `2028-${String((Number(stamp) % 12) + 1).padStart(2, '0')}`;
const PLAN = `市场调研组${MONTH}月度计划（动态测试 ${stamp}）`;
const TASK = `竞品价格调研（动态测试 ${stamp}）`;
const RISK = `调研样本偏差（动态测试 ${stamp}）`;

/** fetch() with the signed-in person's token, from inside their page; the JSON answer or a thrown error. */
async function call(page, path, { method = 'GET', body, ifMatch } = {}) {
  return page.evaluate(async ({ path, method, body, ifMatch }) => {
    const token = sessionStorage.getItem('yunguan.access');
    const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...(ifMatch ? { 'If-Match': ifMatch } : {}) };
    const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
    return JSON.parse(text);
  }, { path, method, body, ifMatch });
}

/** axe's serious and critical violations inside the collaboration panel, one line each. */
async function panelViolations(page) {
  const result = await new AxeBuilder({ page }).include('[data-testid="record-collab"]')
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

/** Nothing on the page is wider than the window. */
async function noSidewaysScroll(page, where) {
  const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  expect(scroll, `${where} is ${scroll} px wide in a ${client} px window`).toBeLessThanOrEqual(client);
}

test('activity: a plan\'s 动态 shows its submission and approval with people\'s names in Chinese', async ({ session }) => {
  // the task's owner: 刘市场调研专员 of 市场调研组
  const analyst = await session('analyst');
  const owner = (await call(analyst.page, '/api/org/me')).user;
  await analyst.close();
  // drafted and submitted through the API with market_mgr's own token (the editor is another spec's subject)
  const mgr = await session('market_mgr');
  const me = await call(mgr.page, '/api/org/me');
  const units = await call(mgr.page, '/api/org/units?limit=500');
  const team = units.items.find((u) => u.code === 'MKT-RES');
  const plan = await call(mgr.page, '/api/planning/plans', { method: 'POST', body: {
    unit_id: team.id, period: MONTH, title: PLAN, targets: [{ indicator_code: 'customer_satisfaction', value: 92, unit: '%' }],
    tasks: [{ title: TASK, owner_id: owner.id, owner_name: owner.display_name }] } });
  await call(mgr.page, `/api/planning/plans/${plan.id}/submit`, { method: 'POST', body: { comment: '请审核' },
    ifMatch: `"plan-${plan.id}-v${plan.version}"` });
  remember('activityPlanId', plan.id);
  remember('activityManager', me.user.display_name);
  await mgr.close();

  const s = await session('ops_director');
  const { page } = s;
  const current = await call(page, `/api/planning/plans/${plan.id}`);
  await call(page, `/api/planning/plans/${plan.id}/approve`, { method: 'POST', body: { comment: '同意，按期公示。' },
    ifMatch: `"plan-${plan.id}-v${current.version}"` });
  await page.goto(`/plans/${plan.id}`);
  await page.getByTestId('plan-title').getByText(PLAN).waitFor();
  await page.getByRole('tab', { name: '动态与讨论' }).click();
  const panel = page.getByTestId('activity-panel');
  const entries = panel.getByTestId('activity-entry');
  // newest first: the approval (by name, with the stage and the 意见), then the submission, then the draft
  await expect(entries.nth(0)).toContainText('李运营总监 批准了计划（运营管理部汇总审核）');
  await expect(entries.nth(0)).toContainText('同意，按期公示。');
  await expect(entries.nth(0)).toContainText('已提交 → 已批准');
  await expect(entries.nth(1)).toContainText(`${me.user.display_name} 提交了计划，待运营管理部汇总审核`);
  await expect(entries.nth(1)).toContainText('请审核');
  await expect(entries.nth(2)).toContainText(`${me.user.display_name} 创建了计划`);
  await expect(entries).toHaveCount(3);
  expect(await panel.innerText(), 'an entry names someone by a bare id').not.toMatch(/用户 ?#?\d|\bsub\b/);
  // the tabs of the collaboration panel
  for (const tab of ['动态', '评论', '附件']) await page.getByTestId('record-collab').getByRole('tab', { name: tab }).waitFor();
  expect(await panelViolations(page), 'axe on the plan\'s 动态').toEqual([]);
  await shot(page, '85-activity-plan');
  await s.close();

  const phone = await session('ops_director', PHONE);
  await phone.page.goto(`/plans/${plan.id}?tab=discussion`);
  await phone.page.getByTestId('activity-panel').getByText('李运营总监 批准了计划（运营管理部汇总审核）').waitFor();
  await noSidewaysScroll(phone.page, 'the plan page with its 动态');
  await shot(phone.page, '85-activity-plan-phone');
  await phone.close();
});

test('activity: a risk\'s 动态 shows its registration', async ({ session }) => {
  const s = await session('supply_head');
  const { page } = s;
  const units = await call(page, '/api/org/units?limit=500');
  const sup = units.items.find((u) => u.code === 'OPS-SUP');
  const risk = await call(page, '/api/risk/risks', { method: 'POST', body: { title: RISK, category: 'supply_chain', unit_id: sup.id } });
  await page.goto(`/risk/${risk.id}`);
  await page.getByRole('heading', { name: RISK }).waitFor();
  const panel = page.getByTestId('activity-panel');
  await expect(panel.getByTestId('activity-entry').first()).toContainText('赵供应科主管 登记了风险');
  await expect(panel.getByTestId('activity-entry').first()).toContainText('已识别');
  await panel.scrollIntoViewIfNeeded();
  await shot(page, '85-activity-risk');
  await s.close();
});

test('activity: a task\'s 讨论 opens its 动态, 评论 and 附件 in a drawer, the whole width on a phone', async ({ session }) => {
  const planId = recall('activityPlanId');
  expect(planId, 'needs the plan of the first test').toBeTruthy();
  const s = await session('market_mgr');
  const { page } = s;
  await page.goto(`/plans/${planId}?tab=tasks`);
  const row = page.locator('.ant-table-row').filter({ hasText: TASK });
  await row.getByRole('button', { name: `讨论 ${TASK}` }).click();
  const drawer = page.locator('.yg-discuss-drawer .ant-drawer-content');
  await drawer.getByText(`讨论：${TASK}`).waitFor();
  for (const tab of ['动态', '评论', '附件']) await drawer.getByRole('tab', { name: tab }).waitFor();
  // nothing has happened to the task yet: its 动态 says so rather than showing the plan's entries
  await drawer.getByText('暂无动态').waitFor();
  await shot(page, '85-activity-task-drawer');
  await s.close();

  const phone = await session('market_mgr', PHONE);
  await phone.page.goto(`/plans/${planId}?tab=tasks`);
  await phone.page.locator('.ant-table-row').filter({ hasText: TASK }).getByRole('button', { name: `讨论 ${TASK}` }).click();
  const sheet = phone.page.locator('.yg-discuss-drawer .ant-drawer-content-wrapper');
  await sheet.getByText(`讨论：${TASK}`).waitFor();
  const box = await sheet.boundingBox();
  expect(box.width, `the drawer is ${box.width} px wide on a 390 px phone`).toBeGreaterThanOrEqual(389);
  await shot(phone.page, '85-activity-task-drawer-phone');
  await phone.close();
});
