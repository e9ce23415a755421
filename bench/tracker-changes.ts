/**
 * The tracker records behind a change of analytics values: where the benchmark changes values of an
 * org unit and month, a registration with one event in that month is written to the source's tracker
 * (as a clinic's data entry would), then analytics runs, so that what t2a reads from `/api/tracker` says
 * what changed, as it would on a real server.
 */
import { runAnalyticsNow } from '../src/sandbox/analytics/analytics-job.ts';
import type { BenchWorld } from './setup.ts';

const PROGRAM = 'DemoEirPrg1';
const STAGE = 'DemoVaccStg';
const PERSON = 'DemoPerson1';

let written = 0;
const nextId = (prefix: string) => `${prefix}${(written++).toString(36).padStart(9, '0')}`;

/** Writes one registration per org unit with one event per changed month there; then runs analytics. */
export function writeTrackerChanges(
  world: BenchWorld,
  changed: readonly { readonly orgUnit: string; readonly period: string }[],
): void {
  const { db, clock } = world.source.context;
  const now = clock.now().toISOString().slice(0, 23);
  const months = new Map<string, Set<string>>();
  for (const { orgUnit, period } of changed)
    months.set(orgUnit, (months.get(orgUnit) ?? new Set()).add(period));
  const entity = db.prepare(
    'INSERT INTO tracked_entities (id, tracked_entity_type, org_unit, attributes, created, last_updated) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const enrollment = db.prepare(
    'INSERT INTO enrollments (id, tracked_entity, program, org_unit, enrolled_at, occurred_at, status, created, last_updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const event = db.prepare(
    'INSERT INTO events (id, enrollment, program, program_stage, org_unit, occurred_at, status, data_values, created, last_updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const day = (period: string) => `${period.slice(0, 4)}-${period.slice(4, 6)}-15`;
  db.transaction(() => {
    for (const [orgUnit, periods] of months) {
      const te = nextId('Qt');
      const en = nextId('Qe');
      const first = [...periods].sort()[0]!;
      entity.run(te, PERSON, orgUnit, '{}', now, now);
      enrollment.run(en, te, PROGRAM, orgUnit, day(first), day(first), 'ACTIVE', now, now);
      for (const period of periods)
        event.run(
          nextId('Qv'),
          en,
          PROGRAM,
          STAGE,
          orgUnit,
          day(period),
          'COMPLETED',
          '{}',
          now,
          now,
        );
    }
  })();
  runAnalyticsNow(world.source.context);
}

/** The org units and months of the analytics rows a change touched. */
export function placesOf(world: BenchWorld, where: string): { orgUnit: string; period: string }[] {
  return world.source.context.db
    .prepare(`SELECT DISTINCT org_unit AS orgUnit, period FROM analytics_values WHERE ${where}`)
    .all() as { orgUnit: string; period: string }[];
}
