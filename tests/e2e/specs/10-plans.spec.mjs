// Plans: linked risks in the editor and on the plan; task dispatch (调度) and the owner's progress updates;
// a vetoed adjustment (计划调整) leaves the issued plan in force.
import { test, expect, shot, dialogButton, popconfirmButton, remember, recall } from '../support.mjs';

const TITLE = '市场部2028年度运营计划（风险关联）';
const TASK = '工商户开发专项行动';

test('plans-risks: market_mgr links a register risk in the editor and sees it with its level on the plan', async ({ session }) => {
  const s = await session('market_mgr');
  const { page } = s;
  await page.goto('/plans/new');
  await page.getByLabel('期间').fill('2028');
  await page.getByLabel('计划名称').fill(TITLE);
  const picker = page.getByLabel('关联风险');
  await picker.click();
  await picker.fill('市场竞争');
  await page.locator('.ant-select-item-option').filter({ hasText: '市场竞争加剧' }).first().click();
  await page.keyboard.press('Escape');
  await page.locator('.ant-select-selection-item').filter({ hasText: '市场竞争加剧' }).waitFor();
  await shot(page, '30-plan-editor-linked-risk');
  await page.getByRole('button', { name: '保存为草稿' }).click();
  await page.waitForURL(/\/plans\/\d+$/);
  const card = page.getByTestId('linked-risks');
  const link = card.getByRole('link', { name: /市场竞争加剧/ });
  await link.waitFor();
  expect(await card.locator('.ant-tag').count(), 'the linked risk shows no level').toBeGreaterThan(0);
  await card.scrollIntoViewIfNeeded();
  await shot(page, '31-plan-linked-risks');
  await link.click();
  await page.waitForURL(/\/risk\/\d+$/);
  await page.getByText('市场竞争加剧').first().waitFor();
  await s.close();
});

test('plans-tasks: market_mgr dispatches a task with a new owner and deadline', async ({ session }) => {
  const s = await session('market_mgr');
  const { page } = s;
  await page.goto('/plans/tasks?tab=dispatch');
  const row = page.locator('tr').filter({ hasText: TASK }).first();
  await row.waitFor();
  await shot(page, '32-plan-tasks-dispatch-list');
  await row.getByRole('button', { name: /调\s*度$/ }).click();
  const dialog = page.getByRole('dialog');
  await dialog.locator('.ant-form-item').filter({ hasText: '责任人' }).locator('.ant-select-selector').click();
  await page.keyboard.type('刘市场');
  await page.locator('.ant-select-item-option').filter({ hasText: '刘市场调研专员' }).first().click();
  await dialog.getByLabel('完成期限').fill('2026-12-31');
  await page.keyboard.press('Enter');
  await dialog.getByLabel('调度说明').fill('改由调研组牵头，年底前完成');
  await shot(page, '33-plan-task-dispatch-dialog');
  await (await dialogButton(page, /确认调度/)).click();
  await page.getByText('任务已调度').waitFor();
  await page.locator('tr').filter({ hasText: TASK }).filter({ hasText: '刘市场调研专员' }).filter({ hasText: '2026-12-31' }).first().waitFor();
  await s.close();
});

