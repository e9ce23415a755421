import { describe, expect, it } from 'vitest';
import { compareJob } from '../../src/jobs/compare.ts';
import { completeJob } from '../../src/jobs/complete.ts';
import { resolveJob } from '../../src/jobs/resolve-job.ts';
import { openStore } from '../../src/store/open.ts';
import { configFor, contextOf, get, sandbox, send, storeOf, sync } from './harness.ts';

const NOW = new Date('2026-11-24T08:00:00Z');
const PERIODS = ['202608', '202609', '202610'];

describe('t2a complete', async () => {
  const source = await sandbox({
    dhis2Version: '2.40',
    seed: 'demo-tracker',
    runAnalytics: true,
    now: NOW,
    facilities: 5,
    months: 4,
  });
  const target = await sandbox({
    dhis2Version: '2.40',
    seed: 'demo-hmis',
    now: NOW,
    facilities: 5,
  });
  const { loaded } = configFor({
    source,
    target,
    group: 'DemoPiGrp01',
    root: source.seed.root,
    periods: '{ last: 3, includeCurrent: true }',
    jobExtra: '    complete: { rule: { minValues: 6 } }',
  });

  it('marks exactly the org units and periods where the rule holds, never the open period, and none a second time', async () => {
    await sync(loaded);
    const store = storeOf(loaded)!;
    const perUnit = new Map<string, number>();
    for (const entry of await store.ledger.entries(`${target.baseUrl}`, 'immunisation', PERIODS)) {
      perUnit.set(
        `${entry.orgUnit}|${entry.period}`,
        (perUnit.get(`${entry.orgUnit}|${entry.period}`) ?? 0) + 1,
      );
    }
    const expected = [...perUnit]
      .filter(([, count]) => count >= 6)
      .map(([key]) => key)
      .sort();
    expect(expected.length).toBeGreaterThan(0);
    const ctx = { ...contextOf(loaded), store };
    const [first] = await completeJob(ctx, await resolveJob(ctx, 'immunisation'), {
      dryRun: false,
    });
    expect(first!.plan.mark.map((m) => `${m.orgUnit}|${m.period}`).sort()).toEqual(expected);
    expect(first!.marked).toBe(expected.length);
    expect(first!.plan.stillOpen).toBe(5);
    const registered = await get(
      target,
      `completeDataSetRegistrations?dataSet=DemoImmMon1&period=202611&period=202610&period=202609&period=202608&orgUnit=${source.seed.root}&children=true`,
    );
    expect(
      registered.completeDataSetRegistrations
        .map((r: any) => `${r.organisationUnit}|${r.period}`)
        .sort(),
    ).toEqual(expected);
    const [second] = await completeJob(ctx, await resolveJob(ctx, 'immunisation'), {
      dryRun: false,
    });
    expect(second!.plan.mark).toEqual([]);
    expect(second!.plan.alreadyComplete).toBe(expected.length);
  });
});

describe('marking complete at the end of each sync', async () => {
  const source = await sandbox({
    dhis2Version: '2.40',
    seed: 'demo-tracker',
    runAnalytics: true,
    now: NOW,
    facilities: 3,
    months: 4,
  });
  const target = await sandbox({
    dhis2Version: '2.40',
    seed: 'demo-hmis',
    now: NOW,
    facilities: 3,
  });
  const { loaded } = configFor({
    source,
    target,
    group: 'DemoPiGrp01',
    root: source.seed.root,
    jobExtra: '    complete: { rule: { minValues: 1 }, afterSync: true }',
  });

  it('marks what the run delivered, then nothing more on the next run', async () => {
    const first = await sync(loaded);
    expect(first.jobs[0]!.completed).toBeGreaterThan(0);
    const second = await sync(loaded);
    expect(second.jobs[0]!.completed).toBe(0);
  });
});

