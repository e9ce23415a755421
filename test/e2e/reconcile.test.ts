import { describe, expect, it } from 'vitest';
import { resolveJob } from '../../src/jobs/resolve-job.ts';
import { restoreRun } from '../../src/jobs/restore.ts';
import {
  child,
  configFor,
  contextOf,
  get,
  STAGE,
  sandbox,
  send,
  storeOf,
  sync,
  targetValues,
  uid,
} from './harness.ts';

const NOW = new Date('2026-11-24T08:00:00Z');
const PERIODS = ['202609', '202610'];

async function analytics(source: Awaited<ReturnType<typeof sandbox>>) {
  const { runAnalyticsNow } = await import('../../src/sandbox/analytics/analytics-job.ts');
  runAnalyticsNow(source.context);
}

/**
 * A tracker with no generated data (only the children a test registers), on a version that reports a
 * failing indicator (so an indicator left with no value is believed: see failing-indicators.test.ts for
 * older ones), and an HMIS on 2.40.
 */
async function pair(facilities: number, targetVersion = '2.40') {
  const source = await sandbox({
    dhis2Version: '2.40.12',
    seed: 'demo-tracker',
    now: NOW,
    facilities,
    months: 0,
  });
  const target = await sandbox({
    dhis2Version: targetVersion,
    seed: 'demo-hmis',
    now: NOW,
    facilities,
  });
  return { source, target };
}

/** A value entered in the target as a data manager would, outside t2a. */
async function enterByHand(
  target: Awaited<ReturnType<typeof sandbox>>,
  dataElement: string,
  categoryOptionCombo: string,
  period: string,
  orgUnit: string,
  value: string,
) {
  await send(
    target,
    'POST',
    'dataValueSets?dataElementIdScheme=CODE&categoryOptionComboIdScheme=CODE',
    {
      dataValues: [{ dataElement, categoryOptionCombo, period, orgUnit, value }],
    },
  );
}

/** A second HMIS that names org units by code, where the import user is no superuser. */
interface SecondTarget {
  readonly target: Awaited<ReturnType<typeof sandbox>>;
  readonly connectionExtra: string;
  readonly extraJob: string;
}

async function secondTarget(): Promise<SecondTarget> {
  const target = await sandbox({
    dhis2Version: '2.41',
    seed: 'demo-hmis',
    now: NOW,
    facilities: 4,
    users: [
      { username: 'hmis-import', password: 'Import-2026!', authorities: ['F_DATAVALUE_ADD'] },
    ],
  });
  return {
    target,
    connectionExtra: `\n  hmis2:\n    url: ${target.baseUrl}\n    auth: { username: hmis-import, password: "Import-2026!" }\n    retries: 0`,
    extraJob: '\n      - connection: hmis2\n        orgUnitIdScheme: CODE',
  };
}