test('plans-tasks: the new owner reports progress with a note and evidence, and sees no dispatch', async ({ session }) => {
  const s = await session('analyst');
  const { page } = s;
  await page.goto('/plans/tasks');
  const row = page.locator('tr').filter({ hasText: TASK }).first();
  await row.waitFor();
  expect(await page.getByRole('button', { name: /调\s*度$/ }).count(), 'a specialist without 调度权 is offered dispatch').toBe(0);
  expect(await page.getByRole('tab', { name: '任务调度' }).count(), 'a specialist without 调度权 sees the dispatch tab').toBe(0);
  await row.getByRole('button', { name: '报进度' }).click();
  const dialog = page.getByRole('dialog');
  const percent = dialog.getByLabel('完成百分比');
  await percent.fill('75');
  await dialog.getByLabel('进展说明').fill('已走访餐饮用户22家，签约8家');
  const evidence = dialog.getByLabel('佐证材料');
  await evidence.click();
  await evidence.fill('https://docs.example.com/visits-2026-12.xlsx');
  await page.keyboard.press('Enter');
  await shot(page, '34-plan-task-progress-dialog');
  await (await dialogButton(page, /提交进度/)).click();
  await page.getByText('进度已更新').waitFor();
  const updated = page.locator('tr').filter({ hasText: TASK }).first();
  await updated.getByText('75%').waitFor();
  await updated.locator('.ant-table-row-expand-icon').click();
  await page.getByText('已走访餐饮用户22家，签约8家').waitFor();
  await page.getByRole('link', { name: /visits-2026-12/ }).waitFor();
  await shot(page, '35-plan-task-progress-log');
  // on the plan itself, still no dispatch for the specialist
  await updated.getByRole('link').first().click();
  await page.waitForURL(/\/plans\/\d+$/);
  await page.getByRole('tab', { name: /工作任务/ }).click();
  await page.locator('tr').filter({ hasText: TASK }).first().waitFor();
  expect(await page.getByRole('button', { name: /调\s*度$/ }).count(), 'dispatch offered on the plan to a specialist').toBe(0);
  await s.close();
});

test('plans-tasks: the dispatcher sees the progress on the plan', async ({ session }) => {
  const s = await session('market_mgr');
  const { page } = s;
  await page.goto('/plans/tasks?tab=dispatch&show=all');
  const row = page.locator('tr').filter({ hasText: TASK }).first();
  await row.getByText('75%').waitFor();
  await row.getByRole('link').first().click();
  await page.waitForURL(/\/plans\/\d+$/);
  await page.getByRole('tab', { name: /工作任务/ }).click();
  const onPlan = page.locator('tr').filter({ hasText: TASK }).first();
  await onPlan.getByRole('button', { name: /调\s*度$/ }).waitFor();
  await onPlan.locator('.ant-table-row-expand-icon').click();
  await page.getByText('已走访餐饮用户22家，签约8家').waitFor();
  await shot(page, '36-plan-tasks-with-progress');
  await s.close();
});

const SZ_PLAN = '苏州分公司2026年度运营计划';
const VETO = '调整依据不足，维持年初下达的目标';

test('plans-revision: branch_gm adjusts the issued plan and submits the revision, with the issued version in force', async ({ session }) => {
  const s = await session('branch_gm');
  const { page } = s;
  await page.goto('/plans');
  await page.getByRole('link', { name: SZ_PLAN }).first().click();
  await page.waitForURL(/\/plans\/\d+$/);
  remember('szUrl', page.url());
  await page.locator('[data-action="revise"]').click();
  // the reason is required, as the server requires it
  await (await dialogButton(page, /调\s*整/)).click();
  await page.getByRole('dialog').getByText('请填写内容').waitFor();
  await page.getByRole('dialog').getByLabel('意见（调整原因）').fill('苏州工业用户外迁，下调销售目标');
  await shot(page, '37-plan-revise-dialog');
  await (await dialogButton(page, /调\s*整/)).click();
  await page.getByText('草稿', { exact: true }).first().waitFor();
  await page.getByRole('link', { name: /编\s*辑/ }).click();
  await page.waitForURL(/\/edit$/);
  await page.getByLabel('目标值').first().fill('20000');
  await page.getByRole('button', { name: /保\s*存/ }).click();
  await page.waitForURL(/\/plans\/\d+$/);
  await page.locator('[data-action="submit"]').click();
  await (await dialogButton(page, /提\s*交/)).click();
  await page.getByText('已提交', { exact: true }).first().waitFor();
  const inForce = page.getByTestId('in-force');
  await inForce.getByText('现行有效的是第 1 版（已下达）').waitFor();
  await inForce.getByText(/22,000/).waitFor();
  await shot(page, '38-plan-revision-submitted-in-force');
  await s.close();
});