describe('t2a compare', async () => {
  const source = await sandbox({
    dhis2Version: '2.40',
    seed: 'demo-tracker',
    runAnalytics: true,
    now: NOW,
    facilities: 4,
    months: 4,
  });
  const target = await sandbox({
    dhis2Version: '2.40',
    seed: 'demo-hmis',
    now: NOW,
    facilities: 4,
  });
  const [a, b, c, d] = source.seed.facilities as [string, string, string, string];
  const { loaded } = configFor({
    source,
    target,
    group: 'DemoPiGrp01',
    root: source.seed.root,
    periods: '{ fixed: [202608, 202609, 202610] }',
  });
  // The manual reports, made from tracker's own numbers: A reports them exactly, B 10 % lower, C not at all,
  // D one month late.
  const pis = (
    await get(
      source,
      'programIndicators?filter=programIndicatorGroups.id:eq:DemoPiGrp01&fields=id&paging=false',
    )
  ).programIndicators.map((pi: any) => pi.id);
  const exported = await get(
    source,
    `analytics/dataValueSet.json?dimension=dx:${pis.join(';')}&dimension=pe:202607;${PERIODS.join(';')}&dimension=ou:${[a, b, c, d].join(';')}&outputIdScheme=ATTRIBUTE:vudyDP7jUy5&outputOrgUnitIdScheme=UID`,
  );
  const next = (period: string) => String(Number(period) + 1);
  const manual = exported.dataValues.flatMap((v: any) => {
    const value = Number(v.value);
    if (v.orgUnit === a && v.period !== '202607') return [{ ...v, value: String(value) }];
    if (v.orgUnit === b && v.period !== '202607')
      return [{ ...v, value: String(Math.floor(value * 0.9)) }];
    if (v.orgUnit === d && v.period !== '202610')
      return [{ ...v, period: next(v.period), value: String(value) }];
    return [];
  });
  await send(
    target,
    'POST',
    'dataValueSets?dataElementIdScheme=CODE&categoryOptionComboIdScheme=CODE',
    {
      dataValues: manual.map(
        ({ dataElement, categoryOptionCombo, period, orgUnit, value }: any) => ({
          dataElement,
          categoryOptionCombo,
          period,
          orgUnit,
          value,
        }),
      ),
    },
  );

  it('finds the facility missing on paper, the under-reporting, and the shifted month', async () => {
    const ctx = { ...contextOf(loaded), store: await openStore(':memory:') };
    const resolved = await resolveJob(ctx, 'immunisation', { periods: PERIODS, dryRun: true });
    const { comparison } = await compareJob(ctx, resolved);
    expect(comparison.trackerOnly).toEqual([c]);
    const totals = new Map(comparison.byOrgUnit.map((t) => [t.key, t]));
    expect(totals.get(a)!.difference).toBe(0);
    // Under-reporting: the figures are the sums of what each side holds (a zero is not stored on paper).
    const sum = (values: any[], ou: string) =>
      values
        .filter((v) => v.orgUnit === ou && PERIODS.includes(v.period))
        .reduce((t, v) => t + Number(v.value), 0);
    const under = totals.get(b)!;
    expect(under.manual).toBe(sum(manual, b));
    expect(under.tracker).toBe(sum(exported.dataValues, b));
    expect(under.relative).toBeGreaterThan(0.1);
    const shifted = comparison.rows.filter((row) => row.orgUnit === d && row.status !== 'agree');
    expect(shifted.length).toBeGreaterThan(0);
    expect(comparison.streaks.find((s) => s.orgUnit === a)?.periods).toBe(3);
    expect(comparison.streaks.find((s) => s.orgUnit === b)?.periods).toBe(0);
  });

  it('keeps every hand-typed number through a sync into the same data elements, and never counts t2a’s own as manual', async () => {
    const report = await sync(loaded, { periods: PERIODS });
    const held = (
      await get(
        target,
        `dataValueSets?dataSet=DemoImmMon1&orgUnit=${source.seed.root}&children=true&startDate=2026-08-01&endDate=2026-10-31&dataElementIdScheme=CODE&categoryOptionComboIdScheme=CODE`,
      )
    ).dataValues as {
      dataElement: string;
      categoryOptionCombo: string;
      period: string;
      orgUnit: string;
      value: string;
    }[];
    // B's numbers (10 % low) are B's: not one was overwritten, and each is reported held by others.
    // (A typed 0 is not stored: DHIS2 drops zeros of these data elements, so those cells were empty.)
    const typedAtB = manual.filter(
      (v: any) => v.orgUnit === b && PERIODS.includes(v.period) && v.value !== '0',
    );
    const differing = typedAtB.filter((v: any) => {
      const tracker = exported.dataValues.find(
        (e: any) =>
          e.orgUnit === b &&
          e.period === v.period &&
          e.dataElement === v.dataElement &&
          e.categoryOptionCombo === v.categoryOptionCombo,
      );
      return Number(tracker.value) !== Number(v.value);
    });
    expect(differing.length).toBeGreaterThan(0);
    for (const v of typedAtB) {
      const now = held.find(
        (h) =>
          h.orgUnit === b &&
          h.period === v.period &&
          h.dataElement === v.dataElement &&
          h.categoryOptionCombo === v.categoryOptionCombo,
      );
      expect(now?.value, JSON.stringify(v)).toBe(v.value);
    }
    const heldByOthers = report.jobs[0]!.targets[0]!.issues.find(
      (i) => i.cause === 'held-by-others',
    );
    expect(heldByOthers?.count).toBeGreaterThanOrEqual(differing.length);
    expect(report.outcome).toBe('incomplete');
    const ctx = { ...contextOf(loaded), store: storeOf(loaded)! };
    const resolved = await resolveJob(ctx, 'immunisation', { periods: PERIODS, dryRun: true });
    const outcome = await compareJob(ctx, resolved);
    // C's values are t2a's (none on paper): left out of the manual side. A reported tracker's numbers
    // exactly (unchanged, so still A's own), B kept its lower ones: A is ready, B is not, C is tracker only.
    expect(outcome.ownValuesLeftOut).toBeGreaterThan(0);
    expect(outcome.comparison.streaks.filter((s) => s.periods >= 3).map((s) => s.orgUnit)).toEqual([
      a,
    ]);
    expect(outcome.comparison.streaks.find((s) => s.orgUnit === b)?.periods).toBe(0);
    expect(outcome.comparison.trackerOnly).toEqual([c]);
  });
});
