import { describe, expect, it } from 'vitest';
import { foldRecordValues, indicatorRecords } from '../../../src/program-indicators/records.ts';
import { roundedValue } from '../../../src/sandbox/analytics/format.ts';
import { programData } from '../../../src/sandbox/analytics/program-data.ts';
import { compiledIndicator } from '../../../src/sandbox/analytics/unsupported.ts';
import type { RunningSandbox } from '../../../src/sandbox/index.ts';
import { startSandbox } from '../../../src/sandbox/index.ts';
import type { MetadataObject } from '../../../src/sandbox/metadata/store.ts';
import { packagePath, REAL_PACKAGES, withPackages } from '../../packages.ts';
import { api } from '../helpers.ts';
import {
  ANALYST,
  addEnrollment,
  addEvent,
  analyticsSandbox,
  auth,
  OU,
  PI,
  runAnalyticsJob,
} from './builder.ts';

/**
 * The records behind a value add up to it. Two listings of an indicator's records for an org unit and
 * a period are checked against the value `/api/analytics` answers:
 * - t2a's own, `indicatorRecords` of the program indicator engine over the analytics rows: for every
 *   indicator whose aggregation folds from per-record values, they fold to the value.
 * - DHIS2's own, the event or enrollment query with the indicator as a column: its rows are the
 *   programme's events (enrollments) whose event (enrollment) date is in the period, each with the
 *   indicator's value over that row where its filter holds (`DefaultProgramIndicatorSubqueryBuilder`).
 *   Where the indicator keeps the default boundaries of its type and its aggregation folds (SUM, COUNT,
 *   AVERAGE, MIN, MAX, no distinct count), every record the engine counts is in DHIS2's listing with
 *   the same value, and those rows fold to the value. DHIS2 also lists rows the aggregate leaves out:
 *   those failing the filter (no value) and, for an EVENT indicator naming data elements or attributes,
 *   events with none of them (the any-value clause `getAnyValueExistsClauseAnalyticsSql`), which read
 *   the expression over NULLs: 0 for `#{a}`, but 9 for IMM_EIR's "Reason Dose Not Given: Stockout"
 *   (`if(#{…}==0, 1, 0) + …` nine times). So the whole listing adds up only where those read 0 or
 *   nothing; `directly` counts the cells where it does.
 */
const MONTHS = [
  { id: '202609', periodType: 'Monthly', startDate: '2026-09-01', endDate: '2026-09-30' },
  { id: '202610', periodType: 'Monthly', startDate: '2026-10-01', endDate: '2026-10-31' },
];

interface Cell {
  readonly period: string;
  readonly orgUnit: string;
  readonly value: number;
}

/** `/api/analytics` for one indicator by period and org unit, unrounded. */
async function analyticsCells(
  sandbox: RunningSandbox,
  indicator: string,
  periods: readonly string[],
  orgUnits: readonly string[],
  as: string | undefined,
): Promise<Cell[]> {
  const { status, body } = await api(
    sandbox,
    `/api/analytics?dimension=dx:${indicator}&dimension=pe:${periods.join(';')}&dimension=ou:${orgUnits.join(';')}&skipRounding=true`,
    as ? { auth: as } : {},
  );
  if (status !== 200) return [];
  const at = (name: string) => body.headers.findIndex((h: { name: string }) => h.name === name);
  return body.rows.map((row: string[]) => ({
    period: row[at('pe')]!,
    orgUnit: row[at('ou')]!,
    value: Number(row[at('value')]),
  }));
}

const isDefault = (pi: MetadataObject) => {
  const target = pi.analyticsType === 'ENROLLMENT' ? 'ENROLLMENT_DATE' : 'EVENT_DATE';
  const boundaries = (pi.analyticsPeriodBoundaries ?? []) as Record<string, unknown>[];
  return (
    boundaries.length === 2 &&
    boundaries.every((b) => b.boundaryTarget === target && !b.offsetPeriods) &&
    boundaries.some((b) => b.analyticsPeriodBoundaryType === 'AFTER_START_OF_REPORTING_PERIOD') &&
    boundaries.some((b) => b.analyticsPeriodBoundaryType === 'BEFORE_END_OF_REPORTING_PERIOD')
  );
};

/** Where DHIS2's listing holds every record the indicator counts (see above). */
function listable(pi: MetadataObject): boolean {
  const aggregation = String(pi.aggregationType ?? 'AVERAGE');
  return ['SUM', 'COUNT', 'AVERAGE', 'MIN', 'MAX'].includes(aggregation) && isDefault(pi);
}

interface Checked {
  /** Cells whose engine records DHIS2's listing holds, folding to the value. */
  readonly dhis2: number;
  /** Cells whose whole DHIS2 listing folds to the value. */
  readonly directly: number;
  readonly engine: number;
}

/**
 * Every cell of every indicator with values: DHIS2's listing where it applies, the engine's always;
 * each listed value rounded as the version rounds it (half a unit of its last decimal, per row).
 */