async function scenario(jobExtra: string, second?: SecondTarget) {
  // No generated tracker data: only the children below exist, so every number is known.
  const { source, target } = await pair(4);
  const [a, b] = source.seed.facilities as [string, string];
  await send(source, 'POST', 'tracker?async=false', {
    trackedEntities: [
      child('1', a, 'FEMALE', '2026-01-10', 'BCG', 1, '2026-10-05'),
      child('2', a, 'MALE', '2026-02-01', 'PENTA', 1, '2026-10-07'),
      child('3', b, 'FEMALE', '2026-03-01', 'MEASLES', 1, '2026-09-15'),
      child('4', b, 'FEMALE', '2026-09-20', 'BCG', 1, '2026-10-01'),
    ],
  });
  await analytics(source);
  const { loaded } = configFor({
    source,
    target,
    group: 'DemoPiGrp01',
    root: source.seed.root,
    periods: '{ fixed: [202609, 202610] }',
    jobExtra,
    ...(second ? { connectionExtra: second.connectionExtra, extraJob: second.extraJob } : {}),
  });
  const first = await sync(loaded);
  // A value entered by hand in the same data set, for a combo t2a also fills elsewhere.
  await enterByHand(target, 'IMM_BCG_DOSES', '1_4Y_M', '202610', a, '9');
  // Corrections in tracker: a duplicate registration deleted, a visit moved to September, a vaccine corrected.
  await send(source, 'POST', 'tracker?async=false&importStrategy=DELETE', {
    events: [{ event: uid('Ev', '1'), programStage: STAGE }],
  });
  await send(source, 'POST', 'tracker?async=false', {
    events: [
      {
        event: uid('Ev', '2'),
        programStage: STAGE,
        orgUnit: a,
        enrollment: uid('En', '2'),
        occurredAt: '2026-09-07',
        dataValues: [
          { dataElement: 'DemoDeVacc1', value: 'PENTA' },
          { dataElement: 'DemoDeDose1', value: '1' },
        ],
      },
    ],
  });
  await send(source, 'POST', 'tracker?async=false', {
    events: [
      {
        event: uid('Ev', '3'),
        programStage: STAGE,
        orgUnit: b,
        enrollment: uid('En', '3'),
        occurredAt: '2026-09-15',
        dataValues: [
          { dataElement: 'DemoDeVacc1', value: 'OPV' },
          { dataElement: 'DemoDeDose1', value: '1' },
        ],
      },
    ],
  });
  await analytics(source);
  return { source, target, loaded, first, a, b };
}

const key = (de: string, coc: string, pe: string, ou: string) => `${de}|${coc}|${pe}|${ou}`;

describe('reconciliation after tracker corrections', async () => {
  const { target, loaded, first, a, b } = await scenario('    reconcile: { maxDeleteShare: 1 }');

  it('first delivers the four values', async () => {
    expect(first.totals.imported).toBe(4);
  });

  it('deletes exactly the values the corrections made stale, moves the visit, and leaves the hand-entered value', async () => {
    const second = await sync(loaded);
    expect(second.totals).toMatchObject({ unchanged: 1, stale: 3, deleted: 3, imported: 1 });
    const held = await targetValues(
      target,
      'DemoImmMon1',
      loaded.config.jobs[0]!.orgUnits.roots![0]!,
      PERIODS,
    );
    expect(held).toEqual(
      new Map([
        [key('IMM_BCG_DOSES', 'LT1Y_F', '202610', b), '1'],
        [key('IMM_PENTA1_DOSES', 'LT1Y_M', '202609', a), '1'],
        [key('IMM_BCG_DOSES', '1_4Y_M', '202610', a), '9'],
      ]),
    );
  });

  it('puts back exactly what the run deleted with t2a restore', async () => {
    const store = storeOf(loaded)!;
    const [run] = await store.runs({ last: 1 });
    if (!run) throw new Error('no run recorded');
    const restored = await restoreRun({ ...contextOf(loaded), store }, run.id, false);
    expect(restored.values).toBe(3);
    expect(restored.targets).toMatchObject([{ target: 'hmis', values: 3, taken: 3 }]);
    const held = await targetValues(
      target,
      'DemoImmMon1',
      loaded.config.jobs[0]!.orgUnits.roots![0]!,
      PERIODS,
    );
    expect(held.get(key('IMM_BCG_DOSES', 'LT1Y_F', '202610', a))).toBe('1');
    expect(held.get(key('IMM_PENTA1_DOSES', 'LT1Y_M', '202610', a))).toBe('1');
    expect(held.get(key('IMM_MR1_DOSES', 'LT1Y_F', '202609', b))).toBe('1');
    expect(held.size).toBe(6);
  });
});

