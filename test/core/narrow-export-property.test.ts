import { describe, expect, it } from 'vitest';
import {
  type ExportFacts,
  type IndicatorReach,
  narrowExport,
  type Place,
  type TrackerRecord,
} from '../../src/core/narrow-export.ts';

/**
 * The property of ADR 11: night after night, a target that received only the narrowed exports holds
 * exactly what a target receiving every night's full export holds. A seeded tracker is changed at
 * random (events and enrollments created, edited, moved between org units and months, deleted, also
 * while analytics runs); analytics is a snapshot of it; each night reads what changed since the
 * analytics run the previous export read, as `/api/tracker` answers it, and exports what the rule says.
 */

function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const UNITS = ['F1', 'F2', 'F3', 'F4'];
const ORG_UNITS = UNITS.map((id) => ({ id, path: `/R/${id}` }));
/** A unit below F1 that the job does not export itself: its events count at F1. */
const PATHS = new Map([['C1', '/R/F1/C1']]);
const WHERE = [...UNITS, 'C1'];
const PERIODS = [
  { id: '202601', startDate: '2026-01-01', endDate: '2026-01-31' },
  { id: '202602', startDate: '2026-02-01', endDate: '2026-02-28' },
  { id: '202603', startDate: '2026-03-01', endDate: '2026-03-31' },
  { id: '202604', startDate: '2026-04-01', endDate: '2026-04-30' },
];
const DAYS = PERIODS.flatMap((p) => [p.startDate, `${p.startDate.slice(0, 8)}15`, p.endDate]);
const plain = { otherOrgUnit: false, otherBoundaries: false, dependsOnDay: false };
const INDICATORS: IndicatorReach[] = [
  // Events per org unit and month of the event.
  { id: 'events', program: 'P', analyticsType: 'EVENT', ...plain },
  // Enrollments with at least one event, at the enrollment's org unit and month.
  { id: 'enrolled', program: 'P', analyticsType: 'ENROLLMENT', ...plain },
  // Events up to the end of the period (a cumulative boundary).
  { id: 'cumulative', program: 'P', analyticsType: 'EVENT', ...plain, otherBoundaries: true },
];

interface Row {
  id: string;
  kind: 'event' | 'enrollment';
  enrollment?: string;
  orgUnit: string;
  date: string;
  created: number;
  updated: number;
  deleted: boolean;
}

const wall = (tick: number) =>
  new Date(Date.UTC(2026, 4, 1) + tick * 1000).toISOString().slice(0, 23);
const jobUnit = (orgUnit: string) => (orgUnit === 'C1' ? 'F1' : orgUnit);
const monthOf = (date: string) => `${date.slice(0, 4)}${date.slice(5, 7)}`;

/** What analytics holds: indicator/period/org unit → value. */
function analytics(rows: ReadonlyMap<string, Row>): Map<string, number> {
  const values = new Map<string, number>();
  const add = (key: string) => values.set(key, (values.get(key) ?? 0) + 1);
  const live = [...rows.values()].filter((row) => !row.deleted);
  for (const event of live.filter((row) => row.kind === 'event')) {
    add(`events/${monthOf(event.date)}/${jobUnit(event.orgUnit)}`);
    for (const period of PERIODS)
      if (event.date <= period.endDate) add(`cumulative/${period.id}/${jobUnit(event.orgUnit)}`);
  }
  for (const enrollment of live.filter((row) => row.kind === 'enrollment'))
    if (live.some((row) => row.enrollment === enrollment.id))
      add(`enrolled/${monthOf(enrollment.date)}/${jobUnit(enrollment.orgUnit)}`);
  return values;
}

/** `/api/tracker/{events,enrollments}?updatedAfter=since&includeDeleted=true`: enrollments with their events. */
function changedSince(rows: ReadonlyMap<string, Row>, since: number): TrackerRecord[] {
  const record = (row: Row): TrackerRecord => ({
    kind: row.kind,
    id: row.id,
    program: 'P',
    place: { orgUnit: row.orgUnit, dates: [row.date] },
    enrollment: row.enrollment,
    createdAt: wall(row.created),
    updatedAt: wall(row.updated),
    within:
      row.kind === 'enrollment'
        ? [...rows.values()].filter((e) => e.enrollment === row.id).map(record)
        : undefined,
  });
  return [...rows.values()].filter((row) => row.updated >= since).map(record);
}

