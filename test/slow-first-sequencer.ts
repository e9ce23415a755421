import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * On a fresh clone vitest knows no durations and starts the largest files first. These few files take
 * minutes (the install builds the SQLite module from source; the soak and browser tests drive whole
 * runs), so they start first: on two workers the rest of the suite runs beside them instead of after.
 */
const SLOW_FIRST = [
  'test/e2e/install.test.ts',
  'test/e2e/soak.test.ts',
  'test/dashboard/browser.test.ts',
  'test/e2e/cli-bad-input.test.ts',
  'test/dashboard/browser-control.test.ts',
];

function rank(spec: TestSpecification): number {
  const index = SLOW_FIRST.findIndex((path) => spec.moduleId.endsWith(path));
  return index === -1 ? SLOW_FIRST.length : index;
}

export default class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    // A stable sort keeps vitest's own order among the rest.
    return [...sorted].sort((a, b) => rank(a) - rank(b));
  }
}
