import { describe, expect, it } from 'vitest';
import { configFor, demoSandboxes, get, send, sync, targetValues } from './harness.ts';

const NOW = new Date('2026-11-24T08:00:00Z');
const PERIODS = ['202609', '202610'];

/**
 * A job that imports with strategy CREATE never changes a value the target holds. The classic engines
 * honour the strategy; the 2.43 engine upserts every value whatever it says (`DataEntryPipeline` 2.43.1
 * l.116–125), so t2a holds to it itself, on every version alike.
 */
describe.each(['2.40', '2.43'])('a job importing with CREATE into DHIS2 %s', async (version) => {
  const { source, target, ids } = await demoSandboxes({
    source: '2.41',
    target: version,
    facilities: 2,
    now: NOW,
  });
  const { loaded } = configFor({
    source,
    target,
    group: ids.group,
    root: ids.root,
    periods: `{ fixed: [${PERIODS.join(', ')}] }`,
    jobExtra: '    importStrategy: CREATE',
  });

  it('creates what is new, and leaves what the target holds as it is, saying so', async () => {
    const first = await sync(loaded);
    // 2.43 counts every written value as updated.
    expect(first.totals.imported + first.totals.updated).toBeGreaterThan(0);
    const before = await targetValues(target, ids.dataSet, ids.root, PERIODS);
    // The indicator is corrected on the source: each of its cells now counts twice as much.
    const { programIndicators } = await get(
      source,
      `programIndicators?filter=programIndicatorGroups.id:eq:${ids.group}&fields=:owner&paging=false&order=id:asc`,
    );
    const pi = programIndicators[0];
    await send(source, 'PUT', `programIndicators/${pi.id}`, {
      ...pi,
      aggregationType: 'SUM',
      expression: '2',
    });
    const second = await sync(loaded);
    expect(second.totals.sent).toBe(0);
    const kept = second.jobs[0]!.targets[0]!.issues.find((i) => i.cause === 'kept-by-create');
    expect(kept?.count).toBeGreaterThan(0);
    expect(await targetValues(target, ids.dataSet, ids.root, PERIODS)).toEqual(before);
  });
});
