import { describe, expect, it } from 'vitest';
import { exitCodeForRun } from '../../src/cli/exit-codes.ts';
import { configFor, demoSandboxes, expectedValues, sync, targetValues } from './harness.ts';

const NOW = new Date('2026-11-24T08:00:00Z');
const PERIODS = ['202609', '202610'];

describe('t2a sync under faults', async () => {
  const { source, target, ids } = await demoSandboxes({
    source: '2.40',
    target: '2.40',
    facilities: 8,
    now: NOW,
  });
  const { loaded } = configFor({
    source,
    target,
    group: ids.group,
    root: ids.root,
    periods: '{ fixed: [202609, 202610] }',
  });

  it('retries a 500, a dropped connection and a hung request, and still delivers every value', async () => {
    source.context.faults.add({
      path: '/api/analytics/dataValueSet.json',
      fault: { kind: 'status', status: 500 },
      times: 1,
    });
    target.context.faults.add({
      method: 'POST',
      path: '/api/dataValueSets',
      fault: { kind: 'drop' },
      after: 1,
      times: 1,
    });
    source.context.faults.add({
      path: '/api/analytics/dataValueSet.json',
      fault: { kind: 'hang' },
      after: 2,
      times: 1,
    });
    const report = await sync(loaded);
    source.context.faults.clear();
    target.context.faults.clear();
    expect(report.jobs[0]!.failedChunks).toEqual([]);
    const expected = await expectedValues(source, ids.group, ids.root, PERIODS);
    expect(await targetValues(target, ids.dataSet, ids.root, PERIODS)).toEqual(expected);
  });

  it('reports a chunk that keeps failing with its periods and org units, and exits non-zero', async () => {
    source.context.faults.add({
      path: '/api/analytics/dataValueSet.json',
      fault: { kind: 'status', status: 503 },
      after: 1,
    });
    const report = await sync(loaded);
    source.context.faults.clear();
    const failed = report.jobs[0]!.failedChunks;
    expect(failed.length).toBeGreaterThan(0);
    expect(failed[0]!.periods.length).toBe(1);
    expect(failed[0]!.orgUnits).toMatch(/\(\w{11}\)/);
    expect(failed[0]!.error).toMatch(/503/);
    expect(exitCodeForRun(report)).toBe(4);
  });

  it('stops at once when the target stops taking the credentials mid-run, and says it was the credentials', async () => {
    const { loaded: oneAtATime } = configFor({
      source,
      target,
      group: ids.group,
      root: ids.root,
      periods: '{ fixed: [202609, 202610] }',
      jobExtra: '    concurrency: 1',
    });
    // From the second request on, the target refuses (a token revoked at night); chunks would follow.
    target.context.faults.add({
      path: '/api/dataValueSets',
      fault: { kind: 'status', status: 401 },
      after: 1,
    });
    const report = await sync(oneAtATime);
    const fired = target.context.faults.list()[0]!.fired;
    target.context.faults.clear();
    const job = report.jobs[0]!;
    expect(job.error).toMatchObject({
      kind: 'auth',
      message: expect.stringContaining('refused t2a'),
    });
    // Not retried, and no chunk after it tried: one refused request in all.
    expect(fired).toBe(1);
    expect(job.failedChunks).toHaveLength(1);
    expect(job.failedChunks[0]!.error).not.toMatch(/attempts/);
    expect(exitCodeForRun(report)).toBe(3);
  });
});
