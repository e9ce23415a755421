import { defineConfig } from 'vitest/config';
import { PACKAGES_TAG, REAL_PACKAGES } from './test/packages.ts';
import SlowFirstSequencer from './test/slow-first-sequencer.ts';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // vitest's default is one worker fewer than the cores: one, on CI's two. Most files wait on servers,
    // browsers or a compiler more than they compute, so two workers halve the wall time.
    maxWorkers: 2,
    sequence: { sequencer: SlowFirstSequencer },
    // A page polled for what the servers answer in the background: on two busy cores (the install test
    // compiles SQLite beside the browser tests) an answer may take seconds, not vitest's default one.
    expect: { poll: { timeout: 20_000 } },
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
