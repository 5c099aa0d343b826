// Approval controls (issue 23): the department head withdraws a submitted plan (back to draft) and submits it
// again and copies (抄送) the market analyst; the operations review's approver hands it over (转办) to another
// holder of that stage's right, who finds it in 我的待办 and approves it; the copied analyst reads it, no more.
// Test names start with "controls" (YUNGUAN_E2E_ONLY=controls).
//
// The ops review needs 计划权 over the company held in 运营管理部; the demo company has one holder (李运营总监).
// The first test gives the department a deputy director (孙运营副总监) through org's admin API, as an
// administrator would, so the transfer has someone to go to.
import { test, expect, shot, dialogButton, stamp, remember, recall, PHONE, draftPlan } from '../support.mjs';

const PASSWORD = 'Demo@2026';
const DEPUTY = { username: 'ops_deputy', name: '孙运营副总监', title: '运营副总监' };
// one live plan per unit and period, within the periods plans may be entered for: the quarter follows the
// run's stamp (years 2017–2027; other specs plan 市场策划组's months of 2028)
const PERIOD = `${2017 + (Number(stamp) % 11)}-Q${1 + (Math.floor(Number(stamp) / 11) % 4)}`;
const PLAN = `市场策划组${PERIOD}季度计划（审批控制 ${stamp}）`;
const REASON = '本周在外地出差，请孙副总监代为审核';
const ANALYST = '刘市场调研专员';

