// The run's last line, which CI reads: `N passed, N failed; screenshots in <dir>` (the old runner's).
import { SHOTS } from './support.mjs';

export default class SummaryReporter {
  began = false;
  passed = 0;
  failed = 0;

  onTestBegin() {
    this.began = true;
  }

  onTestEnd(test, result) {
    if (result.status === 'skipped') return;
    if (result.status === test.expectedStatus) this.passed += 1;
    else this.failed += 1;
  }

  onEnd(result) {
    if (!this.began && result.status === 'passed') return; // --list
    // a run that failed outside the tests (the stack did not start) says so after the counts
    const why = this.failed === 0 && result.status !== 'passed' ? `; the run ${result.status}` : '';
    console.log(`${this.passed} passed, ${this.failed} failed; screenshots in ${SHOTS}${why}`);
  }

  printsToStdio() {
    return true;
  }
}
