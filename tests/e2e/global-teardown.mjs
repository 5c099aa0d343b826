// After the browser tests: stop the stack the global setup started (a reused one stays up).
import { stopStack } from './stack.mjs';

export default async function globalTeardown() {
  await stopStack();
}
