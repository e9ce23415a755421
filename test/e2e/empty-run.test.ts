import { describe, expect, it } from 'vitest';
import { exitCodeForRun } from '../../src/cli/exit-codes.ts';
import { renderSyncReport } from '../../src/cli/render-sync.ts';
import { configFor, demoSandboxes, storeOf, sync } from './harness.ts';

const NOW = new Date('2026-11-24T08:00:00Z');

/**
 * A night whose export comes back with nothing over 40 org units is not "every value arrived": far more
 * often analytics has not run or the periods hold no tracker data than a month without a patient.
 */
describe('a run the source gives no value for', async () => {
  const { source, target, ids } = await demoSandboxes({
    source: '2.41',
    target: '2.41',
    facilities: 4,
    now: NOW,
  });
  // Two years before the demo's tracker data begins.
  const { loaded } = configFor({
    source,
    target,
    group: ids.group,
    root: ids.root,
    periods: '{ fixed: [202401, 202402] }',
  });

  it('is empty, says what to check, exits 8, and is recorded so', async () => {
    const report = await sync(loaded);
    expect(report.totals.exported).toBe(0);
    expect(report.outcome).toBe('empty');
    const text = renderSyncReport(report);
    expect(text).not.toContain('Every value arrived');
    expect(text).toContain('does the tracker hold events in 202401, 202402');
    expect(exitCodeForRun(report)).toBe(8);
    const [run] = await storeOf(loaded)!.runs({ last: 1 });
    expect(run?.status).toBe('empty');
  });
});