describe('restoring a run that deleted in two targets', async () => {
  const second = await secondTarget();
  const { target, loaded, a, b } = await scenario('    reconcile: { maxDeleteShare: 1 }', second);
  const root = loaded.config.jobs[0]!.orgUnits.roots![0]!;

  it('puts back each target’s values with its own org unit ids, and records only what each took', async () => {
    const cleared = await sync(loaded);
    expect(cleared.jobs[0]!.targets.map((t) => t.counts.deleted)).toEqual([3, 3]);
    // The second HMIS closes September (40 expiry days) before the restore: it refuses that value.
    const dataSet = await get(second.target, 'dataSets/DemoImmMon1?fields=:owner');
    await send(second.target, 'PUT', 'dataSets/DemoImmMon1', { ...dataSet, expiryDays: 40 });
    const store = storeOf(loaded)!;
    const [run] = await store.runs({ last: 1 });
    const restored = await restoreRun({ ...contextOf(loaded), store }, run!.id, false);
    expect(restored.targets.map((t) => [t.target, t.values, t.taken])).toEqual([
      ['hmis', 3, 3],
      ['hmis2', 3, 2],
    ]);
    expect(restored.targets[1]!.result.conflicts[0]?.message).toMatch(/202609/);
    for (const instance of [target, second.target]) {
      const held = await targetValues(instance, 'DemoImmMon1', root, PERIODS);
      expect(held.get(`IMM_BCG_DOSES|LT1Y_F|202610|${a}`)).toBe('1');
      expect(held.get(`IMM_PENTA1_DOSES|LT1Y_M|202610|${a}`)).toBe('1');
    }
    expect(
      (await targetValues(second.target, 'DemoImmMon1', root, PERIODS)).has(
        `IMM_MR1_DOSES|LT1Y_F|202609|${b}`,
      ),
    ).toBe(false);
    const restoredEntries = async (url: string) =>
      (await store.ledger.entries(url, 'immunisation', PERIODS))
        .filter((entry) => entry.runId === `restore-${run!.id}`)
        .map((entry) => `${entry.dataElement} ${entry.period}`)
        .sort();
    expect(await restoredEntries(target.baseUrl)).toEqual([
      'IMM_BCG_DOSES 202610',
      'IMM_MR1_DOSES 202609',
      'IMM_PENTA1_DOSES 202610',
    ]);
    expect(await restoredEntries(second.target.baseUrl)).toEqual([
      'IMM_BCG_DOSES 202610',
      'IMM_PENTA1_DOSES 202610',
    ]);
    expect(await store.ledger.intents(second.target.baseUrl, 'immunisation')).toEqual([]);
  });
});

describe('adopting values another tool wrote', () => {
  it('records them as t2a’s own after showing them, so a later correction clears them', async () => {
    const { source, target } = await pair(2);
    const [a] = source.seed.facilities as [string];
    await send(source, 'POST', 'tracker?async=false', {
      trackedEntities: [child('5', a, 'FEMALE', '2026-01-10', 'BCG', 1, '2026-10-05')],
    });
    await analytics(source);
    // Written by DHIS2's aggregate data exchange, say: t2a's ledger knows nothing of it.
    await enterByHand(target, 'IMM_BCG_DOSES', 'LT1Y_F', '202610', a, '1');
    const { loaded } = configFor({
      source,
      target,
      group: 'DemoPiGrp01',
      root: source.seed.root,
      periods: '{ fixed: [202610] }',
      jobExtra: '    reconcile: { maxDeleteShare: 1 }',
    });
    await sync(loaded);
    const store = storeOf(loaded)!;
    const { adoptValues } = await import('../../src/jobs/adopt.ts');
    const resolved = await resolveJob(contextOf(loaded, { store }), 'immunisation');
    const shown = await adoptValues(store, resolved, { confirm: false });
    expect(
      shown[0]!.values.map((v) => `${v.dataElement} ${v.categoryOptionCombo} ${v.value}`),
    ).toEqual(['IMM_BCG_DOSES LT1Y_F 1']);
    await adoptValues(store, resolved, { confirm: true });
    await send(source, 'POST', 'tracker?async=false&importStrategy=DELETE', {
      events: [{ event: uid('Ev', '5'), programStage: STAGE }],
    });
    await analytics(source);
    const report = await sync(loaded);
    expect(report.totals.deleted).toBe(1);
  });
});

