// Risks area: register and edit a risk, KRIs, actions, contingency activation, acceptance sign-off,
// and what a user without rights does not see. Test names start with "risk-ui" (YUNGUAN_E2E_ONLY=risk-ui).
import { test, expect, shot, dialogButton, stamp, remember, recall } from '../support.mjs';

const TITLE = `LNG储罐压力异常（浏览器测试 ${stamp}）`;

/** Pick an option of an antd Select (by its label inside a scope). */
async function pick(page, scope, label, option) {
  const box = scope.getByLabel(label, { exact: true });
  await box.locator('xpath=ancestor::div[contains(concat(" ", @class, " "), " ant-select ")][1]').click();
  if (!(await box.evaluate((el) => el.readOnly))) await box.fill(option);
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: option }).first().click();
}

test('risk-ui: the risk owner registers a risk and edits it', async ({ session }) => {
  const { page, close } = await session('supply_head');
  await page.goto('/risk');
  await page.getByRole('button', { name: /登记风险/ }).click();
  const dialog = page.getByRole('dialog');
  // the form fills in its defaults (the user's unit, themselves as owner) once open: a click
  // before that is undone by the reset, so wait for them
  await dialog.getByText('赵供应科主管').waitFor();
  await (await dialogButton(page, /保\s*存/)).click();
  await dialog.getByText('请填写风险名称').waitFor(); // validation as the API's: a title is required
  await dialog.getByLabel('风险名称').fill(TITLE);
  await pick(page, dialog, '类别', '设备');
  await dialog.getByLabel('描述与成因').fill('储罐安全阀老化，夏季高温时压力波动。');
  await dialog.getByLabel('可能性（1–5）').fill('3');
  await dialog.getByLabel('影响程度（1–5）').fill('4');
  await dialog.getByText('12', { exact: true }).waitFor(); // preview 3 × 4 = 12, high
  await shot(page, '50-risk-create');
  await (await dialogButton(page, /保\s*存/)).click();
  await page.waitForURL(/\/risk\/\d+$/);
  remember('riskUrl', page.url());
  await page.getByRole('heading', { name: TITLE }).waitFor();
  await page.getByText('3 × 4 = 12').first().waitFor();
  await page.getByText('已评估', { exact: true }).first().waitFor();
  // edit: strategy and status; treating a high risk without a plan is flagged before sending
  await page.getByRole('button', { name: /编辑风险/ }).click();
  const edit = page.getByRole('dialog');
  await edit.getByLabel('风险名称').waitFor();
  await pick(page, edit, '应对策略', '降低');
  await pick(page, edit, '状态', '处置中');
  await edit.getByText('高或重大风险须先制定应急预案才能进入处置。').waitFor();
  await pick(page, edit, '状态', '监控中');
  await edit.getByLabel('策略说明').fill('更换安全阀，增加巡检频次');
  await shot(page, '51-risk-edit');
  await (await dialogButton(page, /保\s*存/)).click();
  await page.getByText('风险已保存').waitFor();
  await page.locator('.ant-descriptions').getByText('更换安全阀，增加巡检频次').waitFor();
  await page.getByText('监控中', { exact: true }).first().waitFor();
  // the register lists it with an edit button for the owner
  await page.goto('/risk');
  await page.getByRole('link', { name: TITLE }).waitFor();
  expect(await page.getByRole('button', { name: `编辑 ${TITLE}` }).count(), 'the owner should see an edit button in the register').toBe(1);
  await close();
});

