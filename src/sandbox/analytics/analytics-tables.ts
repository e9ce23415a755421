import type { SandboxContext } from '../context.ts';
import { readSystemState, writeSystemState } from '../db/schema.ts';
import { dhis2DateTime } from '../http/routes/system.ts';

/** What an analytics table run rebuilds (`AnalyticsJobParameters`, `ResourceTableController`). */
export interface AnalyticsTableOptions {
  /** `skipEvents`: the event tables keep the previous run's rows. */
  readonly skipEvents?: boolean;
  /** `skipEnrollment`: the enrollment tables (with their tracked entity attributes) stay as they were. */
  readonly skipEnrollment?: boolean;
  /**
   * Rebuild only the event partitions of the last N years (older events keep the previous run's rows);
   * 0 is the "latest partition" update of continuous analytics (`AnalyticsTablePartition.LATEST_PARTITION`).
   */
  readonly lastYears?: number | undefined;
}

export interface AnalyticsTableRun {
  /** The start of the run: DHIS2 saves it, not the end, as the last successful update. */
  readonly startedAt: Date;
  /** `Clock.time()`: `DurationFormatUtils.formatDurationHMS`, "HH:mm:ss.SSS". */
  readonly runtime: string;
  readonly latestPartition: boolean;
}

export class AnalyticsTableError extends Error {}

/** `JdbcEventAnalyticsTableManager.EXPORTABLE_EVENT_STATUSES`: skipped and visited events stay out. */
const EXPORTABLE_EVENT_STATUSES = "('COMPLETED', 'ACTIVE', 'SCHEDULE')";
// The event table joins the enrollment `and pi.deleted is false`; event programs have none here.
const LIVE_ENROLLMENT =
  '(enrollment IS NULL OR enrollment IN (SELECT id FROM enrollments WHERE deleted = 0))';

export function formatRuntime(ms: number): string {
  const pad = (n: number, width = 2) => String(Math.floor(n)).padStart(width, '0');
  return `${pad(ms / 3_600_000)}:${pad((ms / 60_000) % 60)}:${pad((ms / 1000) % 60)}.${pad(ms % 1000, 3)}`;
}

/** CREATE TABLE AS copies no index; the analytics tables get theirs the first time they are filled. */
function ensureIndexes(ctx: SandboxContext): void {
  ctx.db.exec(`
    CREATE INDEX IF NOT EXISTS analytics_events_program ON analytics_events (program, occurred_at);
    CREATE INDEX IF NOT EXISTS analytics_events_id ON analytics_events (id);
    CREATE INDEX IF NOT EXISTS analytics_enrollments_program ON analytics_enrollments (program);
    CREATE INDEX IF NOT EXISTS analytics_tracked_entities_id ON analytics_tracked_entities (id);
  `);
}

/**
 * Events, partitioned by year of the event date (`JdbcEventAnalyticsTableManager.populateTable`):
 * not deleted, of an exportable status, of a live enrollment, updated before the run started. With
 * `lastYears` only the partitions from the first of those years are rebuilt.
 */
function rebuildEvents(ctx: SandboxContext, start: string, since: string | undefined): void {
  const period = since ? 'AND occurred_at >= ?' : '';
  const args = since ? [since] : [];
  ctx.db.prepare(`DELETE FROM analytics_events WHERE 1 = 1 ${period}`).run(...args);
  ctx.db
    .prepare(
      `INSERT INTO analytics_events SELECT * FROM events
       WHERE deleted = 0 AND status IN ${EXPORTABLE_EVENT_STATUSES} AND ${LIVE_ENROLLMENT}
         AND last_updated <= ? ${period}`,
    )
    .run(start, ...args);
}

/**
 * Enrollment tables are not partitioned: every run rebuilds them whole (`JdbcEnrollmentAnalyticsTableManager`:
 * `pi.incidentdate is not null and pi.deleted is false`, updated before the run started), with the
 * tracked entities' attributes.
 */
function rebuildEnrollments(ctx: SandboxContext, start: string): void {
  ctx.db.exec('DELETE FROM analytics_enrollments; DELETE FROM analytics_tracked_entities;');
  ctx.db
    .prepare(
      `INSERT INTO analytics_enrollments SELECT * FROM enrollments
       WHERE deleted = 0 AND occurred_at IS NOT NULL AND last_updated <= ?`,
    )
    .run(start);
  ctx.db.exec(
    'INSERT INTO analytics_tracked_entities SELECT * FROM tracked_entities WHERE deleted = 0',
  );
}

