// The real stack for a browser run: tests/e2e/stack_server.py on free ports with throw-away data (it
// prints `READY <url>` once every service answers), or the one YUNGUAN_E2E_BASE_URL names.
// Used by global-setup.mjs and global-teardown.mjs, which run in the same runner process.
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');

let running;

/** Start the stack and return its gateway URL. */
export function startStack() {
  const python = process.env.PYTHON ?? join(root, '.venv', 'bin', 'python');
  // stdin stays a pipe: the stack server stops when it closes, so a crashed runner leaves no process
  const proc = spawn(python, [join(here, 'stack_server.py')], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolveStart, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error('the stack did not start within 120 s')), 120_000);
    proc.stdout.on('data', (chunk) => {
      buf += chunk.toString();
      const m = /READY (\S+)/.exec(buf);
      if (m && !running) {
        clearTimeout(timer);
        running = proc;
        resolveStart(m[1]);
      }
    });
    proc.once('exit', (code) => { clearTimeout(timer); reject(new Error(`the stack exited with ${code} before it was ready`)); });
  });
}

/** Stop the stack this process started, if any. */
export function stopStack() {
  const proc = running;
  running = undefined;
  if (!proc || proc.exitCode !== null) return Promise.resolve();
  return new Promise((done) => {
    proc.once('exit', done);
    proc.kill('SIGTERM');
    setTimeout(() => proc.kill('SIGKILL'), 15_000).unref();
  });
}
