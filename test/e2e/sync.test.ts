import { describe, expect, it } from 'vitest';
import { runSync } from '../../src/jobs/sync.ts';
import { openStore } from '../../src/store/open.ts';
import {
  configFor,
  contextOf,
  demoIds,
  demoSandboxes,
  expectedValues,
  sandbox,
  sync,
  targetValues,
} from './harness.ts';

const NOW = new Date('2026-11-24T08:00:00Z');
const PERIODS = ['202608', '202609', '202610'];

describe('t2a sync between two instances', async () => {
  const { source, target, ids } = await demoSandboxes({
    source: '2.40',
    target: '2.41',
    facilities: 12,
    now: NOW,
  });
  const { loaded } = configFor({ source, target, group: ids.group, root: ids.root });

  it('a dry run changes nothing in the target', async () => {
    const report = await sync(loaded, { dryRun: true });
    expect(report.jobs[0]?.error).toBeUndefined();
    expect(report.totals.sent).toBeGreaterThan(0);
    expect((await targetValues(target, ids.dataSet, ids.root, PERIODS)).size).toBe(0);
  });

  it('delivers every value analytics produces, under the right codes, org unit and period', async () => {
    const report = await sync(loaded);
    expect(report.outcome).toBe('success');
    expect(report.jobs[0]?.periods).toEqual(PERIODS);
    const expected = await expectedValues(source, ids.group, ids.root, PERIODS);
    expect(expected.size).toBeGreaterThan(50);
    const delivered = await targetValues(target, ids.dataSet, ids.root, PERIODS);
    expect(delivered).toEqual(expected);
    expect(report.totals.imported).toBe(expected.size);
  });

  it('a second run with no change in tracker duplicates nothing', async () => {
    const report = await sync(loaded);
    expect(report.outcome).toBe('success');
    expect(report.totals.imported).toBe(0);
    expect(report.totals.ignored + report.totals.updated).toBe(report.totals.sent);
    const expected = await expectedValues(source, ids.group, ids.root, PERIODS);
    expect((await targetValues(target, ids.dataSet, ids.root, PERIODS)).size).toBe(expected.size);
  });
});

describe('t2a sync within one instance (target: same)', async () => {
  const instance = await sandbox({
    dhis2Version: '2.39',
    seed: 'demo',
    runAnalytics: true,
    now: NOW,
    facilities: 8,
  });
  const ids = await demoIds(instance, instance);
  const { loaded } = configFor({
    source: instance,
    target: 'same',
    group: ids.group,
    root: ids.root,
  });

  it('delivers every value into the same instance', async () => {
    const report = await sync(loaded);
    expect(report.outcome).toBe('success');
    const expected = await expectedValues(instance, ids.group, ids.root, PERIODS);
    expect(await targetValues(instance, ids.dataSet, ids.root, PERIODS)).toEqual(expected);
  });
});

describe('t2a sync into a 2.43 target whose org units are matched by code', async () => {
  const source = await sandbox({
    dhis2Version: '2.40',
    seed: 'demo-tracker',
    runAnalytics: true,
    now: NOW,
    facilities: 6,
  });
  // Not harmonised: the HMIS has the same codes under other UIDs. 2.43's engine wants one data set per request.
  const target = await sandbox({
    dhis2Version: '2.43',
    seed: 'demo-hmis',
    now: NOW,
    facilities: 6,
    orgUnitIds: 'distinct',
  });
  const ids = await demoIds(source, target);
  const { loaded } = configFor({
    source,
    target,
    group: ids.group,
    root: ids.root,
    targetExtra: '\n        orgUnitIdScheme: CODE',
  });

  it('delivers every value under the target’s own org unit UIDs', async () => {
    const report = await sync(loaded);
    expect(report.outcome).toBe('success');
    expect(report.totals.updated).toBeGreaterThan(0); // the 2.43 engine counts every upsert as updated
    const expected = await expectedValues(source, ids.group, ids.root, PERIODS);
    const byCode = new Map(
      source.context.metadata
        .list('organisationUnits')
        .map((unit) => [unit.id, unit.code as string]),
    );
    const targetIdOf = new Map(
      target.context.metadata
        .list('organisationUnits')
        .map((unit) => [unit.code as string, unit.id]),
    );
    const translated = new Map(
      [...expected].map(([key, value]) => {
        const [de, coc, pe, ou] = key.split('|') as [string, string, string, string];
        return [`${de}|${coc}|${pe}|${targetIdOf.get(byCode.get(ou)!)}`, value];
      }),
    );
    const targetRoot = target.context.orgUnits.roots()[0]!;
    expect(await targetValues(target, ids.dataSet, targetRoot, PERIODS)).toEqual(translated);
  });
});

describe('t2a sync with the sandboxes in process (the client’s transport, no HTTP)', async () => {
  const { source, target, ids } = await demoSandboxes({
    source: '2.41',
    target: '2.42',
    facilities: 5,
    now: NOW,
  });
  const { loaded } = configFor({ source, target, group: ids.group, root: ids.root });

  it('delivers the same values as over HTTP, every request answered in process', async () => {
    const requests: string[] = [];
    const inProcess = async (request: Request) => {
      requests.push(`${request.method} ${new URL(request.url).pathname}`);
      return request.url.startsWith(source.baseUrl) ? source.fetch(request) : target.fetch(request);
    };
    const report = await runSync(
      contextOf(loaded, { store: await openStore(':memory:'), transport: inProcess }),
    );
    expect(report.outcome).toBe('success');
    const expected = await expectedValues(source, ids.group, ids.root, PERIODS);
    expect(await targetValues(target, ids.dataSet, ids.root, PERIODS)).toEqual(expected);
    expect(requests).toContain('GET /api/analytics/dataValueSet.json');
    expect(requests).toContain('POST /api/dataValueSets');
  });
});
