// The server speaks the user's language: a refused submission reads in Chinese, as the server wrote
// it (no status summary in front), and in English once the user switches the SPA to English.
import { test, expect, shot, dialogButton } from '../support.mjs';

const TITLE = '市场部2028年第二季度运营计划（未设目标）';

async function submit(page, button) {
  await page.locator('[data-action="submit"]').click();
  await (await dialogButton(page, button)).click();
}

test('language: a plan submitted without targets is refused in Chinese, then in English after switching', async ({ session }) => {
  const s = await session('market_mgr', { expectFailedRequests: true });
  const { page } = s;
  await page.goto('/plans/new');
  await page.getByLabel('期间').fill('2028-Q2');  // within the recordable years; 10-plans drafts 2028 itself
  await page.getByLabel('计划名称').fill(TITLE);
  await page.getByRole('button', { name: '保存为草稿' }).click();
  await page.waitForURL(/\/plans\/\d+$/);
  await page.getByText('草稿', { exact: true }).first().waitFor();

  await submit(page, /提\s*交/);
  const zh = page.locator('.ant-message-notice').filter({ hasText: '提交前请至少添加一项量化的业务目标。' });
  await zh.waitFor();
  expect((await zh.innerText()).trim(), "the message is not the server's Chinese detail alone")
    .toBe('提交前请至少添加一项量化的业务目标。');
  await shot(page, '50-language-refusal-zh');
  await page.getByText('草稿', { exact: true }).first().waitFor();  // nothing changed
  await page.keyboard.press('Escape');
  await page.getByRole('dialog').waitFor({ state: 'hidden' });

  await page.getByText('English', { exact: true }).click();
  await page.getByText('Draft', { exact: true }).first().waitFor();
  await submit(page, /Submit/);
  await page.locator('.ant-message-notice').filter({ hasText: 'Add at least one quantified target before submitting.' }).waitFor();
  await shot(page, '51-language-refusal-en');
  await s.close();
});