// 2.40 filters lastUpdated to the second, 2.43 to the day (its change reads return the whole day).
describe.each(['2.40', '2.43'])('values changed in a %s target after t2a wrote them', (version) => {
  it('are not overwritten but reported, on a run that reads the whole scope and on one that reads only the changes, until adopted', async () => {
    const { source, target } = await pair(2, version);
    const [a, b] = source.seed.facilities as [string, string];
    await send(source, 'POST', 'tracker?async=false', {
      trackedEntities: [
        child('6', a, 'FEMALE', '2026-01-10', 'BCG', 1, '2026-10-05'),
        child('7', b, 'FEMALE', '2026-01-11', 'BCG', 1, '2026-10-06'),
      ],
    });
    await analytics(source);
    const { loaded } = configFor({
      source,
      target,
      group: 'DemoPiGrp01',
      root: source.seed.root,
      periods: '{ fixed: [202610] }',
    });
    expect((await sync(loaded)).totals.sent).toBe(2);
    const bcg = (orgUnit: string) => key('IMM_BCG_DOSES', 'LT1Y_F', '202610', orgUnit);
    const held = () => targetValues(target, 'DemoImmMon1', source.seed.root, ['202610']);
    // In the morning a data manager corrects a's number in the HMIS (a change within the second of
    // t2a's write is the one t2a may not see: target-scope.ts, afterImport); then both facilities register
    // another child.
    target.context.clock.set(new Date(NOW.getTime() + 3_600_000));
    await enterByHand(target, 'IMM_BCG_DOSES', 'LT1Y_F', '202610', a, '5');
    await send(source, 'POST', 'tracker?async=false', {
      trackedEntities: [
        child('8', a, 'FEMALE', '2026-01-12', 'BCG', 1, '2026-10-07'),
        child('9', b, 'FEMALE', '2026-01-13', 'BCG', 1, '2026-10-08'),
      ],
    });
    await analytics(source);
    const changedIssue = (report: Awaited<ReturnType<typeof sync>>) =>
      report.jobs[0]!.targets[0]!.issues.find((issue) => issue.cause === 'changed-in-target');
    // b's scope is one t2a knows whole: only the target's changes are read; a's the same way.
    const second = await sync(loaded);
    expect(second.totals).toMatchObject({ sent: 1, withheld: 1 });
    expect(changedIssue(second)).toMatchObject({ count: 1 });
    expect(changedIssue(second)!.messages[0]).toContain('t2a wrote 1, the target holds 5');
    expect((await held()).get(bcg(a))).toBe('5');
    expect((await held()).get(bcg(b))).toBe('2');
    // Nothing new, the next night (the change is older than the last run): still left alone and still
    // reported, night after night.
    target.context.clock.set(new Date(NOW.getTime() + 24 * 3_600_000));
    const third = await sync(loaded);
    expect(third.totals).toMatchObject({ sent: 0, unchanged: 1, withheld: 1 });
    expect(changedIssue(third)).toMatchObject({ count: 1 });
    // Adopting makes the target's 5 t2a's: the next run sends the tracker's 2.
    const store = storeOf(loaded)!;
    const { adoptValues } = await import('../../src/jobs/adopt.ts');
    await adoptValues(store, await resolveJob(contextOf(loaded, { store }), 'immunisation'), {
      confirm: true,
    });
    const fourth = await sync(loaded);
    expect(fourth.totals).toMatchObject({ sent: 1 });
    expect(changedIssue(fourth)).toBeUndefined();
    expect((await held()).get(bcg(a))).toBe('2');
  });
});