/**
 * The latest partition (`lastYears=0`, `getLatestAnalyticsTables`): events updated since the last full
 * run replace their copies (`removeUpdatedData`); enrollment tables are not touched. A full run must
 * have happened first.
 */
function updateLatestPartition(ctx: SandboxContext, start: string): void {
  const lastFull = readSystemState(ctx.db, 'lastAnalyticsTableSuccess');
  if (!lastFull)
    throw new AnalyticsTableError(
      'A full analytics table update process must be run prior to a latest partition update process',
    );
  const changed = 'SELECT id FROM events WHERE last_updated > ? AND last_updated <= ?';
  ctx.db.prepare(`DELETE FROM analytics_events WHERE id IN (${changed})`).run(lastFull, start);
  ctx.db
    .prepare(
      `INSERT INTO analytics_events SELECT * FROM events
       WHERE id IN (${changed}) AND deleted = 0 AND status IN ${EXPORTABLE_EVENT_STATUSES} AND ${LIVE_ENROLLMENT}`,
    )
    .run(lastFull, start);
}

/** Programs whose event table exists: DHIS2 creates one only for a program with events, and keeps it. */
function recordEventTables(ctx: SandboxContext): void {
  const programs = new Set(analyticsEventTablePrograms(ctx));
  for (const row of ctx.db.prepare('SELECT DISTINCT program FROM analytics_events').all() as {
    program: string;
  }[])
    programs.add(row.program);
  writeSystemState(ctx.db, 'analyticsEventTables', JSON.stringify([...programs]));
}

/**
 * Rebuilds the analytics tables from the tracker tables, as DHIS2's analytics table job does
 * (`DefaultAnalyticsTableGenerator.generateTables`): program indicators are evaluated from this copy,
 * so tracker data written after the run started is not in analytics until the next one. Then saves the
 * run's start and runtime where `/api/system/info` reads them. Synchronous, for seeds and tests.
 */
export function runAnalyticsNow(
  ctx: SandboxContext,
  options: AnalyticsTableOptions = {},
  started: { at: Date; ms: number } = { at: ctx.clock.now(), ms: performance.now() },
): AnalyticsTableRun {
  const start = dhis2DateTime(started.at);
  const latestPartition = options.lastYears === 0;
  ensureIndexes(ctx);
  ctx.db.transaction(() => {
    if (latestPartition) {
      if (!options.skipEvents) updateLatestPartition(ctx, start);
    } else {
      // AnalyticsTableUpdateParams.getFromDate: 1 January, lastYears - 1 years back.
      const since =
        options.lastYears !== undefined && options.lastYears > 0
          ? `${started.at.getUTCFullYear() - options.lastYears + 1}-01-01`
          : undefined;
      if (!options.skipEvents) rebuildEvents(ctx, start, since);
      if (!options.skipEnrollment) {
        rebuildEnrollments(ctx, start);
        writeSystemState(ctx.db, 'analyticsEnrollmentTables', 'true');
      }
    }
    recordEventTables(ctx);
  })();
  const runtime = formatRuntime(performance.now() - started.ms);
  // updateLastSuccessfulSystemSettings: the latest partition has its own pair of settings.
  const prefix = latestPartition ? 'lastAnalyticsTablePartition' : 'lastAnalyticsTable';
  writeSystemState(ctx.db, `${prefix}Success`, start);
  writeSystemState(ctx.db, `${prefix}Runtime`, runtime);
  writeSystemState(ctx.db, 'analyticsGeneration', String(analyticsGeneration(ctx) + 1));
  return { startedAt: started.at, runtime, latestPartition };
}

/** The analytics run's generation: caches of loaded and evaluated data compare it. */
export function analyticsGeneration(ctx: SandboxContext): number {
  return Number(readSystemState(ctx.db, 'analyticsGeneration') ?? 0);
}

export function analyticsEventTablePrograms(ctx: SandboxContext): string[] {
  return JSON.parse(readSystemState(ctx.db, 'analyticsEventTables') ?? '[]') as string[];
}

/**
 * Whether the analytics table a program indicator reads exists: `analytics_event_<program>` once a run
 * found events of the program, `analytics_enrollment_<program>` once a run built enrollment tables.
 */
export function analyticsTableExists(
  ctx: SandboxContext,
  analyticsType: 'EVENT' | 'ENROLLMENT',
  program: string,
): boolean {
  if (analyticsType === 'ENROLLMENT')
    return readSystemState(ctx.db, 'analyticsEnrollmentTables') === 'true';
  return analyticsEventTablePrograms(ctx).includes(program);
}
