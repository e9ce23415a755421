import { beforeAll, describe, expect, it } from 'vitest';
import { runAnalyticsNow } from '../../src/sandbox/analytics/analytics-job.ts';
import type { RunningSandbox } from '../../src/sandbox/index.ts';
import { packagePath, readPackage, withPackages } from '../packages.ts';
import { configFor, sandbox, send, sync, targetValues } from './harness.ts';

/**
 * Nights on real WHO packages, with generated tracker data: values typed by hand before the first run,
 * a tracker correction in chunks that also hold refused or failing indicators, and indicators the
 * source cannot evaluate among valid ones. What the target must hold is read from the source's own
 * analytics, one indicator at a time, not from t2a.
 */
const NOW = new Date('2026-11-24T08:00:00Z');
const PERIODS = ['202609', '202610'];
/** The package's monthly data set (EPI - Mpox immunization Monthly). */
const DATA_SET = 'TEA3VcVaeQM';
const CLERK = { username: 'clerk', password: 'Clerk-2026!', authorities: ['F_DATAVALUE_ADD'] };
type Row = {
  dataElement: string;
  categoryOptionCombo?: string;
  period: string;
  orgUnit: string;
  value: string;
};
const cell = (v: Row) => `${v.dataElement}|${v.categoryOptionCombo}|${v.period}|${v.orgUnit}`;

/** The mapped program indicators of a tracker package. */
function mappedIndicators(file: string): { id: string; dataElement: string }[] {
  const indicators = readPackage(file).programIndicators as {
    id: string;
    attributeValues?: { attribute: { id: string }; value: string }[];
  }[];
  return indicators.flatMap((pi) => {
    const code = pi.attributeValues?.find((a) => a.attribute.id === 'vudyDP7jUy5')?.value;
    return code ? [{ id: pi.id, dataElement: code }] : [];
  });
}

/** What the source's analytics gives, asked one indicator at a time (a failing one gives nothing). */
async function analyticsOneByOne(
  source: RunningSandbox,
  ids: readonly string[],
): Promise<{ values: Map<string, string>; refused: string[] }> {
  const values = new Map<string, string>();
  const refused: string[] = [];
  for (const id of ids) {
    const response = await fetch(
      `${source.baseUrl}/api/analytics/dataValueSet.json?dimension=dx:${id}&dimension=pe:${PERIODS.join(';')}&dimension=ou:${source.seed.facilities.join(';')}&outputDataItemIdScheme=ATTRIBUTE:vudyDP7jUy5`,
      { headers: { authorization: `Basic ${Buffer.from('admin:district').toString('base64')}` } },
    );
    if (response.status !== 200) {
      refused.push(id);
      continue;
    }
    for (const v of ((await response.json()) as { dataValues: Row[] }).dataValues)
      values.set(cell(v), String(Number(v.value)));
  }
  return { values, refused };
}

/** A tracker correction: every event of one facility in one month deleted, then analytics again. */
async function deleteEventsOf(source: RunningSandbox, orgUnit: string, month: string) {
  const events = source.context.db
    .prepare(
      'SELECT id, program_stage FROM events WHERE org_unit = ? AND substr(occurred_at, 1, 7) = ? AND deleted = 0',
    )
    .all(orgUnit, month) as { id: string; program_stage: string }[];
  expect(events.length).toBeGreaterThan(0);
  await send(source, 'POST', 'tracker?async=false&importStrategy=DELETE', {
    events: events.map((e) => ({ event: e.id, programStage: e.program_stage })),
  });
  runAnalyticsNow(source.context);
}

/**
 * The target's cells as analytics names them: numbers as numbers, and the default combo (which a
 * package may code "DEFAULT") as analytics leaves it, unnamed.
 */
const numbers = (values: Map<string, string>) =>
  new Map(
    [...values].map(([key, value]) => [
      key.replace(/\|(default|DEFAULT)\|/, '|undefined|'),
      String(Number(value)),
    ]),
  );

