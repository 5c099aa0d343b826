// Print and PDF (issue 21): each source page's 打印 / PDF button opens the record's print view in a
// new tab, outside the app's chrome; a plan's view printed to PDF by Chromium carries the plan's
// Chinese title, its 文号 and its issuing unit as text; the consolidation, an assessment result, the
// risk register and the weekly meeting's minutes render their key content; a reader the service
// refuses gets the refusal, not a document. Screenshots of the print views (print media) go to build/e2e/84-*.png
// and the plan's PDF to build/e2e/84-print-plan.pdf. Test names start with "print" (YUNGUAN_E2E_ONLY=print).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test, expect, frontend, SHOTS } from '../support.mjs';

const PLAN = '华东燃气有限公司2026年度运营计划';

/** The text of every page of a PDF, extracted by pdf.js (its legacy build runs in Node). */
async function pdfText(bytes) {
  const pdfjs = await import(pathToFileURL(join(frontend, 'node_modules/pdfjs-dist/legacy/build/pdf.mjs')).href);
  const doc = await pdfjs.getDocument({
    data: new Uint8Array(bytes),
    cMapUrl: `${join(frontend, 'node_modules/pdfjs-dist/cmaps')}/`,
    cMapPacked: true,
    standardFontDataUrl: `${join(frontend, 'node_modules/pdfjs-dist/standard_fonts')}/`,
    useSystemFonts: false,
  }).promise;
  const pages = [];
  for (let n = 1; n <= doc.numPages; n += 1) {
    const content = await (await doc.getPage(n)).getTextContent();
    // Noto CJK maps some ideographs to their Kangxi radical code points (气 → ⽓ U+2F53) in the PDF's
    // ToUnicode table; NFKC folds them back to the characters a reader sees
    pages.push(content.items.map((item) => item.str ?? '').join('').normalize('NFKC'));
  }
  await doc.destroy();
  return pages;
}

/** Click the page's 打印 / PDF button and wait for the print view it opens in a new tab. */
async function openPrintView(page) {
  const [popup] = await Promise.all([page.waitForEvent('popup'), page.getByTestId('print-button').click()]);
  await popup.getByTestId('print-doc').waitFor();
  return popup;
}

/** A full-page screenshot of a print view as it prints (print media: no toolbar, no desk); the view
 * stays in print media, as page.pdf() needs. */
