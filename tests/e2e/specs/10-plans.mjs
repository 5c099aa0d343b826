// Plans: linked risks in the editor and on the plan; task dispatch (调度) and the owner's progress updates.
export default function ({ test, session, shot, expect, base, dialogButton }) {
  const TITLE = '市场部2028年度运营计划（风险关联）';
  const TASK = '工商户开发专项行动';

  test('plans-risks: market_mgr links a register risk in the editor and sees it with its level on the plan', async () => {
    const s = await session('market_mgr');
    const { page } = s;
    await page.goto(`${base()}/plans/new`);
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
    expect(await card.locator('.ant-tag').count() > 0, 'the linked risk shows no level');
    await card.scrollIntoViewIfNeeded();
    await shot(page, '31-plan-linked-risks');
    await link.click();
    await page.waitForURL(/\/risk\/\d+$/);
    await page.getByText('市场竞争加剧').first().waitFor();
    await s.close();
  });

  test('plans-tasks: market_mgr dispatches a task with a new owner and deadline', async () => {
    const s = await session('market_mgr');
    const { page } = s;
    await page.goto(`${base()}/plans/tasks?tab=dispatch`);
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

  test('plans-tasks: the new owner reports progress with a note and evidence, and sees no dispatch', async () => {
    const s = await session('analyst');
    const { page } = s;
    await page.goto(`${base()}/plans/tasks`);
    const row = page.locator('tr').filter({ hasText: TASK }).first();
    await row.waitFor();
    expect(await page.getByRole('button', { name: /调\s*度$/ }).count() === 0, 'a specialist without 调度权 is offered dispatch');
    expect(await page.getByRole('tab', { name: '任务调度' }).count() === 0, 'a specialist without 调度权 sees the dispatch tab');
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
    expect(await page.getByRole('button', { name: /调\s*度$/ }).count() === 0, 'dispatch offered on the plan to a specialist');
    await s.close();
  });

  test('plans-tasks: the dispatcher sees the progress on the plan', async () => {
    const s = await session('market_mgr');
    const { page } = s;
    await page.goto(`${base()}/plans/tasks?tab=dispatch&show=all`);
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
}
