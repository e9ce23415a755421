/**
 * `npm run bench`: a national-sized run on the sandbox. Analytics is seeded directly with over a million
 * program indicator values (16 indicators × 12 months × 5 250 facilities; BENCH_FACILITIES scales it),
 * then
 *   1. the floor: a naive script making the same two HTTP calls per chunk, with no checks;
 *   2. t2a sync, full, into an empty target;
 *   3. t2a sync again after 1 % of the values changed (change-only: only those are sent).
 * Each runs in its own process (t2a from its compiled build, as `t2a sync` runs); its time, peak memory
 * and the analytics requests the source served are printed, and each t2a run is checked: every period
 * holds every value in the target, with the source's totals. `--json` ends with one JSON line.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runAnalyticsNow } from '../src/sandbox/analytics/analytics-job.ts';
import { startSandbox } from '../src/sandbox/index.ts';
import { seededRandom } from '../src/sandbox/seed/random.ts';

const run = promisify(execFile);
const JSON_OUTPUT = process.argv.includes('--json');
const FACILITIES = Number(process.env.BENCH_FACILITIES ?? 5250);
const MONTHS = [
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
].slice(0, 12);
const NOW = new Date('2026-12-05T08:00:00Z');

interface Measure {
  seconds: number;
  exported?: number;
  sent?: number;
  peakRssMb: number;
  /** Analytics requests the source served for the run. */
  analyticsRequests: number;
}

/** The Node flags t2a runs with, as its executable's first line gives them (`#!/usr/bin/env -S node …`). */
function shippedNodeFlags(): string[] {
  const shebang = readFileSync(new URL('../bin/t2a.js', import.meta.url), 'utf8').split('\n')[0]!;
  return shebang.split(/\s+/).slice(shebang.split(/\s+/).indexOf('node') + 1);
}

