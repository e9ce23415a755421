import { defineConfig } from 'vitest/config';
import { PACKAGES_TAG, REAL_PACKAGES } from './test/packages.ts';
import SlowFirstSequencer from './test/slow-first-sequencer.ts';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    sequence: { sequencer: SlowFirstSequencer },
    reporters: ['default', './test/summary-reporter.ts'],
    tags: [
      {
        name: PACKAGES_TAG,
        description: 'reads the real DHIS2/WHO metadata packages (T2A_PACKAGES)',
        // Without the packages these tests are skipped as one group; the summary says how to get them.
        skip: !REAL_PACKAGES.available,
      },
    ],
  },
});
