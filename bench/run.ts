/**
 * `npm run bench`: a national-sized run on the sandbox. Analytics is seeded directly with over a million
 * program indicator values (16 indicators × 12 months × 5 250 facilities), then
 *   1. the floor: a naive script making the same two HTTP calls per chunk, with no checks;
 *   2. t2a sync, full, into an empty target;
 *   3. t2a sync again after 1 % of the values changed (change-only: only those are sent).
 * Each runs in its own process; values per second and that process's peak memory are printed.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runAnalyticsNow } from '../src/sandbox/analytics/analytics-job.ts';
import { startSandbox } from '../src/sandbox/index.ts';
import { seededRandom } from '../src/sandbox/seed/random.ts';

const run = promisify(execFile);
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
}

async function child(script: string, args: string[]): Promise<Measure> {
  // BENCH_CHILD_HEAP_MB caps the measured processes' heap: a run that still completes holds nothing that
  // grows with the data.
  const heap = process.env.BENCH_CHILD_HEAP_MB
    ? [`--max-old-space-size=${process.env.BENCH_CHILD_HEAP_MB}`]
    : [];
  // BENCH_CPU_PROF=DIR writes each measured process's CPU profile there (Chrome DevTools format).
  if (process.env.BENCH_CPU_PROF)
    heap.push('--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`);
  const { stdout } = await run(
    process.execPath,
    [...heap, '--import', 'tsx', new URL(script, import.meta.url).pathname, ...args],
    { maxBuffer: 1 << 24, timeout: 1_800_000 },
  );
  return JSON.parse(stdout.trim().split('\n').pop()!) as Measure;
}

const say = (text: string) => process.stdout.write(`${text}\n`);
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
say(
  '\n1. The floor: a naive script, two HTTP calls per chunk (1 month × 100 facilities), no checks…',
);
const naive = await child('./naive-child.ts', [
  source.baseUrl,
  target.baseUrl,
  source.seed.adminToken,
  target.seed.adminToken,
  'DemoPiGrp01',
  'vudyDP7jUy5',
  MONTHS.join(','),
  source.seed.facilities.join(','),
  '100',
  '2',
]);
const naiveStored = (
  target.context.db.prepare('SELECT COUNT(*) AS n FROM data_values').get() as { n: number }
).n;
clear();
say('2. t2a sync, full run into an empty target…');
const full = await child('./t2a-child.ts', [config]);
const stored = (
  target.context.db.prepare('SELECT COUNT(*) AS n FROM data_values WHERE deleted = 0').get() as {
    n: number;
  }
).n;
say('3. t2a sync after 1 % of the values changed in tracker…');
const changed = source.context.db
  .prepare('UPDATE analytics_values SET value = value + 1 WHERE rowid % 100 = 0')
  .run().changes;
const incremental = await child('./t2a-child.ts', [config]);

const rate = (m: Measure, values: number) => Math.round(values / m.seconds);
const row = (name: string, m: Measure, values: number) =>
  `${name.padEnd(34)} ${values.toLocaleString('en').padStart(11)} values ${m.seconds.toFixed(1).padStart(7)} s ${rate(m, values).toLocaleString('en').padStart(9)} values/s   peak RSS ${m.peakRssMb.toFixed(0).padStart(5)} MB`;
say('');
say(row('naive script (floor)', naive, naive.exported ?? 0));
say(row('t2a sync, full', full, full.exported ?? 0));
say(row('t2a sync, 1 % changed', incremental, incremental.exported ?? 0));
say('');
say(
  `t2a full run: ${(rate(full, full.exported ?? 0) / rate(naive, naive.exported ?? 1)).toFixed(2)} × the naive script's speed; ${stored.toLocaleString('en')} values stored (naive stored ${naiveStored.toLocaleString('en')}).`,
);
say(
  `Incremental run: ${changed.toLocaleString('en')} values changed, ${incremental.sent?.toLocaleString('en')} sent (the rest counted unchanged), ${((incremental.seconds / full.seconds) * 100).toFixed(0)} % of the full run's time.`,
);
await Promise.all([source.stop(), target.stop()]);