function mutate(rows: Map<string, Row>, next: () => number, pick: <T>(list: T[]) => T) {
  const tick = next();
  const all = [...rows.values()].filter((row) => !row.deleted);
  const events = all.filter((row) => row.kind === 'event');
  const enrollments = all.filter((row) => row.kind === 'enrollment');
  const choice = pick([0, 1, 1, 2, 3, 4, 5]);
  if (choice === 0 || enrollments.length === 0) {
    const id = `en${rows.size}`;
    rows.set(id, {
      id,
      kind: 'enrollment',
      orgUnit: pick(WHERE),
      date: pick(DAYS),
      created: tick,
      updated: tick,
      deleted: false,
    });
  } else if (choice === 1 || events.length === 0) {
    const id = `ev${rows.size}`;
    const enrollment = pick(enrollments);
    rows.set(id, {
      id,
      kind: 'event',
      enrollment: enrollment.id,
      orgUnit: pick(WHERE),
      date: pick(DAYS),
      created: tick,
      updated: tick,
      deleted: false,
    });
  } else if (choice === 2) Object.assign(pick(events), { orgUnit: pick(WHERE), updated: tick });
  else if (choice === 3) Object.assign(pick(events), { date: pick(DAYS), updated: tick });
  else if (choice === 4) Object.assign(pick(events), { deleted: true, updated: tick });
  else {
    const enrollment = pick(enrollments);
    const deleted = pick([true, false]);
    Object.assign(enrollment, { orgUnit: pick(WHERE), date: pick(DAYS), deleted, updated: tick });
    // DHIS2 deletes an enrollment's events with it (soft, each stamped).
    if (deleted)
      for (const event of events.filter((e) => e.enrollment === enrollment.id))
        Object.assign(event, { deleted: true, updated: tick });
  }
}

interface NightLog {
  narrowed: number;
  full: number;
  scopes: number;
}

function simulate(seed: number, nights: number, log: NightLog): void {
  const rand = random(seed);
  const pick = <T>(list: T[]): T => list[Math.floor(rand() * list.length)]!;
  let tick = 0;
  const next = () => (tick += 1 + Math.floor(rand() * 10));
  const rows = new Map<string, Row>();
  const target = new Map<string, number>();
  const known = new Map<string, Place[]>();
  let last: ExportFacts | undefined;
  for (let i = 0; i < 8; i += 1) mutate(rows, next, pick);
  for (let night = 0; night < nights; night += 1) {
    const quiet = rand() < 0.5;
    for (let i = 0, n = quiet ? Math.floor(rand() * 3) : 1 + Math.floor(rand() * 12); i < n; i += 1)
      mutate(rows, next, pick);
    const analyticsAt = next();
    const snapshot = analytics(rows);
    // Now and then someone works while analytics runs, before t2a reads the changes.
    if (rand() < 0.15) mutate(rows, next, pick);
    const readAt = next();
    const since = last ? Date.parse(`${last.analyticsAt}Z`) : 0;
    const changes = last ? changedSince(rows, (since - Date.UTC(2026, 4, 1)) / 1000) : [];
    const facts = { indicators: 'i', orgUnits: 'o', job: 'j', periods: PERIODS.map((p) => p.id) };
    const { scope, places, forget } = narrowExport({
      last,
      now: { ...facts, analyticsAt: wall(analyticsAt), serverTime: wall(readAt) },
      fullExportEveryMs: undefined,
      indicators: INDICATORS,
      periods: PERIODS,
      orgUnits: ORG_UNITS,
      changes,
      knownPlaces: known,
      paths: PATHS,
    });
    for (const id of forget) known.delete(id);
    for (const [id, place] of places) {
      const seen = known.get(id) ?? [];
      if (!seen.some((p) => p.orgUnit === place.orgUnit && p.dates.join() === place.dates.join()))
        known.set(id, [...seen, place]);
    }
    const exported = (key: string) => {
      if (scope.kind === 'full') return true;
      const [, period, unit] = key.split('/');
      return scope.scopes.get(period!)?.has(unit!) === true;
    };
    // The export writes what analytics holds in its scopes and clears what it no longer holds there.
    for (const key of [...target.keys()])
      if (exported(key) && !snapshot.has(key)) target.delete(key);
    for (const [key, value] of snapshot) if (exported(key)) target.set(key, value);
    expect(Object.fromEntries(target), `seed ${seed}, night ${night}`).toEqual(
      Object.fromEntries(snapshot),
    );
    if (scope.kind === 'full') log.full += 1;
    else {
      log.narrowed += 1;
      log.scopes += [...scope.scopes.values()].reduce((sum, units) => sum + units.size, 0);
    }
    last = {
      ...facts,
      analyticsAt: wall(analyticsAt),
      fullAt: scope.kind === 'full' ? wall(readAt) : last!.fullAt,
    };
  }
}

describe('a narrowed export delivers what a full export delivers', () => {
  it('over 200 generated tracker histories of 12 nights each', () => {
    const log: NightLog = { narrowed: 0, full: 0, scopes: 0 };
    for (let seed = 1; seed <= 200; seed += 1) simulate(seed, 12, log);
    // Not vacuous: many nights are narrowed, and to fewer scopes than the whole job.
    expect(log.narrowed).toBeGreaterThan((log.narrowed + log.full) * 0.4);
    expect(log.scopes / log.narrowed).toBeLessThan(PERIODS.length * UNITS.length * 0.6);
  });
});
