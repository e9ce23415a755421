import type { SandboxContext } from '../context.ts';
import { newUid } from './tracker-bundle.ts';
import type { TrackerOutcome } from './tracker-import.ts';

/**
 * Asynchronous tracker imports (`POST /api/tracker` without `async=false`): the sandbox runs the import
 * at once and keeps its outcome, so `GET /api/tracker/jobs/{id}` lists the job's notifications and
 * `GET /api/tracker/jobs/{id}/report` renders its report (`TrackerImportController`, 2.36–2.43).
 */
interface TrackerJob {
  readonly outcome: TrackerOutcome;
  readonly started: string;
  readonly finished: string;
  readonly username: string;
}

const JOBS = new WeakMap<SandboxContext, Map<string, TrackerJob>>();

export function recordTrackerJob(
  ctx: SandboxContext,
  outcome: TrackerOutcome,
  username: string,
): string {
  const id = newUid();
  const now = ctx.clock.now().toISOString().slice(0, 23);
  const jobs = JOBS.get(ctx) ?? new Map<string, TrackerJob>();
  JOBS.set(ctx, jobs);
  jobs.set(id, { outcome, started: now, finished: now, username });
  return id;
}

export function trackerJobOutcome(ctx: SandboxContext, id: string): TrackerOutcome | undefined {
  return JOBS.get(ctx)?.get(id)?.outcome;
}

/** The job's notifications, newest first, the last one `completed` (`Notifier.getNotificationsByJobId`). */
export function trackerJobNotifications(ctx: SandboxContext, id: string): unknown[] {
  const job = JOBS.get(ctx)?.get(id);
  if (!job) return [];
  const note = (time: string, message: string, completed: boolean) => ({
    uid: `${id.slice(0, 10)}${completed ? 'd' : 's'}`,
    level: 'INFO',
    category: 'TRACKER_IMPORT_JOB',
    time,
    message,
    completed,
    id,
  });
  return [
    note(job.finished, `(${job.username}) Import:Done took 0.00 sec.`, true),
    note(job.started, `(${job.username}) Import:Start`, false),
  ];
}
