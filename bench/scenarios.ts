/**
 * The benchmark's runs, in the order they run: each leaves the target as the next one expects. A new
 * scenario is one more entry here (its JSON key, its row in the table, how it runs).
 */
import { type Measure, measure, shippedNodeFlags } from './measure.ts';
import {
  type BenchWorld,
  CHUNK_UNITS,
  checkTarget,
  clearTarget,
  MONTHS,
  storedInTarget,
} from './setup.ts';
import { placesOf, writeTrackerChanges } from './tracker-changes.ts';

export interface ScenarioResult extends Measure {
  /** Values the target holds after the run. */
  readonly stored?: number;
  /** Values changed in the source before the run. */
  readonly changed?: number;
}

export interface Scenario {
  /** Its key in the JSON line. */
  readonly key: string;
  /** Its row in the table. */
  readonly label: string;
  /** Said before it runs. */
  readonly announce: string;
  /** Whether it is t2a (its analytics rows are part of its JSON). */
  readonly t2a: boolean;
  run(world: BenchWorld): Promise<ScenarioResult>;
  /** Its JSON beyond what every run gives. */
  json(result: ScenarioResult): Record<string, unknown>;
}

/** The naive script: the two HTTP calls per chunk, no checks; `integers` makes it the fair floor. */
const naiveRun = (world: BenchWorld, mode: 'as-exported' | 'integers') =>
  measure(world, './naive-child.js', [
    world.source.baseUrl,
    world.target.baseUrl,
    world.source.seed.adminToken,
    world.target.seed.adminToken,
    'DemoPiGrp01',
    'vudyDP7jUy5',
    MONTHS.join(','),
    world.facilitiesFile,
    String(CHUNK_UNITS),
    '2',
    mode,
  ]);

/** A `t2a sync` of the benchmark's configuration, with its store as the previous runs left it. */
export const t2aSync = (world: BenchWorld) =>
  measure(world, './t2a-child.js', [world.config], shippedNodeFlags());

/**
 * A row picked one time in `n`, spread over every facility: rows are seeded facility by facility within
 * each indicator and month, so `rowid % n` alone picks the same few facilities every time (5,250 is a
 * multiple of 50); the high bits of a multiplicative hash of the rowid do not.
 */
const oneIn = (n: number) => `((rowid * 2654435761) % 4294967296) / 65536 % ${n} = 0`;

/**
 * Adds one to 1 % of the source's analytics values, spread over every facility, with the tracker
 * records behind them; how many changed.
 */
export function changeOnePercent(world: BenchWorld): number {
  return changeWhere(world, oneIn(100));
}

/** Adds one to the analytics values `where` says, writes the tracker changes behind them, runs analytics. */
function changeWhere(world: BenchWorld, where: string): number {
  const changed = world.source.context.db
    .prepare(`UPDATE analytics_values SET value = value + 1 WHERE ${where}`)
    .run().changes;
  writeTrackerChanges(world, placesOf(world, where));
  return changed;
}

/**
 * A quiet night: 1 % of all values change, all in 5 % of the facilities (every twentieth, a fifth of
 * their rows), with the tracker records behind them.
 */
export function changeInFewFacilities(world: BenchWorld): number {
  const few = world.source.seed.facilities.filter((_, index) => index % 20 === 0);
  return changeWhere(
    world,
    `org_unit IN (${few.map((id) => `'${id}'`).join(',')}) AND ${oneIn(5)}`,
  );
}

export const SCENARIOS: Scenario[] = [
  {
    key: 'naive',
    label: 'naive script',
    announce: 'The naive script: two HTTP calls per chunk (1 month × 100 facilities), no checks…',
    t2a: false,
    async run(world) {
      const measured = await naiveRun(world, 'as-exported');
      const stored = storedInTarget(world);
      clearTarget(world);
      return { ...measured, stored };
    },
    json: (result) => ({ stored: result.stored }),
  },
  {
    key: 'fairFloor',
    label: 'fair floor',
    announce:
      'The fair floor: the naive script writing integers as integers (so it stores every value)…',
    t2a: false,
    async run(world) {
      const measured = await naiveRun(world, 'integers');
      const stored = storedInTarget(world);
      clearTarget(world);
      return { ...measured, stored };
    },
    json: (result) => ({ stored: result.stored }),
  },
  {
    key: 'full',
    label: 't2a sync, full',
    announce: 't2a sync, full run into an empty target…',
    t2a: true,
    async run(world) {
      const measured = await t2aSync(world);
      return { ...measured, stored: checkTarget(world, 'full') };
    },
    json: (result) => ({ stored: result.stored }),
  },
  {
    key: 'incremental',
    label: 't2a sync, 1 % changed',
    announce: 't2a sync after 1 % of the values changed in tracker (spread over every facility)…',
    t2a: true,
    async run(world) {
      const changed = changeOnePercent(world);
      const measured = await t2aSync(world);
      checkTarget(world, 'incremental');
      return { ...measured, changed };
    },
    json: (result) => ({ sent: result.sent, changed: result.changed }),
  },
  {
    key: 'quiet',
    label: 't2a sync, quiet night',
    announce:
      't2a sync after 1 % of the values changed in 5 % of the facilities (a quiet night: only what changed is exported)…',
    t2a: true,
    async run(world) {
      const changed = changeInFewFacilities(world);
      const measured = await t2aSync(world);
      checkTarget(world, 'quiet');
      return { ...measured, changed };
    },
    json: (result) => ({ sent: result.sent, changed: result.changed }),
  },
];
