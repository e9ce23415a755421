import {
  type ExportFacts,
  type ExportScope,
  fingerprint,
  type NarrowResult,
  narrowExport,
  type Place,
  type TrackerRecord,
} from '../core/narrow-export.ts';
import { periodDates } from '../core/periods.ts';
import { type Chunk, planChunks } from '../core/plan.ts';
import { fetchIndicatorDefinitions } from '../dhis2/indicator-reach.ts';
import {
  fetchOrgUnitPaths,
  orgUnitsChangedSince,
  readTrackerChanges,
} from '../dhis2/tracker-changes.ts';
import type { Logger } from '../log.ts';
import type { T2aStore } from '../store/types.ts';
import type { ResolvedJob } from './resolve-job.ts';

/** A night's export as the narrowing decided it (ADR 11): its chunks, and what to keep when it is done. */
export interface ExportPlan {
  readonly scope: ExportScope;
  readonly chunks: readonly Chunk[];
  /** Org units × periods the chunks cover, for the report. */
  readonly orgUnits: number;
  readonly periods: number;
  /**
   * Keeps the places read, and the night's facts if every chunk was delivered: the next night counts
   * changes from the analytics run this one read. `held`: values each target's scopes held.
   */
  finish(complete: boolean, held: readonly number[]): Promise<void>;
  /** Values each target held in the job's whole scope at the last full export (the deletion guard's measure). */
  readonly heldAtFull: readonly (number | undefined)[];
}

const UNIT_MS = { h: 3_600_000, d: 86_400_000 } as const;

/** `12h`, `7d` in milliseconds. */
export function durationMs(text: string): number {
  return Number(text.slice(0, -1)) * UNIT_MS[text.slice(-1) as 'h' | 'd'];
}

/** The job's roots: as configured, or the top of each of its org units' paths. */
function rootsOf(resolved: ResolvedJob): string[] {
  if (resolved.job.orgUnits.roots) return [...resolved.job.orgUnits.roots];
  return [...new Set(resolved.orgUnits.map((unit) => unit.path.split('/')[1] ?? unit.id))];
}

/** Every record id a night's changes name (records under others and events' enrollments too). */
function recordIds(changes: readonly TrackerRecord[]): string[] {
  const ids = new Set<string>();
  const visit = (record: TrackerRecord) => {
    ids.add(record.id);
    if (record.enrollment) ids.add(record.enrollment);
    for (const inner of record.within ?? []) visit(inner);
  };
  for (const record of changes) visit(record);
  return [...ids];
}

function orgUnitsOf(changes: readonly TrackerRecord[], known: ReadonlyMap<string, Place[]>) {
  const units = new Set<string>();
  const visit = (record: TrackerRecord) => {
    if (record.place) units.add(record.place.orgUnit);
    for (const inner of record.within ?? []) visit(inner);
  };
  for (const record of changes) visit(record);
  for (const places of known.values()) for (const place of places) units.add(place.orgUnit);
  return units;
}

interface Read {
  readonly changes: readonly TrackerRecord[] | { readonly unavailable: string };
  readonly knownPlaces: ReadonlyMap<string, Place[]>;
  readonly paths: ReadonlyMap<string, string>;
  readonly orgUnitsMoved: boolean;
}

/** What changed in the source since the analytics run the last export read, and where it stood before. */
async function readChanges(
  resolved: ResolvedJob,
  store: T2aStore,
  programs: Parameters<typeof readTrackerChanges>[2]['programs'],
  since: string,
): Promise<Read> {
  const { client, info } = resolved.source;
  const roots = rootsOf(resolved);
  if (!info.profile.stampsSoftDeletes && programs.some((program) => !program.registration))
    return {
      changes: {
        unavailable:
          'DHIS2 before 2.38 does not stamp a deleted event of an event programme, so its deletion cannot be seen',
      },
      knownPlaces: new Map(),
      paths: new Map(),
      orgUnitsMoved: false,
    };
  try {
    const orgUnitsMoved = await orgUnitsChangedSince(client, roots, since);
    const changes = await readTrackerChanges(client, info.profile, { programs, roots, since });
    const knownPlaces = await store.exports.places(resolved.job.name, recordIds(changes));
    const jobUnits = new Set(resolved.orgUnits.map((unit) => unit.id));
    const others = [...orgUnitsOf(changes, knownPlaces)].filter((id) => !jobUnits.has(id));
    const paths = await fetchOrgUnitPaths(client, others);
    return { changes, knownPlaces, paths, orgUnitsMoved };
  } catch (error) {
    return {
      changes: { unavailable: (error as Error).message },
      knownPlaces: new Map(),
      paths: new Map(),
      orgUnitsMoved: false,
    };
  }
}

/** The chunks of the reached scopes: per period, its org units in the job's order. */
function narrowedChunks(resolved: ResolvedJob, scopes: ReadonlyMap<string, ReadonlySet<string>>) {
  const chunks: Chunk[] = [];
  for (const period of resolved.periods) {
    const units = scopes.get(period);
    if (!units || units.size === 0) continue;
    const ids = resolved.orgUnits.map((unit) => unit.id).filter((id) => units.has(id));
    for (const chunk of planChunks([period], ids, resolved.job.chunk))
      chunks.push({ ...chunk, index: chunks.length });
  }
  return chunks;
}

function everything(resolved: ResolvedJob): Chunk[] {
  return planChunks(
    resolved.periods,
    resolved.orgUnits.map((unit) => unit.id),
    resolved.job.chunk,
  );
}

