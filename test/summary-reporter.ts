import type { Reporter, TestModule } from 'vitest/node';
import { describeAbsence, PACKAGES_FIX } from '../src/sandbox/real-packages.ts';
import { PACKAGES_TAG, REAL_PACKAGES } from './packages.ts';

/**
 * Prints, after vitest's own summary, the group of tests skipped for want of the real packages (with
 * how to get them), then the plain closing line `N passed, N failed` that CI reads.
 */
export default class SummaryLineReporter implements Reporter {
  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<unknown>,
  ): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    let withoutPackages = 0;
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed += 1;
        else if (state === 'failed') failed += 1;
        else {
          skipped += 1;
          if (test.tags.includes(PACKAGES_TAG)) withoutPackages += 1;
        }
      }
      // A file that failed to load has no tests but is a failure.
      if (module.state() === 'failed' && [...module.children.allTests()].length === 0) failed += 1;
    }
    failed += unhandledErrors.length;
    if (withoutPackages > 0 && !REAL_PACKAGES.available)
      process.stdout.write(
        `\n${withoutPackages} tests skipped as one group, "real packages": ${describeAbsence(REAL_PACKAGES)}\n${PACKAGES_FIX}\n`,
      );
    process.stdout.write(
      `\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`,
    );
  }
}