async function child(script: string, args: string[], flags: string[] = []): Promise<Measure> {
  source.context.requests.clear();
  // BENCH_CHILD_HEAP_MB caps the measured processes' heap: a run that still completes holds nothing that
  // grows with the data.
  const heap = process.env.BENCH_CHILD_HEAP_MB
    ? [...flags, `--max-old-space-size=${process.env.BENCH_CHILD_HEAP_MB}`]
    : [...flags];
  // BENCH_CPU_PROF=DIR writes each measured process's CPU profile there (Chrome DevTools format).
  if (process.env.BENCH_CPU_PROF)
    heap.push('--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`);
  // BENCH_NODE_FLAGS: more Node flags for the measured processes (--heapsnapshot-signal=SIGUSR2, …).
  heap.push(...(process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? []));
  const { stdout } = await run(
    process.execPath,
    [...heap, new URL(script, import.meta.url).pathname, ...args],
    { maxBuffer: 1 << 24, timeout: 3_600_000 },
  );
  const measured = JSON.parse(stdout.trim().split('\n').pop()!) as Omit<
    Measure,
    'analyticsRequests'
  >;
  const analyticsRequests = [...source.context.requests]
    .filter(([path]) => path.includes('/api/analytics/'))
    .reduce((sum, [, count]) => sum + count, 0);
  return { ...measured, analyticsRequests };
}

const say = (text: string) => process.stdout.write(`${text}\n`);
const CHUNK_UNITS = 100;
say(`Starting the sandboxes with ${FACILITIES} facilities…`);
const source = await startSandbox({
  dhis2Version: '2.40',
  seed: 'demo-tracker',
  facilities: FACILITIES,
  months: 0,
  now: NOW,
});
const target = await startSandbox({
  dhis2Version: '2.40',
  seed: 'demo-hmis',
  facilities: FACILITIES,
  now: NOW,
});
const indicators = source.context.metadata.list('programIndicators').map((pi) => pi.id);
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
say(
  `Seeded ${seeded.toLocaleString('en')} analytics values (${indicators.length} indicators × ${MONTHS.length} months × ${FACILITIES} facilities).`,
);

const dir = mkdtempSync(join(tmpdir(), 't2a-bench-'));
const config = join(dir, 't2a.yaml');
writeFileSync(
  config,
  `connections:
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
store: ${join(dir, 't2a.sqlite')}
log: { file: ${join(dir, 't2a.log')}, level: warn }
`,
);

const clear = () => target.context.db.exec('DELETE FROM data_values');
// In a file: 21,000 facilities on the command line would pass the kernel's limit for one argument.
const facilitiesFile = join(dir, 'facilities.txt');
writeFileSync(facilitiesFile, source.seed.facilities.join(','));
say(
  '\n1. The floor: a naive script, two HTTP calls per chunk (1 month × 100 facilities), no checks…',
);
const naive = await child('./naive-child.js', [
  source.baseUrl,
  target.baseUrl,
  source.seed.adminToken,
  target.seed.adminToken,
  'DemoPiGrp01',
  'vudyDP7jUy5',
  MONTHS.join(','),
  facilitiesFile,
  String(CHUNK_UNITS),
  '2',
]);
const naiveStored = (
  target.context.db.prepare('SELECT COUNT(*) AS n FROM data_values').get() as { n: number }
).n;
clear();
say('2. t2a sync, full run into an empty target…');
const full = await child('./t2a-child.js', [config], shippedNodeFlags());
const stored = checkTarget('full');
say('3. t2a sync after 1 % of the values changed in tracker…');
const changed = source.context.db
  .prepare('UPDATE analytics_values SET value = value + 1 WHERE rowid % 100 = 0')
  .run().changes;
const incremental = await child('./t2a-child.js', [config], shippedNodeFlags());
checkTarget('incremental');

const rate = (m: Measure, values: number) => Math.round(values / m.seconds);
const row = (name: string, m: Measure, values: number) =>
  `${name.padEnd(26)} ${values.toLocaleString('en').padStart(11)} values ${m.seconds.toFixed(1).padStart(7)} s ${rate(m, values).toLocaleString('en').padStart(9)} values/s   peak RSS ${m.peakRssMb.toFixed(0).padStart(5)} MB   analytics requests ${String(m.analyticsRequests).padStart(6)}`;
// DHIS2's own integration-t2a asks analytics once per indicator × org unit batch × period.
const perIndicator = indicators.length * MONTHS.length * Math.ceil(FACILITIES / CHUNK_UNITS);
say('');
say(row('naive script (floor)', naive, naive.exported ?? 0));
say(row('t2a sync, full', full, full.exported ?? 0));
say(row('t2a sync, 1 % changed', incremental, incremental.exported ?? 0));
say('');
say(
  `t2a full run: ${(full.seconds / naive.seconds).toFixed(2)} × the naive script's time; ${stored.toLocaleString('en')} values stored, every period checked (naive stored ${naiveStored.toLocaleString('en')}).`,
);
say(
  `Incremental run: ${changed.toLocaleString('en')} values changed, ${incremental.sent?.toLocaleString('en')} sent, ${(incremental.seconds / full.seconds).toFixed(2)} × the full run's time.`,
);
say(
  `Analytics requests: t2a ${full.analyticsRequests}; one per indicator × org unit batch × period (integration-t2a) would be ${perIndicator} (${(full.analyticsRequests / perIndicator).toFixed(3)} ×).`,
);
await Promise.all([source.stop(), target.stop()]);
if (JSON_OUTPUT)
  say(
    JSON.stringify({
      values: seeded,
      naive: { seconds: naive.seconds, peakRssMb: naive.peakRssMb, stored: naiveStored },
      full: { seconds: full.seconds, peakRssMb: full.peakRssMb, stored },
      incremental: {
        seconds: incremental.seconds,
        peakRssMb: incremental.peakRssMb,
        sent: incremental.sent,
        changed,
      },
      analyticsRequests: { t2a: full.analyticsRequests, perIndicator },
    }),
  );

/**
 * Every period holds every value in the target, with the totals analytics holds (a value lost,
 * doubled or left stale changes them); the count of values stored.
 */
function checkTarget(run: string): number {
  const held = target.context.db
    .prepare(
      'SELECT period, COUNT(*) AS n, SUM(CAST(value AS REAL)) AS total FROM data_values WHERE deleted = 0 GROUP BY period',
    )
    .all() as { period: string; n: number; total: number }[];
  const expected = source.context.db
    .prepare(
      'SELECT period, COUNT(*) AS n, SUM(value) AS total FROM analytics_values GROUP BY period',
    )
    .all() as { period: string; n: number; total: number }[];
  const wrong = expected.filter((want) => {
    const got = held.find((row) => row.period === want.period);
    return got?.n !== want.n || got.total !== want.total;
  });
  if (wrong.length > 0 || held.length !== expected.length) {
    say(`The ${run} run left the target wrong: ${JSON.stringify({ expected: wrong, held })}`);
    process.exit(1);
  }
  return held.reduce((sum, row) => sum + row.n, 0);
}