test('risk-ui: the owner adds a KRI and a measure, and completes the measure', async ({ session }) => {
  const riskUrl = recall('riskUrl');
  expect(riskUrl, 'needs the risk registered by the previous test').toBeTruthy();
  const { page, close } = await session('supply_head');
  await page.goto(riskUrl);
  const kris = page.getByTestId('risk-kris');
  await kris.getByText('尚未设置关键风险指标').waitFor();
  await kris.getByRole('button', { name: /添加指标/ }).click();
  const dialog = page.getByRole('dialog');
  await pick(page, dialog, '指标', 'order_completion_rate');
  await dialog.getByLabel('预警阈值').fill('90');
  await dialog.getByLabel('严重阈值').fill('95');
  await dialog.getByText('方向为“低于”时，严重阈值不能高于预警阈值').waitFor();
  await dialog.getByLabel('严重阈值').fill('80');
  await shot(page, '52-risk-kri');
  await (await dialogButton(page, /保\s*存/)).click();
  await page.getByText('关键风险指标已保存').waitFor();
  await kris.locator('.ant-table-row').first().getByText('低于 90 / 80').waitFor();
  // edit its thresholds (If-Match from a fresh read)
  await kris.getByRole('button', { name: /编\s*辑/ }).click();
  await page.getByRole('dialog').getByLabel('预警阈值').fill('92');
  await (await dialogButton(page, /保\s*存/)).click();
  await kris.getByText('低于 92 / 80').waitFor();
  // a measure, then progress and completion
  const actions = page.getByTestId('risk-actions');
  await actions.getByRole('button', { name: /添加措施/ }).click();
  await page.getByRole('dialog').getByLabel('措施').fill('更换储罐安全阀');
  await (await dialogButton(page, /保\s*存/)).click();
  await page.getByText('措施已添加').waitFor();
  const row = actions.locator('.ant-table-row').filter({ hasText: '更换储罐安全阀' });
  await row.getByText('待处理').waitFor();
  await row.getByRole('button', { name: /更新进展/ }).click();
  await page.getByRole('dialog').getByLabel('进展说明').fill('已下单采购安全阀');
  await (await dialogButton(page, /保\s*存/)).click();
  await row.getByText('进行中').waitFor();
  await row.getByRole('button', { name: /完\s*成/ }).click();
  await page.getByRole('dialog').getByLabel('完成情况说明').fill(''); // the progress note is offered; empty it is refused
  await (await dialogButton(page, /完\s*成/)).click();
  await page.getByRole('dialog').getByText('请说明完成情况').waitFor();
  await page.getByRole('dialog').getByLabel('完成情况说明').fill('安全阀已更换并校验');
  await (await dialogButton(page, /完\s*成/)).click();
  await page.getByText('措施已完成').waitFor();
  await row.getByText('已完成').waitFor();
  await shot(page, '53-risk-actions');
  await close();
});

