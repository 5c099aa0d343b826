// Process optimisation projects (流程优化项目): the owner records the current stage's document and moves
// on, a holder of 考核权 passes the evaluation, a review that is due is recorded; the register and the
// project page at desktop and phone width. Test names start with "improvement-ui" (YUNGUAN_E2E_ONLY=improvement-ui).
import { test, expect, shot, dialogButton, popconfirmButton } from '../support.mjs';

const HALF_WAY = '工商户报装流程优化'; // demo: 市场调研组, at 方案, owned by 刘市场调研专员
const IN_REVIEW = '供应商到货验收流程优化'; // demo: 供应科, in periodic review, the review date just passed

test('improvement-ui: the owner writes the proposal and moves the project on to evaluation', async ({ session }) => {
  const { page, close } = await session('analyst');
  await page.getByTestId('inbox-improvement_steps').getByRole('link', { name: HALF_WAY }).first().click();
  await page.waitForURL(/\/improvement\/projects\/\d+$/);
  await page.getByTestId('project-title').getByText(HALF_WAY).waitFor();
  const current = page.getByTestId('current-stage');
  await current.getByText('优化方案（当前阶段）').waitFor();
  await expect(current.getByTestId('advance')).toBeDisabled(); // no document yet
  await current.getByText('请先记录本阶段的文档。').waitFor();
  await current.getByLabel('摘要').fill('统一资料清单，勘察线上预约，营业厅与工程部联合审核。');
  await current.getByLabel('正文').fill('1. 发布统一资料清单；\n2. 勘察排期表线上公开预约；\n3. 联合审核一次办结。');
  await current.getByRole('button', { name: /保存文档/ }).click();
  await page.getByText('已保存').first().waitFor();
  await shot(page, '75-improvement-proposal');
  await current.getByTestId('advance').click();
  await page.getByText('已进入评估阶段').waitFor();
  await page.getByTestId('current-stage').getByText('评估意见（当前阶段）').waitFor();
  // the owner writes the evaluation's document but may not pass it
  await page.getByTestId('current-stage').getByText('评估阶段须由对本单位有考核权的人通过。').waitFor();
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(page, '75-improvement-project-phone');
  await close();
});

test('improvement-ui: the manager who holds 考核权 passes the evaluation from the register', async ({ session }) => {
  const { page, close } = await session('market_mgr');
  await page.goto('/improvement/projects');
  await page.getByRole('link', { name: HALF_WAY }).click();
  const current = page.getByTestId('current-stage');
  await current.getByText('评估意见（当前阶段）').waitFor();
  await current.getByLabel('摘要').fill('方案可行，成本可控，同意实施。');
  await current.getByRole('button', { name: /保存文档/ }).click();
  await page.getByText('已保存').first().waitFor();
  await current.getByTestId('advance').click();
  await (await popconfirmButton(page, /确\s*定|OK/)).click();
  await page.getByText('已进入实施阶段').waitFor();
  await page.getByTestId('milestones').getByLabel('里程碑').fill('统一资料清单发布');
  await page.getByTestId('milestones').getByRole('button', { name: /添加里程碑/ }).waitFor();
  await close();
});

test('improvement-ui: the owner of a project in review records that it is effective', async ({ session }) => {
  const { page, close } = await session('supply_head');
  await page.goto('/improvement/projects?review_due=true');
  await page.getByRole('link', { name: IN_REVIEW }).waitFor();
  await shot(page, '75-improvement-register');
  await page.getByRole('link', { name: IN_REVIEW }).click();
  const reviews = page.getByTestId('reviews');
  await reviews.getByText('评审已到期').waitFor();
  await reviews.getByRole('button', { name: /记录评审/ }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByText('有效', { exact: true }).click();
  await (await dialogButton(page, /确\s*定|OK/)).click();
  await page.getByText('评审已记录').waitFor();
  await expect(reviews.getByText('评审已到期')).toHaveCount(0);
  await shot(page, '75-improvement-reviewed');
  await close();
});