/** The plan of a job that does not narrow (no `fullExportEvery`, no store): everything, as before. */
function wholePlan(resolved: ResolvedJob, reason: string): ExportPlan {
  return {
    scope: { kind: 'full', reason },
    chunks: everything(resolved),
    orgUnits: resolved.orgUnits.length,
    periods: resolved.periods.length,
    finish: async () => {},
    heldAtFull: [],
  };
}

/** This night's facts: the analytics run it reads, the source's clock, fingerprints, periods. */
function nowFacts(
  resolved: ResolvedJob,
  definitions: readonly { readonly definition: string }[],
  orgUnitsMoved: boolean,
) {
  const { job, source } = resolved;
  const orgUnitPaths = resolved.orgUnits.map((unit) => `${unit.id}:${unit.path}`).join(',');
  const serverTime = source.info.serverDate ?? '';
  return {
    analyticsAt: source.info.lastAnalyticsTableSuccess,
    serverTime,
    indicators: fingerprint(definitions.map((d) => d.definition).join('\n')),
    // A unit moved below the job's own changes where its records count: the fingerprint changes too.
    orgUnits: fingerprint(orgUnitPaths + (orgUnitsMoved ? `moved@${serverTime}` : '')),
    job: fingerprint(
      JSON.stringify(job) + resolved.mappings.map((m) => JSON.stringify(m)).join('\n'),
    ),
    periods: resolved.periods,
  };
}

/**
 * Decides this night's export: the scopes the tracker's changes can reach, or everything, with why.
 * Reads the indicators' definitions, what changed in the tracker and the org units' moves from the
 * source, and the last export's facts and the records' known places from the store.
 */
export async function planExport(
  resolved: ResolvedJob,
  store: T2aStore | undefined,
  runId: string,
  log: Logger,
): Promise<ExportPlan> {
  const { job, source } = resolved;
  if (!job.fullExportEvery) return wholePlan(resolved, 'the job exports everything every run');
  if (!store) return wholePlan(resolved, 'no store keeps what the last run exported');
  const last = await store.exports.last(job.name);
  const definitions = await fetchIndicatorDefinitions(source.client, [...resolved.allIndicators]);
  const programs = [...new Map(definitions.map((d) => [d.reach.program, d])).values()].map((d) => ({
    id: d.reach.program,
    registration: d.registration,
    readsAttributes: false,
  }));
  const withAttributes = programs.map((program) => ({
    ...program,
    readsAttributes: definitions.some((d) => d.reach.program === program.id && d.readsAttributes),
  }));
  const read = last
    ? await readChanges(resolved, store, withAttributes, last.analyticsAt)
    : { changes: [], knownPlaces: new Map(), paths: new Map(), orgUnitsMoved: false };
  const now = nowFacts(resolved, definitions, read.orgUnitsMoved);
  const serverTime = now.serverTime;
  const result: NarrowResult = narrowExport({
    last,
    now,
    fullExportEveryMs: durationMs(job.fullExportEvery),
    analyticsLastYears: job.analytics.mode === 'run' ? job.analytics.lastYears : undefined,
    indicators: definitions.map((d) => d.reach),
    periods: resolved.periods.flatMap((id) => {
      const dates = periodDates(id);
      return dates ? [{ id, startDate: dates.startDate, endDate: dates.endDate }] : [];
    }),
    orgUnits: resolved.orgUnits,
    changes: read.changes,
    knownPlaces: read.knownPlaces,
    paths: read.paths,
  });
  const { scope } = result;
  const chunks =
    scope.kind === 'full' ? everything(resolved) : narrowedChunks(resolved, scope.scopes);
  const reached = scope.kind === 'full' ? undefined : [...scope.scopes.values()];
  const plan: ExportPlan = {
    scope,
    chunks,
    orgUnits: reached
      ? new Set(reached.flatMap((units) => [...units])).size
      : resolved.orgUnits.length,
    periods: reached ? reached.filter((units) => units.size > 0).length : resolved.periods.length,
    heldAtFull: resolved.targets.map((target) => last?.held?.[target.ledgerKey]),
    finish: async (complete, held) => {
      await store.exports.see(job.name, result.places, result.forget);
      if (!complete || now.analyticsAt === undefined) return;
      const facts: ExportFacts = {
        ...now,
        analyticsAt: now.analyticsAt,
        fullAt: scope.kind === 'full' ? serverTime : last!.fullAt,
        held:
          scope.kind === 'full'
            ? Object.fromEntries(resolved.targets.map((t, i) => [t.ledgerKey, held[i] ?? 0]))
            : last?.held,
      };
      await store.exports.record(job.name, runId, facts);
    },
  };
  log.info(exportLog(plan), describeExport(plan));
  return plan;
}

function exportLog(plan: ExportPlan) {
  return plan.scope.kind === 'full'
    ? { export: 'full', reason: plan.scope.reason }
    : {
        export: 'narrowed',
        orgUnits: plan.orgUnits,
        periods: plan.periods,
        changes: plan.scope.changes,
      };
}

/** The kind of export in words, for the log and the report. */
export function describeExport(plan: Pick<ExportPlan, 'scope' | 'orgUnits' | 'periods'>): string {
  return plan.scope.kind === 'full'
    ? `full export: ${plan.scope.reason}`
    : `narrowed export: ${plan.orgUnits} org units × ${plan.periods} periods reached by ${plan.scope.changes} tracker changes`;
}
