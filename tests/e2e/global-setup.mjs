// Before the browser tests: check the build and the browser, start the stack (unless
// YUNGUAN_E2E_BASE_URL names a running one) and hand its URL, a run stamp and an empty state
// file to the tests (workers inherit this process's environment and reload the config).
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startStack } from './stack.mjs';
import { SHOTS, STATE_FILE, frontend } from './support.mjs';

export default async function globalSetup() {
  const spaDir = process.env.YUNGUAN_SPA_DIR ?? join(frontend, 'dist');
  if (!existsSync(join(spaDir, 'index.html'))) {
    throw new Error('frontend/dist is missing: run `npm run build` in frontend/ first (npm run e2e does).');
  }
  const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(chromium)) {
    throw new Error(`No Chromium at ${chromium}: apt-get install -y chromium (no browser download is used).`);
  }
  mkdirSync(SHOTS, { recursive: true });
  rmSync(STATE_FILE, { force: true });
  process.env.YUNGUAN_E2E_STAMP = String(Date.now() % 100000);
  if (!process.env.YUNGUAN_E2E_BASE_URL) process.env.YUNGUAN_E2E_BASE_URL = await startStack();
}