test('plans-revision: gm vetoes the adjustment and the plan stays issued with its issued targets', async ({ session }) => {
  const s = await session('gm');
  const { page } = s;
  await page.goto(recall('szUrl'));
  await page.locator('[data-action="veto"]').click();
  await page.getByRole('dialog').getByLabel('理由').fill(VETO);
  await (await dialogButton(page, /否\s*决/)).click();
  await page.getByText('已下达', { exact: true }).first().waitFor();
  await s.close();

  const owner = await session('branch_gm');
  const p = owner.page;
  await p.goto(recall('szUrl'));
  await p.getByText('已下达', { exact: true }).first().waitFor();
  await p.getByTestId('in-force-revision').getByText('现行版本：第 1 版').waitFor();
  const sales = p.locator('tr').filter({ hasText: '销售额' }).first();
  await sales.getByText('22,000').waitFor();
  const rejected = p.getByTestId('rejected-revisions');
  await rejected.getByText('第 2 版 · 已否决').waitFor();
  await rejected.getByTestId('veto-reason').getByText(VETO, { exact: false }).waitFor();
  await rejected.getByText(/20,000/).waitFor();
  expect(await p.getByTestId('in-force').count(), 'an in-force notice is still shown after the veto').toBe(0);
  expect(await p.locator('[data-action="revise"]').count(), 'revise is not offered again after the veto').toBe(1);
  await rejected.scrollIntoViewIfNeeded();
  await shot(p, '39-plan-vetoed-revision-issued-in-force');
  await owner.close();
});

test('plans-balancing: ops_director proposes a balancing adjustment of 苏州分公司\'s target, gm applies it, the plan shows it', async ({ session }) => {
  const REASON = '公司销售目标缺口，由苏州分公司承担1000万元';
  const s = await session('ops_director');
  const { page } = s;
  await page.goto('/plans/consolidation?unit_id=1&period=2026');
  await page.getByText('下级汇总占上级目标的比例').waitFor();
  await page.locator('.ant-select').filter({ hasText: '下级计划' }).click();
  await page.locator('.ant-select-item-option').filter({ hasText: '苏州分公司' }).first().click();
  await page.locator('.ant-select').filter({ hasText: /^指标$/ }).click();
  await page.locator('.ant-select-item-option').filter({ hasText: '销售额' }).first().click();
  await page.getByPlaceholder('目标值').fill('23000');
  await page.getByPlaceholder('理由').fill(REASON);
  await page.getByRole('button', { name: '添加调整' }).click();
  await page.getByText('平衡调整已记录').waitFor();
  const row = page.locator('tr').filter({ hasText: REASON });
  await row.getByText('待批准').waitFor();
  await row.getByText('22,000 → 23,000').waitFor();
  // the proposer does not apply it: only a holder of the plan right over the company, someone else
  await s.close();

  const g = await session('gm');
  await g.page.goto('/plans/consolidation?unit_id=1&period=2026');
  const gmRow = g.page.locator('tr').filter({ hasText: REASON });
  await gmRow.getByRole('button', { name: '批准生效' }).click();
  await (await popconfirmButton(g.page, /确\s*定|OK/)).click();
  await g.page.getByText('平衡调整已生效').waitFor();
  await gmRow.getByText('已生效').waitFor();
  await gmRow.scrollIntoViewIfNeeded();
  await shot(g.page, '40-consolidation-adjustment-applied');
  await gmRow.getByRole('link', { name: SZ_PLAN }).click();
  await g.page.waitForURL(/\/plans\/\d+$/);
  await g.page.locator('tr').filter({ hasText: '销售额' }).first().getByText('23,000').waitFor();
  const onPlan = g.page.getByTestId('plan-adjustments');
  await onPlan.getByText(REASON).waitFor();
  await onPlan.getByText('已生效').waitFor();
  await onPlan.scrollIntoViewIfNeeded();
  await shot(g.page, '41-plan-with-applied-adjustment');
  await g.close();
});