async function checkIndicators(
  sandbox: RunningSandbox,
  periods: typeof MONTHS,
  orgUnits: readonly string[],
  as?: string,
): Promise<Checked> {
  const ctx = sandbox.context;
  let dhis2 = 0;
  let directly = 0;
  let engine = 0;
  for (const pi of ctx.metadata.list('programIndicators')) {
    const cells = await analyticsCells(
      sandbox,
      pi.id,
      periods.map((p) => p.id),
      orgUnits,
      as,
    );
    if (cells.length === 0) continue;
    const compiled = compiledIndicator(ctx, pi);
    if (!compiled.ok) continue;
    const program = compiled.indicator.program;
    const endpoint = pi.analyticsType === 'ENROLLMENT' ? 'enrollments' : 'events';
    for (const period of periods) {
      const listing = listable(pi)
        ? (
            await api(
              sandbox,
              `/api/analytics/${endpoint}/query/${program}.json?dimension=pe:${period.id}&dimension=ou:${orgUnits[0]}&dimension=${pi.id}&headers=${endpoint === 'events' ? 'psi' : 'pi'},ou,${pi.id}&paging=false`,
              as ? { auth: as } : {},
            )
          ).body
        : undefined;
      for (const cell of cells.filter((c) => c.period === period.id)) {
        const subtree = new Set(ctx.orgUnits.subtree(cell.orgUnit));
        const where = `${pi.id} ${period.id} ${cell.orgUnit}`;
        const own = indicatorRecords(compiled.indicator, programData(ctx, program), {
          orgUnits: subtree,
          period,
          today: ctx.clock.now(),
        });
        const folded = foldRecordValues(pi.aggregationType, own.records);
        if (folded !== undefined) {
          // As analytics writes it with skipRounding (10 decimals; a 0-decimal indicator truncated).
          const decimals = typeof pi.decimals === 'number' ? pi.decimals : undefined;
          const written = roundedValue(ctx.version, folded, decimals, true).value;
          expect(written, `engine ${where}`).toBeCloseTo(cell.value, 6);
          engine++;
        }
        // DHIS2's rows of a distinct count (`V{tei_count}`) each read 1: no sum of them gives it.
        if (!listing || own.distinct) continue;
        const rows = (listing.rows as string[][]).filter((row) => subtree.has(row[1]!));
        const listed = new Map(rows.map((row) => [row[0]!, row[2] === '' ? null : Number(row[2])]));
        const step = 0.5 * 10 ** -(typeof pi.decimals === 'number' ? pi.decimals : 2);
        const close = (a: number | null | undefined, b: number | null | undefined, n = 1) =>
          a === b ||
          (typeof a === 'number' && typeof b === 'number' && Math.abs(a - b) <= step * n + 1e-9);
        for (const record of own.records) {
          expect(listed.has(record.row.id), `listed ${record.row.id} ${where}`).toBe(true);
          expect(
            close(listed.get(record.row.id), record.value),
            `value of ${record.row.id} ${where}`,
          ).toBe(true);
        }
        const counted = own.records.map((record) => listed.get(record.row.id) ?? null);
        const fold = foldRecordValues(pi.aggregationType, counted);
        expect(close(fold, cell.value, counted.length), `listing ${where}: ${fold}`).toBe(true);
        dhis2++;
        const whole = foldRecordValues(pi.aggregationType, [...listed.values()]);
        if (close(whole, cell.value, listed.size)) directly++;
      }
    }
  }
  return { dhis2, directly, engine };
}

describe('the listed records add up to the analytics value', () => {
  for (const version of ['2.39.9', '2.41.9', '2.43.1'])
    it(`${version}: the test world’s indicators, each org unit and month`, async () => {
      const sandbox = await analyticsSandbox(version, new Date('2026-11-15T10:00:00Z'));
      const ctx = sandbox.context;
      const units = [OU.clinicA, OU.clinicB, OU.clinicC];
      for (let i = 0; i < 24; i++)
        addEvent(ctx, {
          orgUnit: units[i % 3]!,
          date: `2026-${i % 2 ? '09' : '10'}-${String(1 + (i % 28)).padStart(2, '0')}`,
          ...(i % 5 === 0 ? {} : { cases: (i * 7) % 11 }),
        });
      for (let i = 0; i < 6; i++)
        addEnrollment(ctx, { orgUnit: units[i % 3]!, date: `2026-${i % 2 ? '09' : '10'}-1${i}` });
      await runAnalyticsJob(sandbox);
      const checked = await checkIndicators(
        sandbox,
        MONTHS,
        [OU.root, OU.north, OU.south, ...units],
        auth(ANALYST),
      );
      // The four indicators in 2 months × 6 org units, by both listings.
      expect(checked.engine).toBe(4 * 2 * 6);
      expect(checked.dhis2).toBe(4 * 2 * 6);
      // DHIS2's whole listing adds up but for the average of cases where an event without cases
      // (read 0) lies below the org unit: 11 of its 12 cells, all but Clinic B in September.
      expect(checked.directly).toBe(4 * 2 * 6 - 11);
      expect(PI.averageCases).toBeTruthy();
    });
});

const TRACKER_PACKAGES = REAL_PACKAGES.manifest
  .map((entry) => entry.file)
  .filter((file) => file.includes('_TRK_'));

describe('the listed records of the real tracker packages add up', withPackages, () => {
  it.each(TRACKER_PACKAGES)(
    '%s: every indicator with values in a two-month rehearsal',
    async (file) => {
      const sandbox = await startSandbox({
        dhis2Version: '2.41',
        seed: 'empty',
        metadata: [packagePath(file)],
        months: 2,
        runAnalytics: true,
        now: new Date('2026-11-10T08:00:00Z'),
        facilities: 4,
        maxRequestLine: 0,
      });
      try {
        const root = sandbox.seed.root;
        const checked = await checkIndicators(sandbox, MONTHS, [
          root,
          ...sandbox.context.orgUnits.subtree(root).filter((id) => id !== root),
        ]);
        expect(checked.engine).toBeGreaterThan(0);
        expect(checked.dhis2).toBeGreaterThan(0);
      } finally {
        await sandbox.stop();
      }
    },
  );
});
