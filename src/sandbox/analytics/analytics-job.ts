import { randomBytes } from 'node:crypto';
import type { SandboxContext } from '../context.ts';
import { readSystemState, writeSystemState } from '../db/schema.ts';
import { dhis2DateTime } from '../http/routes/system.ts';

export interface AnalyticsJobOptions {
  readonly skipEvents?: boolean;
  readonly skipEnrollment?: boolean;
  /** Only rebuild the last N years: older rows of the previous snapshot stay as they were. */
  readonly lastYears?: number | undefined;
}

const TABLES = [
  ['analytics_tracked_entities', 'tracked_entities', 'created'],
  ['analytics_enrollments', 'enrollments', 'enrolled_at'],
  ['analytics_events', 'events', 'occurred_at'],
] as const;

/**
 * Rebuilds the analytics tables from the tracker tables, as DHIS2's analytics table job does
 * (`DefaultAnalyticsTableGenerator`): program indicators are evaluated from this copy, so tracker data
 * written after the run is not in analytics until the next one. Deleted rows are left out.
 */
export function runAnalyticsNow(ctx: SandboxContext, options: AnalyticsJobOptions = {}): void {
  const started = Date.now();
  const now = ctx.clock.now();
  const since =
    options.lastYears !== undefined && options.lastYears > 0
      ? `${now.getUTCFullYear() - options.lastYears + 1}-01-01`
      : undefined;
  ctx.db.transaction(() => {
    for (const [analytics, source, dateColumn] of TABLES) {
      if (options.skipEvents && source === 'events') continue;
      if (options.skipEnrollment && source !== 'events') continue;
      if (since) {
        ctx.db.prepare(`DELETE FROM ${analytics} WHERE ${dateColumn} >= ?`).run(since);
        ctx.db
          .prepare(
            `INSERT INTO ${analytics} SELECT * FROM ${source} WHERE deleted = 0 AND ${dateColumn} >= ?`,
          )
          .run(since);
      } else {
        ctx.db.exec(
          `DELETE FROM ${analytics}; INSERT INTO ${analytics} SELECT * FROM ${source} WHERE deleted = 0;`,
        );
      }
    }
  })();
  const seconds = (Date.now() - started) / 1000;
  writeSystemState(ctx.db, 'lastAnalyticsTableSuccess', dhis2DateTime(ctx.clock.now()));
  writeSystemState(ctx.db, 'lastAnalyticsTableRuntime', `${seconds.toFixed(3)} s`);
  writeSystemState(
    ctx.db,
    'analyticsGeneration',
    String(Number(readSystemState(ctx.db, 'analyticsGeneration') ?? 0) + 1),
  );
}

/** The analytics run's generation: caches of evaluated data compare it. */
export function analyticsGeneration(ctx: SandboxContext): number {
  return Number(readSystemState(ctx.db, 'analyticsGeneration') ?? 0);
}

export function hasAnalytics(ctx: SandboxContext): boolean {
  return readSystemState(ctx.db, 'lastAnalyticsTableSuccess') !== undefined;
}

/** A notification as `/api/system/tasks/{type}/{id}` lists them (`Notification.java`). */
function notify(
  ctx: SandboxContext,
  jobId: string,
  level: 'INFO' | 'ERROR',
  message: string,
  completed: boolean,
): void {
  const seq = (
    ctx.db.prepare('SELECT COUNT(*) AS n FROM task_notifications WHERE job_id = ?').get(jobId) as {
      n: number;
    }
  ).n;
  const notification = {
    uid: randomBytes(6)
      .toString('base64url')
      .replace(/[^A-Za-z0-9]/g, 'a')
      .slice(0, 11)
      .padEnd(11, 'x'),
    id: randomBytes(6)
      .toString('base64url')
      .replace(/[^A-Za-z0-9]/g, 'b')
      .slice(0, 11)
      .padEnd(11, 'y'),
    level,
    category: 'ANALYTICS_TABLE',
    time: dhis2DateTime(ctx.clock.now()),
    message,
    completed,
  };
  ctx.db
    .prepare('INSERT INTO task_notifications (job_id, category, seq, json) VALUES (?, ?, ?, ?)')
    .run(jobId, 'ANALYTICS_TABLE', seq, JSON.stringify(notification));
}

/**
 * Starts the analytics table job in the background, as `POST /api/resourceTables/analytics` does, with
 * its notifications: INFO steps, the last one `completed: true`, or level ERROR when it fails.
 */
export function startAnalyticsJob(ctx: SandboxContext, options: AnalyticsJobOptions): string {
  const jobId = `A${randomBytes(8).toString('hex').slice(0, 10)}`;
  notify(ctx, jobId, 'INFO', 'Analytics table update process started', false);
  const faults = { ...ctx.faults.analytics };
  const finish = () => {
    if (faults.fail) {
      notify(ctx, jobId, 'ERROR', `Process failed: ${faults.fail}`, true);
      return;
    }
    try {
      notify(ctx, jobId, 'INFO', 'Populating analytics tables', false);
      runAnalyticsNow(ctx, options);
      notify(
        ctx,
        jobId,
        'INFO',
        `Analytics tables updated: ${readSystemState(ctx.db, 'lastAnalyticsTableRuntime')}`,
        true,
      );
    } catch (error) {
      notify(ctx, jobId, 'ERROR', `Process failed: ${(error as Error).message}`, true);
    }
  };
  const timer = setTimeout(finish, faults.durationMs ?? 10);
  void ctx.stopped.then(() => clearTimeout(timer));
  return jobId;
}

/** Notifications of a job, newest first; `[]` for an unknown job, as DHIS2 answers. */
export function taskNotifications(ctx: SandboxContext, category: string, jobId: string): unknown[] {
  const rows = ctx.db
    .prepare(
      'SELECT json FROM task_notifications WHERE job_id = ? AND category = ? ORDER BY seq DESC',
    )
    .all(jobId, category) as { json: string }[];
  return rows.map((row) => JSON.parse(row.json));
}

export function taskNotificationsByJob(
  ctx: SandboxContext,
  category: string,
): Record<string, unknown[]> {
  const jobs = ctx.db
    .prepare('SELECT DISTINCT job_id FROM task_notifications WHERE category = ?')
    .all(category) as { job_id: string }[];
  return Object.fromEntries(
    jobs.map(({ job_id }) => [job_id, taskNotifications(ctx, category, job_id)]),
  );
}