describe('the plan of a dry run', () => {
  it('counts new, changed, unchanged and stale values per data element and period, and changes nothing', async () => {
    const { target, loaded } = await scenario('    reconcile: { maxDeleteShare: 1 }');
    const dry = await sync(loaded, { dryRun: true });
    const plan = dry.jobs[0]!.targets[0]!.plan;
    const sum = (kind: 'create' | 'update' | 'unchanged' | 'stale') =>
      Object.values(plan.byDataElementPeriod).reduce((total, row) => total + row[kind], 0);
    expect([sum('create'), sum('update'), sum('unchanged'), sum('stale')]).toEqual([1, 0, 1, 3]);
    expect(plan.byDataElementPeriod['IMM_PENTA1_DOSES 202609']).toEqual({
      create: 1,
      update: 0,
      unchanged: 0,
      stale: 0,
      heldByOthers: 0,
    });
    expect(plan.samples.stale).toHaveLength(3);
    expect(dry.totals.deleted).toBe(0);
    const held = await targetValues(
      target,
      'DemoImmMon1',
      loaded.config.jobs[0]!.orgUnits.roots![0]!,
      PERIODS,
    );
    expect(held.size).toBe(5);
  });
});

describe('guard rails on deletion', () => {
  it('refuses a deletion run over the share of the scope, unless --allow-mass-delete', async () => {
    const { loaded } = await scenario('');
    const guarded = await sync(loaded);
    expect(guarded.totals.deleted).toBe(0);
    expect(
      guarded.jobs[0]!.targets[0]!.issues.find((issue) => issue.cause === 'deletion-withheld')
        ?.messages[0],
    ).toMatch(/they are 3 of the \d+ values job "immunisation" in hmis holds/);
    const allowed = await sync(loaded, { allowMassDelete: true });
    expect(allowed.totals.deleted).toBe(3);
  });

  it('refuses to delete from analytics older than the job’s limit', async () => {
    const { source, loaded } = await scenario(
      '    analytics: { mode: off }\n    reconcile: { maxDeleteShare: 1, maxAnalyticsAgeHours: 24 }',
    );
    source.context.clock.set(new Date('2026-11-27T08:00:00Z'));
    const report = await sync(loaded);
    expect(report.totals.deleted).toBe(0);
    expect(
      report.jobs[0]!.targets[0]!.issues.find((issue) => issue.cause === 'deletion-withheld')
        ?.messages[0],
    ).toMatch(/analytics is 72 h old/);
  });

  it('deletes the stale values of the chunk that arrived, and nothing of the chunk whose export failed', async () => {
    const { source, target, loaded } = await scenario('    reconcile: { maxDeleteShare: 1 }');
    const root = loaded.config.jobs[0]!.orgUnits.roots![0]!;
    const before = await targetValues(target, 'DemoImmMon1', root, PERIODS);
    source.context.faults.add({
      path: '/api/analytics/dataValueSet.json',
      fault: { kind: 'status', status: 500 },
      after: 1,
      // The second chunk's request and its three retries: the server is well again afterwards.
      times: 4,
    });
    const report = await sync(loaded);
    source.context.faults.clear();
    const [failed] = report.jobs[0]!.failedChunks;
    expect(report.jobs[0]!.failedChunks).toHaveLength(1);
    const after = await targetValues(target, 'DemoImmMon1', root, PERIODS);
    const inPeriod = (values: Map<string, string>, period: string) =>
      [...values].filter(([k]) => k.split('|')[2] === period);
    // The failed chunk's period is as it was; the other lost exactly its stale values (the scenario
    // made two stale in 202610 and one in 202609), with the hand-entered value untouched.
    const failedPeriod = failed!.periods[0]!;
    const arrived = failedPeriod === '202609' ? '202610' : '202609';
    expect(inPeriod(after, failedPeriod)).toEqual(inPeriod(before, failedPeriod));
    expect(report.totals.deleted).toBe(arrived === '202610' ? 2 : 1);
    expect(after.get(`IMM_BCG_DOSES|1_4Y_M|202610|${source.seed.facilities[0]}`)).toBe('9');
  });
});