async function api(path, { method = 'GET', token, json } = {}) {
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (json !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${process.env.YUNGUAN_E2E_BASE_URL}${path}`, { method, headers, body: json === undefined ? undefined : JSON.stringify(json) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function tokenOf(username) {
  const res = await fetch(`${process.env.YUNGUAN_E2E_BASE_URL}/api/org/auth/token`, {
    method: 'POST', body: new URLSearchParams({ grant_type: 'password', username, password: PASSWORD }),
  });
  expect(res.status, `${username} could not sign in`).toBe(200);
  return (await res.json()).access_token;
}

/** The plan's status tag in the page head. */
const statusTag = (page, text) => page.locator('.yg-page-head .ant-tag').filter({ hasText: new RegExp(`^${text}$`) });

test('controls: the admin gives 运营管理部 a deputy director, a second holder of the ops review', async () => {
  const token = await tokenOf('admin');
  const units = (await api('/api/org/units?limit=500', { token })).body.items;
  const ops = units.find((u) => u.code === 'OPS');
  const users = (await api('/api/org/users?limit=500', { token })).body.items;
  let deputy = users.find((u) => u.username === DEPUTY.username);
  if (!deputy) {
    const roles = (await api('/api/org/roles?limit=200', { token })).body.items;
    const role = roles.find((r) => r.key === 'operations_director');
    const made = await api('/api/org/users', { method: 'POST', token, json: {
      username: DEPUTY.username, display_name: DEPUTY.name, email: `${DEPUTY.username}@hdgas.example`, password: PASSWORD } });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    deputy = made.body;
    const post = await api('/api/org/positions', { method: 'POST', token, json: {
      unit_id: ops.id, role_id: role.id, title: DEPUTY.title, responsibilities: ['协助运营总监审核各部门运营计划'] } });
    expect(post.status, JSON.stringify(post.body)).toBe(201);
    const held = await api('/api/org/assignments', { method: 'POST', token, json: {
      user_id: deputy.id, position_id: post.body.id, start_date: '2026-01-01' } });
    expect(held.status, JSON.stringify(held.body)).toBe(201);
  }
  // org's own answer: the deputy now holds 计划权 over the company, held in 运营管理部
  const company = units.find((u) => u.code === 'HDGAS');
  const why = await api(`/api/org/authz/explain?user_id=${deputy.id}&right=plan&unit_id=${company.id}`, { token });
  expect(why.status, JSON.stringify(why.body)).toBe(200);
  expect(why.body.allowed, JSON.stringify(why.body)).toBe(true);
});

test('controls: market_mgr submits a plan, withdraws it back to draft, submits it again and copies the analyst', async ({ session }) => {
  const s = await session('market_mgr');
  const { page } = s;
  // drafted through the API with market_mgr's own token (the editor is another spec's subject)
  const planId = await draftPlan(page, { unitCode: 'MKT-PLN', period: PERIOD, title: PLAN,
    target: { indicator_code: 'customer_satisfaction', value: 93, unit: '%' } });
  remember('controlsPlanId', planId);

  await page.goto(`/plans/${planId}`);
  await page.getByTestId('plan-title').getByText(PLAN).waitFor();
  // a draft offers no withdrawal
  expect(await page.locator('[data-action="withdraw"]').count(), 'withdraw offered on a draft').toBe(0);
  await page.locator('[data-action="submit"]').click();
  await (await dialogButton(page, /提\s*交/)).click();
  await statusTag(page, '已提交').waitFor();

  // the submitter takes it back while nobody has acted on it; they are offered no approval controls
  const withdraw = page.locator('[data-action="withdraw"]');
  await withdraw.waitFor();
  for (const other of ['transfer', 'add_signer', 'approve']) {
    expect(await page.locator(`[data-action="${other}"]`).count(), `${other} offered to the submitter`).toBe(0);
  }
  await withdraw.click();
  const dialog = page.getByRole('dialog');
  await dialog.getByText('撤回后计划回到草稿').waitFor();
  await dialog.getByLabel(/意见/).fill('目标值需与策划组再核对');
  await (await dialogButton(page, /撤\s*回/)).click();
  await page.getByText('已撤回，计划回到草稿').waitFor();
  await statusTag(page, '草稿').waitFor();
  expect(await withdraw.count(), 'withdraw still offered on the draft').toBe(0);

  await page.locator('[data-action="submit"]').click();
  await page.getByRole('dialog').getByLabel(/意见/).fill('已核对，重新提交');
  await (await dialogButton(page, /提\s*交/)).click();
  await statusTag(page, '已提交').waitFor();
  // the submitter copies the market analyst (抄送), who may then read the plan, nothing more
  await page.locator('[data-action="cc"]').click();
  const copying = page.getByRole('dialog');
  await copying.getByLabel('抄送给').click();
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: ANALYST }).first().click();
  await page.keyboard.press('Escape');
  await copying.getByLabel('附言（可选）').fill('供市场调研组了解本季度目标');
  await (await dialogButton(page, /抄\s*送/)).click();
  await page.getByText(`已抄送给 ${ANALYST}`).waitFor();
  // the history says it was withdrawn, with the comment; the approval card lists who is copied
  await page.getByRole('tab', { name: '审批流程' }).click();
  const withdrawn = page.getByTestId('history-action').filter({ hasText: '撤回' });
  await withdrawn.getByText('目标值需与策划组再核对').waitFor();
  await page.getByTestId('plan-cc').getByText(ANALYST).waitFor();
  await s.close();
});

test('controls: ops_director transfers the review to the deputy, with a reason (desktop and phone)', async ({ session }) => {
  const planId = recall('controlsPlanId');
  expect(planId, 'needs the plan of the previous test').toBeTruthy();

  // on a phone first: the dialog has the screen's width and its picker works; cancelled, nothing sent
  const phone = await session('ops_director', PHONE);
  await phone.page.goto(`/plans/${planId}`);
  await phone.page.getByTestId('plan-title').getByText(PLAN).waitFor();
  await phone.page.locator('[data-action="transfer"]').click();
  const phoneDialog = phone.page.locator('.ant-modal').filter({ hasText: '转办给' });
  await phoneDialog.getByLabel('转办给').click();
  await phone.page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: DEPUTY.name }).click();
  await phoneDialog.getByLabel('转办理由').fill(REASON);
  const box = await phoneDialog.boundingBox();
  expect(box.width, `the dialog is ${box.width} px wide on a 390 px phone`).toBeGreaterThanOrEqual(370);
  expect(await phone.page.evaluate(() => document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth)).toBeLessThanOrEqual(0);
  await shot(phone.page, '87-controls-phone');
  await (await dialogButton(phone.page, /取\s*消/)).click();
  await phone.close();

  const s = await session('ops_director');
  const { page } = s;
  await page.goto(`/plans/${planId}`);
  await page.getByTestId('plan-title').getByText(PLAN).waitFor();
  await page.locator('[data-action="approve"]').waitFor();
  // 加签 offers the stage's holders and, marked 仅提意见, people who may only give an opinion; cancelled here
  await page.locator('[data-action="add_signer"]').click();
  const adding = page.getByRole('dialog');
  await adding.getByLabel('加签人').click();
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: DEPUTY.name }).waitFor();
  const advisory = page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: '仅提意见' });
  if (await advisory.count()) await advisory.first().click();
  else await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: DEPUTY.name }).click();
  await adding.getByText('前加签（先由其签署，再回到您）').waitFor();
  await adding.getByText('后加签（您签署后再由其签署）').click();
  await shot(page, '87-controls-add-signer');
  await (await dialogButton(page, /取\s*消/)).click();
  await page.locator('[data-action="transfer"]').click();
  const dialog = page.getByRole('dialog');
  // the reason is required, as the server requires it
  await (await dialogButton(page, /转\s*办/)).click();
  await dialog.getByText('请选择人员').waitFor();
  await dialog.getByText('请填写转办理由').waitFor();
  await dialog.getByLabel('转办给').click();
  const option = page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: DEPUTY.name });
  // named with where they hold the right and their post, never by id; the submitter is no candidate
  await option.getByText(`${DEPUTY.name} · 运营管理部 · ${DEPUTY.title}`).waitFor();
  expect(await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: '张市场部经理' }).count(),
    'the submitter is offered as a transferee').toBe(0);
  await option.click();
  await dialog.getByLabel('转办理由').fill(REASON);
  await shot(page, '87-controls-desktop');
  await (await dialogButton(page, /转\s*办/)).click();
  await page.getByText(`已转办给 ${DEPUTY.name}`).waitFor();
  // the signature is the deputy's now: no approve or transfer left for the director
  await expect(page.locator('[data-action="approve"]')).toHaveCount(0);
  await expect(page.locator('[data-action="transfer"]')).toHaveCount(0);
  await page.getByRole('tab', { name: '审批流程' }).click();
  await page.getByTestId('history-action').filter({ hasText: '转办' }).getByText(REASON).waitFor();
  await page.getByTestId('stage-controls').getByText(new RegExp(`李运营总监 → ${DEPUTY.name}`)).waitFor();
  await shot(page, '87-controls-stages');
  await s.close();
});

test('controls: the deputy finds the plan in 我的待办 and approves it on the phone', async ({ session }) => {
  const planId = recall('controlsPlanId');
  expect(planId, 'needs the plan of the earlier tests').toBeTruthy();
  const s = await session(DEPUTY.username, PHONE);
  const { page } = s;
  await page.goto('/inbox');
  const item = page.getByTestId('inbox-pending_approvals').locator('.ant-list-item').filter({ hasText: PLAN });
  await item.getByRole('link', { name: PLAN }).click();
  await page.waitForURL(new RegExp(`/plans/${planId}`));
  await page.getByTestId('plan-title').getByText(PLAN).waitFor();
  await page.locator('[data-action="approve"]').click();
  await page.getByRole('dialog').getByLabel(/意见/).fill('已审核，报管理层审批。');
  await (await dialogButton(page, /批\s*准/)).click();
  await page.getByText(/已批准/).first().waitFor();
  // the ops review is done with the deputy's signature; the plan waits on management now
  await page.getByRole('tab', { name: '审批流程' }).click();
  await page.getByTestId('history-action').filter({ hasText: '批准' }).filter({ hasText: DEPUTY.name }).waitFor();
  await statusTag(page, '已提交').waitFor();
  expect(await page.evaluate(() => document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth)).toBeLessThanOrEqual(0);
  await shot(page, '87-controls-phone-approved');
  await s.close();
});

test('controls: the copied analyst reads the plan of another team and is offered no decision', async ({ session }) => {
  const planId = recall('controlsPlanId');
  expect(planId, 'needs the plan of the earlier tests').toBeTruthy();
  const s = await session('analyst');
  const { page } = s;
  await page.goto(`/plans/${planId}`);
  await page.getByTestId('plan-title').getByText(PLAN).waitFor();
  for (const decision of ['approve', 'return', 'veto', 'transfer', 'add_signer', 'withdraw', 'cc']) {
    expect(await page.locator(`[data-action="${decision}"]`).count(), `${decision} offered to a copied reader`).toBe(0);
  }
  await s.close();
});
