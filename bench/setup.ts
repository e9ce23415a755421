/**
 * The benchmark's world: a source sandbox whose analytics is seeded directly with program indicator values
 * (16 indicators × 12 months × BENCH_FACILITIES facilities), an empty target, and t2a's configuration for
 * one national job between them.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAnalyticsNow } from '../src/sandbox/analytics/analytics-job.ts';
import { type RunningSandbox, startSandbox } from '../src/sandbox/index.ts';
import { seededRandom } from '../src/sandbox/seed/random.ts';

export const MONTHS = [
  '202512',
  '202601',
  '202602',
  '202603',
  '202604',
  '202605',
  '202606',
  '202607',
  '202608',
  '202609',
  '202610',
  '202611',
];
export const NOW = new Date('2026-12-05T08:00:00Z');
/** Org units per chunk, for t2a (its default) and the naive scripts alike. */
export const CHUNK_UNITS = 100;

export interface BenchWorld {
  readonly source: RunningSandbox;
  readonly target: RunningSandbox;
  readonly facilities: number;
  readonly indicators: readonly string[];
  /** Values seeded into the source's analytics. */
  readonly seeded: number;
  /** The working folder: t2a's configuration, store and log, the facilities list. */
  readonly dir: string;
  /** t2a's configuration file. */
  readonly config: string;
  /** The facilities' UIDs, comma-separated, in a file (21,000 would pass the kernel's limit for one argument). */
  readonly facilitiesFile: string;
}

export async function benchWorld(facilities: number, say: (text: string) => void) {
  say(`Starting the sandboxes with ${facilities} facilities…`);
  const source = await startSandbox({
    dhis2Version: '2.40',
    seed: 'demo-tracker',
    facilities,
    months: 0,
    now: NOW,
  });
  const target = await startSandbox({
    dhis2Version: '2.40',
    seed: 'demo-hmis',
    facilities,
    now: NOW,
  });
  const indicators = source.context.metadata.list('programIndicators').map((pi) => pi.id);
  const seeded = seedAnalytics(source, indicators);
  say(
    `Seeded ${seeded.toLocaleString('en')} analytics values (${indicators.length} indicators × ${MONTHS.length} months × ${facilities} facilities).`,
  );
  const dir = mkdtempSync(join(tmpdir(), 't2a-bench-'));
  const config = join(dir, 't2a.yaml');
  writeFileSync(config, t2aConfig(source, target, dir));
  const facilitiesFile = join(dir, 'facilities.txt');
  writeFileSync(facilitiesFile, source.seed.facilities.join(','));
  return {
    source,
    target,
    facilities,
    indicators,
    seeded,
    dir,
    config,
    facilitiesFile,
  } satisfies BenchWorld;
}

function seedAnalytics(source: RunningSandbox, indicators: readonly string[]): number {
  const random = seededRandom(42);
  const insert = source.context.db.prepare(
    'INSERT INTO analytics_values (dx, period, org_unit, value) VALUES (?, ?, ?, ?)',
  );
  let seeded = 0;
  source.context.db.transaction(() => {
    for (const dx of indicators)
      for (const period of MONTHS)
        for (const ou of source.seed.facilities) {
          insert.run(dx, period, ou, 1 + Math.floor(random() * 40));
          seeded += 1;
        }
  })();
  runAnalyticsNow(source.context);
  return seeded;
}

function t2aConfig(source: RunningSandbox, target: RunningSandbox, dir: string): string {
  return `connections:
  tracker: { url: ${source.baseUrl}, auth: { token: ${source.seed.adminToken} }, timeoutSeconds: 300 }
  hmis: { url: ${target.baseUrl}, auth: { token: ${target.seed.adminToken} }, timeoutSeconds: 300 }
jobs:
  - name: national
    source: tracker
    programIndicators: { group: DemoPiGrp01 }
    periods: { fixed: [${MONTHS.join(', ')}] }
    orgUnits: { roots: [${source.seed.root}], level: 4 }
    targets: [{ connection: hmis }]
    provenance: none
    fullExportEvery: 7d
store: ${join(dir, 't2a.sqlite')}
log: { file: ${join(dir, 't2a.log')}, level: warn }
`;
}

/** Values the target holds (not deleted). */
export function storedInTarget(world: BenchWorld): number {
  return (
    world.target.context.db
      .prepare('SELECT COUNT(*) AS n FROM data_values WHERE deleted = 0')
      .get() as { n: number }
  ).n;
}

/** Empties the target: the next run starts from nothing. */
export function clearTarget(world: BenchWorld): void {
  world.target.context.db.exec('DELETE FROM data_values');
}

/**
 * Every period holds every value in the target, with the totals analytics holds (a value lost,
 * doubled or left stale changes them); the count of values stored. Throws where it does not.
 */
export function checkTarget(world: BenchWorld, run: string): number {
  const held = world.target.context.db
    .prepare(
      'SELECT period, COUNT(*) AS n, SUM(CAST(value AS REAL)) AS total FROM data_values WHERE deleted = 0 GROUP BY period',
    )
    .all() as { period: string; n: number; total: number }[];
  const expected = world.source.context.db
    .prepare(
      'SELECT period, COUNT(*) AS n, SUM(value) AS total FROM analytics_values GROUP BY period',
    )
    .all() as { period: string; n: number; total: number }[];
  const wrong = expected.filter((want) => {
    const got = held.find((row) => row.period === want.period);
    return got?.n !== want.n || got.total !== want.total;
  });
  if (wrong.length > 0 || held.length !== expected.length)
    throw new Error(
      `The ${run} run left the target wrong: ${JSON.stringify({ expected: wrong, held })}`,
    );
  return held.reduce((sum, row) => sum + row.n, 0);
}