test('risk-ui: a contingency plan is drawn up and activated', async ({ session }) => {
  const riskUrl = recall('riskUrl');
  expect(riskUrl, 'needs the risk registered by the first test').toBeTruthy();
  const { page, close } = await session('supply_head');
  await page.goto(riskUrl);
  const card = page.getByTestId('risk-contingency');
  await card.getByRole('button', { name: /制定预案/ }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('触发条件').fill('储罐压力超过设计压力的90%');
  await dialog.getByLabel('步骤').first().fill('开启备用储罐并泄压');
  await (await dialogButton(page, /添加步骤/)).click();
  await dialog.getByLabel('步骤').nth(1).fill('通知调度科调整供气');
  await dialog.getByLabel('启动后几天内完成').nth(1).fill('2');
  await dialog.getByLabel('备用资源').fill('备用储罐\nLNG槽车');
  await shot(page, '54-risk-contingency-edit');
  await (await dialogButton(page, /保\s*存/)).click();
  await page.getByText('应急预案已保存').waitFor();
  await card.getByText('储罐压力超过设计压力的90%').waitFor();
  await card.getByRole('button', { name: /启动预案/ }).click();
  await page.getByRole('dialog').getByLabel('启动原因').fill('压力报警');
  await (await dialogButton(page, /启动预案/)).click();
  await page.getByText('预案已启动，生成 2 项措施').waitFor();
  const actions = page.getByTestId('risk-actions');
  await actions.locator('.ant-table-row').filter({ hasText: '通知调度科调整供气' }).getByText('预案').waitFor();
  await card.getByText('预案已启动，其措施尚未全部完成。').waitFor();
  expect(await card.getByRole('button', { name: /启动预案/ }).count(), 'an active plan cannot be activated again').toBe(0);
  await page.getByText('处置中', { exact: true }).first().waitFor();
  await shot(page, '55-risk-contingency-activated');
  await close();
});

test('risk-ui: a late month raises its own alert beside the current month\'s', async ({ session }) => {
  const riskUrl = recall('riskUrl');
  expect(riskUrl, 'needs the risk and its KRI from the first tests').toBeTruthy();
  const { page, close } = await session('supply_head');
  await page.goto(riskUrl);
  // values arrive from other systems: December's first, then November's, late
  const raised = await page.evaluate(async (riskId) => {
    const form = new URLSearchParams({ grant_type: 'password', username: 'supply_head', password: 'Demo@2026' });
    const tok = await (await fetch('/api/org/auth/token', { method: 'POST', body: form })).json();
    const headers = { Authorization: `Bearer ${tok.access_token}`, 'Content-Type': 'application/json' };
    const kri = (await (await fetch(`/api/risk/kris?risk_id=${riskId}`, { headers })).json()).items[0];
    const post = async (value, period) => (await (await fetch(`/api/risk/kris/${kri.id}/values`, {
      method: 'POST', headers, body: JSON.stringify({ value, period }) })).json()).alert?.period;
    return [await post(85, '2026-12'), await post(78, '2026-11')];
  }, Number(riskUrl.split('/').pop()));
  expect(raised.join(), `each month should raise its own alert, got ${raised}`).toBe('2026-12,2026-11');
  await page.goto('/risk/alerts');
  const rows = page.locator('.ant-table-row').filter({ hasText: TITLE });
  await rows.filter({ hasText: '2026-11' }).getByText('严重', { exact: true }).waitFor();
  await rows.filter({ hasText: '2026-12' }).getByText('预警', { exact: true }).waitFor();
  expect(await rows.count(), 'one alert per month').toBe(2);
  await shot(page, '59-risk-alerts-per-month');
  await close();
});

test('risk-ui: ops_director signs off accepting a high risk', async ({ session }) => {
  const { page, close } = await session('ops_director');
  await page.goto('/risk');
  await page.getByRole('link', { name: '供应中断' }).click();
  await page.waitForURL(/\/risk\/\d+$/);
  await page.getByRole('button', { name: /签署风险接受/ }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByText(/这是高风险/).waitFor();
  await dialog.getByLabel('签署意见').fill('已购买中断险，接受剩余风险');
  await shot(page, '56-risk-acceptance');
  await (await dialogButton(page, /签\s*署/)).click();
  await page.getByText('风险接受已签署').waitFor();
  await page.getByTestId('risk-acceptance').getByText(/李运营总监 签署，有效期至/).waitFor();
  await page.getByText('监控中', { exact: true }).first().waitFor();
  await page.getByText('接受', { exact: true }).first().waitFor();
  await shot(page, '57-risk-accepted');
  await close();
});

test('risk-ui: users without rights see no edit buttons', async ({ session }) => {
  // admin views the whole company but holds no plan, veto or dispatch
  const { page, close } = await session('admin');
  await page.goto('/risk');
  await page.getByRole('link', { name: '燃气泄漏' }).waitFor();
  expect(await page.getByRole('button', { name: /登记风险/ }).count(), 'admin should not see 登记风险').toBe(0);
  expect(await page.getByRole('button', { name: /^编\s*辑/ }).count(), 'admin should see no edit buttons in the register').toBe(0);
  await page.getByRole('link', { name: '燃气泄漏' }).click();
  await page.waitForURL(/\/risk\/\d+$/);
  await page.getByText('管网或场站检测到燃气泄漏报警').waitFor();
  await page.getByTestId('risk-kris').waitFor();
  for (const name of [/编辑风险/, /签署风险接受/, /启动预案/, /编辑预案/, /添加措施/, /添加指标/, /提交评估/, /更新进展/]) {
    expect(await page.getByRole('button', { name }).count(), `admin should not see the button ${name}`).toBe(0);
  }
  await shot(page, '58-risk-readonly');
  await close();
  const analyst = await session('analyst');
  await analyst.page.goto('/risk');
  await analyst.page.getByText('没有符合条件的风险').waitFor();
  expect(await analyst.page.getByRole('button', { name: /登记风险/ }).count(), 'analyst should not see 登记风险').toBe(0);
  await analyst.close();
});
