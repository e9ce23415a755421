/**
 * `npm run bench`: a national-sized run on the sandbox (bench/setup.ts), then each scenario of
 * bench/scenarios.ts in its own process:
 *   1. the naive script: the same two HTTP calls per chunk as t2a, no checks (stores half the values:
 *      DHIS2 refuses "5.0" for integer data elements);
 *   2. the fair floor: the naive script writing integers as integers, so it stores every value;
 *   3. t2a sync, full, into an empty target;
 *   4. t2a sync again after 1 % of the values changed (change-only: only those are sent).
 * For each: its time, its own CPU and peak memory, and what each sandbox answered (requests, bytes,
 * analytics rows, the servers' CPU); each t2a run is checked: every period holds every value in the
 * target, with the source's totals. `--json` ends with one JSON line.
 */
import type { Measure } from './measure.ts';
import { SCENARIOS, type ScenarioResult } from './scenarios.ts';
import { benchWorld, CHUNK_UNITS, MONTHS } from './setup.ts';

const JSON_OUTPUT = process.argv.includes('--json');
const say = (text: string) => process.stdout.write(`${text}\n`);

const world = await benchWorld(Number(process.env.BENCH_FACILITIES ?? 5250), say);
// BENCH_ONLY=fairFloor,full runs only those (in their order), to compare two builds quickly.
const only = process.env.BENCH_ONLY?.split(',');
const scenarios = SCENARIOS.filter((scenario) => !only || only.includes(scenario.key));
const results = new Map<string, ScenarioResult>();
try {
  for (const [index, scenario] of scenarios.entries()) {
    say(`${index === 0 ? '\n' : ''}${index + 1}. ${scenario.announce}`);
    results.set(scenario.key, await scenario.run(world));
  }
} finally {
  await Promise.all([world.source.stop(), world.target.stop()]);
}

const floor = results.get('fairFloor');
const full = results.get('full');
const MB = 1024 * 1024;
say('');
say(
  `${'run'.padEnd(24)} ${'values'.padStart(10)} ${'time'.padStart(8)} ${'× floor'.padStart(8)} ${'CPU'.padStart(7)} ${'RSS'.padStart(7)} ${'servers CPU'.padStart(11)} ${'analytics req/rows'.padStart(19)}  source req/MB out   target req/MB in`,
);
for (const scenario of scenarios) {
  const m = results.get(scenario.key)!;
  const { source, target } = m.servers;
  say(
    `${scenario.label.padEnd(24)} ${(m.exported ?? 0).toLocaleString('en').padStart(10)} ${m.seconds.toFixed(1).padStart(6)} s ${(floor ? m.seconds / floor.seconds : Number.NaN).toFixed(2).padStart(7)}× ${m.cpuSeconds.toFixed(1).padStart(5)} s ${m.peakRssMb.toFixed(0).padStart(4)} MB ${m.serverCpuSeconds.toFixed(1).padStart(9)} s ${`${m.analyticsRequests}/${m.analyticsRows.toLocaleString('en')}`.padStart(19)}  ${`${source.requests}/${(source.bytesWritten / MB).toFixed(0)}`.padStart(16)}   ${`${target.requests}/${(target.bytesRead / MB).toFixed(0)}`.padStart(16)}`,
  );
}
const perIndicator =
  world.indicators.length * MONTHS.length * Math.ceil(world.facilities / CHUNK_UNITS);
say('');
const naive = results.get('naive');
if (naive?.stored !== undefined)
  say(
    `Stored: naive ${naive.stored.toLocaleString('en')}, fair floor ${floor?.stored?.toLocaleString('en')}, t2a ${full?.stored?.toLocaleString('en')} (every t2a run checked: every period holds every value).`,
  );
const incremental = results.get('incremental');
if (incremental && full)
  say(
    `1 % changed: ${incremental.changed?.toLocaleString('en')} values changed, ${incremental.sent?.toLocaleString('en')} sent, ${(incremental.seconds / full.seconds).toFixed(2)} × the full run's time.`,
  );
if (full)
  say(
    `Analytics requests: t2a ${full.analyticsRequests}; one per indicator × org unit batch × period (integration-t2a) would be ${perIndicator} (${(full.analyticsRequests / perIndicator).toFixed(3)} ×).`,
  );
if (JSON_OUTPUT) {
  const line: Record<string, unknown> = { values: world.seeded };
  for (const scenario of scenarios) {
    const result = results.get(scenario.key)!;
    line[scenario.key] = {
      seconds: result.seconds,
      peakRssMb: result.peakRssMb,
      ...scenario.json(result),
      cpuSeconds: result.cpuSeconds,
      ...(scenario.t2a ? { analyticsRows: result.analyticsRows } : {}),
      serverCpuSeconds: result.serverCpuSeconds,
      servers: servedJson(result),
    };
  }
  if (full) line.analyticsRequests = { t2a: full.analyticsRequests, perIndicator };
  say(JSON.stringify(line));
}

function servedJson(result: Measure) {
  const one = ({ requests, bytesRead, bytesWritten, byKind }: Measure['servers']['source']) => ({
    requests,
    bytesRead,
    bytesWritten,
    byKind,
  });
  return { source: one(result.servers.source), target: one(result.servers.target) };
}