describe(
  'mpox immunisation into its EPI package (2.41): two indicators DHIS2 cannot evaluate',
  withPackages,
  () => {
    const TRACKER = 'MPOX_EIR/MPOX_EIR_TRK_DHIS2.40.4.1-en.metadata.json';
    let source: RunningSandbox;
    let target: RunningSandbox;
    let loaded: ReturnType<typeof configFor>['loaded'];
    let expected: Map<string, string>;
    let refused: string[];
    let typed: Row[];
    beforeAll(async () => {
      source = await sandbox({
        dhis2Version: '2.41',
        seed: 'empty',
        metadata: [packagePath(TRACKER)],
        months: 3,
        runAnalytics: true,
        now: NOW,
        facilities: 6,
      });
      target = await sandbox({
        dhis2Version: '2.41',
        seed: 'empty',
        metadata: [packagePath('MPOX_EPI/MPOX_EPI_AGG_complete.metadata.json')],
        now: NOW,
        facilities: 6,
        users: [CLERK],
      });
      const ids = mappedIndicators(TRACKER).map((pi) => pi.id);
      ({ loaded } = configFor({
        source,
        target,
        group: 'unused0000a',
        root: source.seed.root,
        periods: `{ fixed: [${PERIODS.join(', ')}] }`,
        jobExtra: '    periodType: Monthly',
      }));
      (loaded.config.jobs[0] as { programIndicators: unknown }).programIndicators = { ids };
      ({ values: expected, refused } = await analyticsOneByOne(source, ids));
      // Before t2a ever runs, a clerk types two numbers of the tracker's cells by hand, one more each.
      const cells = [...expected.keys()].slice(0, 2);
      typed = cells.map((key) => {
        const [dataElement, categoryOptionCombo, period, orgUnit] = key.split('|') as [
          string,
          string,
          string,
          string,
        ];
        return {
          dataElement,
          ...(categoryOptionCombo === 'undefined' ? {} : { categoryOptionCombo }),
          period,
          orgUnit,
          value: String(Number(expected.get(key)) + 1),
        };
      });
      const response = await fetch(
        `${target.baseUrl}/api/dataValueSets?dataElementIdScheme=CODE&categoryOptionComboIdScheme=CODE`,
        {
          method: 'POST',
          headers: {
            authorization: `Basic ${Buffer.from(`${CLERK.username}:${CLERK.password}`).toString('base64')}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify({ dataValues: typed }),
        },
      );
      expect(response.status).toBe(200);
    });

    it('delivers every other indicator value for value, keeps the typed numbers, and names the two', async () => {
      expect(refused.sort()).toEqual(['FKwYuuYXec3', 'Ftl0mLJ1oB7']);
      // Enough cells for the night to mean something (three months of generated data, six facilities).
      expect(expected.size).toBeGreaterThan(30);
      const report = await sync(loaded);
      const job = report.jobs[0]!;
      expect(job.failedChunks).toEqual([]);
      const issues = job.targets[0]!.issues;
      const failing = issues.find((issue) => issue.cause === 'indicator-failed')!;
      expect(failing.count).toBe(2);
      for (const id of refused) expect(failing.objects.join(' ')).toContain(`(${id}): E7132`);
      expect(issues.find((issue) => issue.cause === 'held-by-others')?.count).toBe(2);
      expect(report.outcome).toBe('incomplete');
      const held = numbers(await targetValues(target, DATA_SET, source.seed.root, PERIODS));
      const want = new Map(expected);
      for (const v of typed) want.set(cell(v), v.value);
      expect(held).toEqual(want);
    });

    it('clears the values a tracker correction took away, beside the failing indicators, and never a typed one', async () => {
      const [, orgUnit] = [...expected.keys()][0]!.split('|').slice(2) as [string, string];
      await deleteEventsOf(source, orgUnit, '2026-10');
      const { values: after } = await analyticsOneByOne(
        source,
        mappedIndicators(TRACKER).map((pi) => pi.id),
      );
      const report = await sync(loaded, { allowMassDelete: true });
      expect(report.jobs[0]!.failedChunks).toEqual([]);
      const gone = [...expected.keys()].filter((key) => !after.has(key));
      expect(gone.length).toBeGreaterThan(0);
      const held = numbers(await targetValues(target, DATA_SET, source.seed.root, PERIODS));
      const want = new Map(after);
      for (const v of typed) want.set(cell(v), v.value);
      expect(held).toEqual(want);
    });
  },
);

describe(
  'immunisation into the 2023 EPI package (2.41), forced past six refused indicators',
  withPackages,
  () => {
    const TRACKER = 'IMM_EIR/IMM_EIR_TRK_DHIS2.40.5-en.metadata.json';
    // test/jobs/real-pairs.ts: four combos of another category combo, two unknown data elements.
    const REFUSED = [
      'CZpmf1himYf',
      'D6WxekhYuor',
      'DeHUrugOyiz',
      'GPZvlre49yX',
      'VU0UkDWFaoa',
      'yfjnSK5kYKa',
    ];
    const IMM_MONTHLY = 'jqSaKxtj8IA';

    it('clears what a tracker correction took away in chunks that also withheld the refused indicators', async () => {
      const source = await sandbox({
        dhis2Version: '2.41',
        seed: 'empty',
        metadata: [packagePath(TRACKER)],
        months: 3,
        runAnalytics: true,
        now: NOW,
        facilities: 6,
      });
      const target = await sandbox({
        dhis2Version: '2.41',
        seed: 'empty',
        metadata: [packagePath('IMM_AGG/IMM_AGG_AGG_DHIS2.39.1.1-en.2023-03-06.metadata.json')],
        now: NOW,
        facilities: 6,
      });
      const ids = mappedIndicators(TRACKER).map((pi) => pi.id);
      const { loaded } = configFor({
        source,
        target,
        group: 'unused0000a',
        root: source.seed.root,
        periods: `{ fixed: [${PERIODS.join(', ')}] }`,
        jobExtra: '    periodType: Monthly',
      });
      (loaded.config.jobs[0] as { programIndicators: unknown }).programIndicators = { ids };
      const valid = ids.filter((id) => !REFUSED.includes(id));
      const { values: before } = await analyticsOneByOne(source, valid);
      expect(before.size).toBeGreaterThan(20);
      const first = await sync(loaded, { force: true });
      const withheld = first.jobs[0]!.targets[0]!.issues.find(
        (i) => i.cause === 'failed-validation',
      )!;
      expect(withheld.count).toBe(6);
      for (const id of REFUSED) expect(withheld.objects.join(' ')).toContain(`(${id})`);
      expect(numbers(await targetValues(target, IMM_MONTHLY, source.seed.root, PERIODS))).toEqual(
        before,
      );
      const [, , , orgUnit] = [...before.keys()][0]!.split('|') as [string, string, string, string];
      await deleteEventsOf(source, orgUnit, '2026-10');
      const { values: after } = await analyticsOneByOne(source, valid);
      const gone = [...before.keys()].filter((key) => !after.has(key));
      expect(gone.length).toBeGreaterThan(0);
      const second = await sync(loaded, { force: true, allowMassDelete: true });
      expect(second.totals.deleted).toBe(gone.length);
      expect(numbers(await targetValues(target, IMM_MONTHLY, source.seed.root, PERIODS))).toEqual(
        after,
      );
    });
  },
);
