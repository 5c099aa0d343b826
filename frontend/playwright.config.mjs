// Browser tests of the SPA against the real stack (`npm run e2e`: build, then `playwright test`).
// The specs are tests/e2e/specs/*.spec.mjs, run in name order on one worker: they share one stack
// and its data, and later tests build on what earlier ones made. Debian's Chromium drives them;
// no browser is ever downloaded.
//
//   YUNGUAN_E2E_BASE_URL=http://localhost:8000  reuse a running stack instead (its data changes)
//   YUNGUAN_E2E_ONLY=substring                  run only the tests whose name contains it
//   CHROMIUM=/path/to/chromium                  another Chromium binary
//   YUNGUAN_SPA_DIR=/path/to/dist               serve another build of the SPA (the gateway reads it too)
//   PYTHON=/path/to/python                      the Python that runs the stack (default ../.venv)
import { defineConfig } from '@playwright/test';

// never fetch a browser: Debian's Chromium is launched by path (nothing here downloads one today;
// this keeps any Playwright tool started from this run from trying)
process.env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD ??= '1';

const only = process.env.YUNGUAN_E2E_ONLY;
// Playwright greps "<file> <test title>": the substring must be in the title, after the file's name.
const escaped = only?.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export default defineConfig({
  testDir: '../tests/e2e/specs',
  testMatch: '*.spec.mjs',
  outputDir: 'build/e2e-results',
  globalSetup: '../tests/e2e/global-setup.mjs',
  globalTeardown: '../tests/e2e/global-teardown.mjs',
  grep: escaped ? new RegExp(`\\.spec\\.mjs .*${escaped}`) : undefined,
  workers: 1,
  fullyParallel: false,
  retries: 0,
  // no time limit per test under the old runner; a test that hangs still ends
  timeout: 10 * 60_000,
  reporter: [['list'], ['../tests/e2e/summary-reporter.mjs']],
  reportSlowTests: null, // one worker by design: the hint to parallelise a slow file does not apply
  use: {
    browserName: 'chromium',
    // set by the global setup (the stack it started) or by the caller (a running stack)
    baseURL: process.env.YUNGUAN_E2E_BASE_URL,
    headless: true,
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    },
    trace: 'retain-on-failure',
  },
});