async function printShot(view, name) {
  await view.emulateMedia({ media: 'print' });
  await expect(view.getByRole('toolbar')).toBeHidden();
  await view.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

test('print: a plan prints to a PDF whose text carries its Chinese title, 文号 and issuing unit', async ({ session }) => {
  const { page, close } = await session('gm');
  await page.goto('/plans');
  await page.getByRole('link', { name: PLAN }).first().click();
  await page.getByTestId('plan-title').filter({ hasText: PLAN }).waitFor();
  const planId = Number(/\/plans\/(\d+)/.exec(page.url())[1]);
  const view = await openPrintView(page);
  expect(new URL(view.url()).pathname).toBe(`/print/plans/${planId}`);
  // outside the app's chrome: no side menu, no header
  await expect(view.getByRole('navigation')).toHaveCount(0);
  await expect(view.getByTestId('print-title')).toHaveText(PLAN);
  const docNo = `运计〔2026〕${planId}号`;
  await expect(view.getByTestId('print-docno')).toHaveText(docNo);
  await expect(view.getByTestId('print-targets').locator('tbody tr')).toHaveCount(3);
  await expect(view.getByTestId('print-issuer')).toHaveText('华东燃气有限公司');
  await view.screenshot({ path: join(SHOTS, '84-print-plan-screen.png') }); // on screen: the A4 sheet under its toolbar
  await printShot(view, '84-print-plan');

  const pdf = await view.pdf({ format: 'A4', preferCSSPageSize: true, printBackground: true });
  writeFileSync(join(SHOTS, '84-print-plan.pdf'), pdf);
  const pages = await pdfText(pdf);
  const text = pages.join('\n').replace(/\s+/g, '');
  expect(text).toContain(PLAN);
  expect(text).toContain(docNo);
  expect(text).toContain('华东燃气有限公司');
  expect(text).not.toContain('另存为PDF'); // the toolbar is not printed
  for (const section of ['一、业务目标', '二、工作任务', '三、资源需求', '签发', '审核']) expect(text).toContain(section);
  // page numbers in the footer of every page ("— 1 / N —")
  expect(pages[0].replace(/\s+/g, '')).toContain(`—1/${pages.length}—`);
  await view.close();
  await close();
});

test('print: the consolidation, an assessment, the risk register and the meeting minutes print their key content', async ({ session }) => {
  const { page, close } = await session('gm');

  await page.goto('/plans/consolidation?period=2026');
  await page.getByRole('table').first().waitFor();
  const consolidation = await openPrintView(page);
  expect(new URL(consolidation.url()).pathname).toBe('/print/consolidation');
  await expect(consolidation.getByTestId('print-title')).toContainText('2026 计划汇总平衡表');
  await expect(consolidation.getByTestId('print-lines').locator('tbody tr').first()).toContainText('销售额');
  await printShot(consolidation, '84-print-consolidation');
  await consolidation.close();

  await page.goto('/kpi/assessments');
  const href = await page.getByRole('link', { name: /^市场部/ }).first().getAttribute('href');
  const assessmentId = Number(/\/assessments\/(\d+)$/.exec(href)[1]);
  await page.goto(href);
  await page.getByTestId('assessment-total').waitFor();
  const assessment = await openPrintView(page);
  await expect(assessment.getByTestId('print-title')).toContainText('市场部');
  await expect(assessment.getByTestId('print-title')).toContainText('考核结果');
  await expect(assessment.getByTestId('print-docno')).toHaveText(new RegExp(`^运考〔\\d{4}〕${assessmentId}号$`));
  expect(await assessment.getByTestId('print-items').locator('tbody tr').count()).toBeGreaterThan(0);
  await printShot(assessment, '84-print-assessment');
  await assessment.close();

  await page.goto('/risk');
  await page.getByRole('table').first().waitFor();
  const register = await openPrintView(page);
  await expect(register.getByTestId('print-title')).toHaveText('风险登记册');
  await expect(register.getByTestId('print-risks')).toContainText('供应商');
  await printShot(register, '84-print-risks');
  await register.close();

  // the seeded weekly report of 市场部 is on the agenda of 2026-W47
  await page.goto('/plans/meeting');
  const week = page.getByLabel('周');
  await week.fill('2026-W47');
  await week.press('Enter');
  await page.getByText('走访进度略慢').waitFor();
  const minutes = await openPrintView(page);
  expect(new URL(minutes.url()).pathname).toBe('/print/meetings/2026-W47');
  await expect(minutes.getByTestId('print-title')).toHaveText('每周运营工作例会纪要（2026-W47）');
  await expect(minutes.getByTestId('print-docno')).toHaveText('运纪〔2026〕47号');
  await expect(minutes.getByTestId('print-report').first()).toContainText('走访进度略慢');
  await printShot(minutes, '84-print-minutes');
  await minutes.close();
  await close();
});

test('print: the consolidation print view is refused, not printed, to a specialist', async ({ session }) => {
  // 专员 views their own section only, no unit with sub-units: the print view is guarded as the page is
  // (CONSOLIDATION_ACCESS), so it answers 无权访问 without asking planning for the company's consolidation
  const { page, close } = await session('analyst');
  const asked = [];
  page.on('request', (req) => { if (req.url().includes('/api/planning/consolidation')) asked.push(req.url()); });
  await page.goto('/print/consolidation?period=2026');
  await expect(page.getByText('无权访问')).toBeVisible();
  await expect(page.getByTestId('print-doc')).toHaveCount(0);
  expect(asked).toEqual([]);
  await close();
});
