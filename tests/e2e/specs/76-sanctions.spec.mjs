// Rewards and penalties (奖惩): 王总经理 (assess over the company) confirms the bonus the demo's finalised
// annual assessment of 市场部 proposed, and it shows in the register as confirmed, with the totals in 元; the
// assessment behind it shows its routine quarters rolled in by 30 %; 刘市场调研专员 sees only their own lines
// and cannot decide any; the same register on a phone (390×844).
import { test, expect, shot, menuTexts, dialogButton } from '../support.mjs';

test('sanctions: the general manager confirms a proposed department bonus and it appears in the register', async ({ session }) => {
  const s = await session('gm');
  const { page } = s;
  expect(await menuTexts(page)).toContain('奖惩登记');
  await page.goto('/kpi/sanctions');
  const register = page.getByTestId('sanctions-register');
  await register.getByTestId('sanction-line').first().waitFor();
  const proposed = register.getByTestId('sanction-line').filter({ hasText: '市场部' }).filter({ hasText: '待确认' })
    .filter({ hasText: '奖金' });
  await expect(proposed).toHaveCount(1);
  await expect(proposed).toContainText('50,000 元');
  await expect(proposed).toContainText('2025 年度考核');
  await expect(page.getByTestId('sanctions-totals')).toContainText('待确认金额');
  await shot(page, '76-sanctions-register-before');

  await proposed.getByRole('button', { name: /处\s*理/ }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByText('处理奖惩建议').waitFor();
  // changing it asks for a reason before anything is sent
  await dialog.getByText('更改后确认').click();
  await dialog.getByLabel('金额（元）').fill('18000');
  await (await dialogButton(page, /^确\s*认$/)).click();
  await dialog.getByText('更改或驳回须填写理由').waitFor();
  await shot(page, '76-sanctions-decision-dialog');
  // as proposed, then
  await dialog.getByText('按建议确认').click();
  await (await dialogButton(page, /^确\s*认$/)).click();
  await expect(dialog).toHaveCount(0);

  const confirmed = register.getByTestId('sanction-line').filter({ hasText: '市场部' }).filter({ hasText: '50,000 元' });
  await expect(confirmed).toContainText('已确认');
  await expect(confirmed).toContainText('处理人：王总经理');
  await expect(confirmed.getByRole('button', { name: /处\s*理/ })).toHaveCount(0);
  await expect(page.getByTestId('sanctions-totals')).toContainText('已确认奖励');
  await shot(page, '76-sanctions-register');

  // the assessment it came from: its routine quarters rolled into the annual total by 30 %
  await confirmed.getByRole('link').click();
  await page.waitForURL(/\/kpi\/assessments\/\d+$/);
  const routine = page.getByTestId('assessment-routine');
  await expect(routine).toContainText('日常考核折算（30%）');
  for (const q of ['2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4']) await expect(routine).toContainText(q);
  await expect(routine).toContainText('日常考核平均分');
  await routine.scrollIntoViewIfNeeded();
  await shot(page, '76-sanctions-assessment-routine');

  // the register on a phone: one card per line; the confirmed bonus says so and offers no decision
  await page.goto('/kpi/sanctions');
  await page.setViewportSize({ width: 390, height: 844 });
  const card = register.getByTestId('sanction-line').filter({ hasText: '市场部' }).filter({ hasText: '50,000 元' });
  await expect(card).toContainText('已确认');
  await expect(card.getByRole('button', { name: /处\s*理/ })).toHaveCount(0);
  await shot(page, '76-sanctions-phone-assessor');
  await page.setViewportSize({ width: 1366, height: 768 });

  // the scale, read by whoever is not the company admin
  await page.goto('/kpi/sanctions');
  await page.getByRole('tab', { name: '奖惩标准' }).click();
  await page.getByText('奖惩标准由公司管理员维护。').waitFor();
  await s.close();
});

test('sanctions: a specialist sees only their own lines, on a phone too, and decides nothing', async ({ session }) => {
  const s = await session('analyst');
  const { page } = s;
  await page.goto('/kpi/sanctions');
  const register = page.getByTestId('sanctions-register');
  const own = register.getByTestId('sanction-line');
  await expect(own.first()).toContainText('刘市场调研专员');
  for (const row of await own.all()) await expect(row).toContainText('刘市场调研专员');
  await expect(register.getByRole('button', { name: /处\s*理/ })).toHaveCount(0);
  await expect(page.getByTestId('sanctions-export')).toHaveCount(0);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await expect(register.getByTestId('sanction-line').first()).toContainText('刘市场调研专员');
  await shot(page, '76-sanctions-phone');
  await s.close();
});
