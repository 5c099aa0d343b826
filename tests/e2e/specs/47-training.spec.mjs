// 培训管理: a training plan approved with a reason by the holder of guide over its unit, the attendance sheet on a
// phone, and a person's records and expiring certificate. Test names start with "training-ui"
// (YUNGUAN_E2E_ONLY=training-ui).
import { test, expect, shot } from '../support.mjs';

test('training-ui: 运营总监 approves 供应科\'s training plan with a reason from the plans awaiting him', async ({ session }) => {
  const { page, close } = await session('ops_director');
  await page.goto('/org/training/plans');
  await page.getByRole('tab', { name: '待我审批' }).click();
  const row = page.locator('.ant-tabs-tabpane-active .ant-table-row').filter({ hasText: '供应科2027年度培训计划' });
  await row.getByText('待审批', { exact: true }).waitFor();
  await shot(page, '80-training-plans-awaiting');
  await row.getByRole('button', { name: /批\s*准/ }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('理由').fill('课程覆盖供应岗位任职要求，同意。');
  await dialog.getByRole('button', { name: /批\s*准/ }).click();
  await page.getByText('已审批').first().waitFor();
  await page.getByRole('tab', { name: '全部计划' }).click();
  const approved = page.locator('.ant-tabs-tabpane-active .ant-table-row').filter({ hasText: '供应科2027年度培训计划' });
  await approved.getByText('已批准', { exact: true }).waitFor();
  await approved.getByText('李运营总监：课程覆盖供应岗位任职要求，同意。').waitFor();
  await shot(page, '81-training-plan-approved');
  await close();
});

test('training-ui: the attendance sheet fits a phone and the unit\'s completion rate shows beside the sessions', async ({ session }) => {
  const { page, close } = await session('ops_director');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/org/training/sessions');
  await page.getByText('培训完成率 · 月度 2026-11').waitFor();
  await expect(page.locator('.ant-statistic').first()).toContainText('75%');
  const card = page.locator('.ant-card').filter({ hasText: '2026-11-20' });
  await card.getByRole('button', { name: '签到与成绩' }).click();
  const sheet = page.locator('.ant-drawer-content');
  await sheet.getByText('赵供应科主管').waitFor();
  await shot(page, '82-training-attendance-phone');
  const width = await sheet.evaluate((el) => el.getBoundingClientRect().width);
  expect(width).toBeLessThanOrEqual(390);
  await sheet.getByRole('switch', { name: '李运营总监 出勤' }).click();
  await sheet.getByText('应到 2 人，出勤 2 人，缺勤 0 人').waitFor();
  await page.getByTestId('save-sheet').click();
  await page.getByText('已保存签到表，培训完成率已更新').waitFor();
  await close();
});

test('training-ui: a person sees their records and their certificate expiring, also in My work', async ({ session }) => {
  const { page, close } = await session('supply_head');
  await page.goto('/org/training/mine');
  await page.getByText('调度系统操作培训').first().waitFor();
  const cert = page.locator('.ant-table-row').filter({ hasText: '燃气经营企业从业人员资格证' });
  await cert.getByText('即将到期', { exact: true }).waitFor();
  await shot(page, '83-training-mine');
  await page.goto('/inbox');
  await page.getByTestId('inbox-certifications_expiring').getByText('赵供应科主管《燃气经营企业从业人员资格证》').waitFor();
  await close();
});
