import { hostname } from 'node:os';
import type { JobConfig } from '../config/schema.ts';
import { T2aError } from '../core/errors.ts';
import { LOCK_LEASE_MS } from '../core/job-lock.ts';
import { composeNotification, shouldNotify } from '../core/notification.ts';
import { type JobReport, outcomeOf, type RunReport, summarise } from '../core/report.ts';
import type { RunStatus } from '../core/vocabulary.ts';
import type { Logger } from '../log.ts';
import { notifyAll } from '../notify/notifier.ts';
import { newRunId } from '../store/run-id.ts';
import type { LockHolder, T2aStore } from '../store/types.ts';
import { T2A_VERSION } from '../version.ts';
import type { JobContext } from './context.ts';
import { keepLockAlive, keptLock, takeJobLock } from './job-lock.ts';
import { selectJobs } from './resolve-job.ts';
import { executeJob, type JobRun, type RunOptions } from './run-job.ts';
import { untilStoppedNow } from './stop-now.ts';

export interface SyncOptions extends RunOptions {
  /** Jobs to run by name; all when absent. */
  readonly jobs?: readonly string[] | undefined;
  /** What started the run, for the history. */
  readonly trigger?: 'manual' | 'schedule' | undefined;
  /**
   * The run's id, chosen by the caller so it can follow the run while it goes (the dashboard); only for
   * one job.
   */
  readonly runId?: string | undefined;
  /** Stops the run at once, not between chunks (a second Ctrl-C): still recorded as abandoned. */
  readonly stopNow?: AbortSignal | undefined;
}

/** `t2a sync`: every selected job, one after the other; a failing job does not stop the next. */
export async function runSync(ctx: JobContext, options: SyncOptions = {}): Promise<RunReport> {
  const reports: JobReport[] = [];
  const jobs = selectJobs(ctx, options.jobs);
  if (options.runId && jobs.length !== 1)
    throw new T2aError('internal', 'A run id can be given for one job only.');
  for (const job of jobs) {
    const logger = ctx.logger.child({ job: job.name });
    const report = await runJob({ ...ctx, logger }, job, options);
    reports.push(report);
    if (job.notify === 'digest' && ctx.store) {
      await ctx.store.holdNotification(composeNotification(report, hostname()));
    } else if (ctx.notifiers?.length && shouldNotify(report, job.notify)) {
      await notifyAll(ctx.notifiers, composeNotification(report, hostname()), logger);
    }
  }
  return summarise(reports);
}

export function jobReport(
  job: JobConfig,
  run: JobRun,
  startedAt: string,
  runId: string,
): JobReport {
  const resolved = run.resolved;
  const mapped = (resolved?.mappings.length ?? 0) + (resolved?.duplicates.flat().length ?? 0);
  const unmapped = resolved?.unmapped.length ?? 0;
  return {
    runId,
    job: job.name,
    source: job.source,
    sourceVersion: resolved?.source.info.version.text,
    periods: resolved?.periods ?? [],
    orgUnitCount: resolved?.orgUnits.length ?? 0,
    indicators: { total: mapped + unmapped, mapped, unmapped },
    targets: run.targets,
    failedChunks: run.failedChunks,
    ...(run.exports && { exports: run.exports }),
    ...(run.completed !== undefined && { completed: run.completed }),
    error: run.error,
    startedAt,
    finishedAt: new Date().toISOString(),
  };
}

/** A run another process holds the lock for: recorded as refused, reported as busy. */
async function refused(
  store: T2aStore,
  job: JobConfig,
  runId: string,
  startedAt: string,
  trigger: 'manual' | 'schedule',
  log: Logger,
  holder: LockHolder | undefined,
): Promise<JobReport> {
  const message = `Job "${job.name}" is already running (run ${holder?.runId} on ${holder?.holder}, since ${holder?.acquiredAt}); this run did not start.`;
  await store.recordRefused({
    id: runId,
    status: 'busy',
    job: job.name,
    trigger,
    t2aVersion: T2A_VERSION,
    reason: message,
  });
  log.warn({ holder }, 'job already running');
  return jobReport(
    job,
    {
      resolved: undefined,
      targets: [],
      failedChunks: [],
      error: {
        kind: 'busy',
        message,
        fix: `Wait for that run to finish. A run whose process died is taken over by itself (at once on the same machine, after ${LOCK_LEASE_MS / 60_000} min from another); \`t2a unlock ${job.name}\` releases it by hand.`,
      },
    },
    startedAt,
    runId,
  );
}

/** One job run: recorded in the store, and never two at once (the store's lock holds across processes). */
async function runJob(ctx: JobContext, job: JobConfig, options: SyncOptions): Promise<JobReport> {
  const runId = options.runId ?? newRunId();
  const log = ctx.logger.child({ runId });
  const store = ctx.store;
  const trigger = options.trigger ?? 'manual';
  const startedAt = new Date().toISOString();
  if (store) {
    const lock = await takeJobLock(store, job.name, runId, log);
    if (!lock.taken) return refused(store, job, runId, startedAt, trigger, log, lock.holder);
  }
  const lease = store ? keepLockAlive(store, job.name, runId, log) : undefined;
  const signal = anySignal([options.signal, lease?.lost]);
  try {
    await store?.startRun({
      id: runId,
      job: job.name,
      trigger,
      startedAt,
      dryRun: options.dryRun === true || job.dryRun,
      t2aVersion: T2A_VERSION,
    });
    const run = await keptLock(
      lease,
      await untilStoppedNow(
        () => executeJob({ ...ctx, logger: log }, job, runId, { ...options, signal }, log),
        options.stopNow,
        job.name,
      ),
    );
    const report = jobReport(job, run, startedAt, runId);
    const status: RunStatus =
      report.error?.kind === 'aborted'
        ? 'abandoned'
        : report.error?.kind === 'validation'
          ? 'refused'
          : report.error
            ? 'failed'
            : outcomeOf([report]);
    await store?.finishRun(runId, status, report);
    return report;
  } catch (error) {
    // The store itself may be what failed: the original error is the one to report.
    await store
      ?.finishRun(runId, 'failed', undefined, (error as Error).message)
      .catch(() => undefined);
    throw error;
  } finally {
    lease?.stop();
    await store
      ?.releaseLock(job.name, runId)
      .catch((error: unknown) =>
        log.error({ err: (error as Error).message }, 'could not release the job lock'),
      );
  }
}

function anySignal(signals: readonly (AbortSignal | undefined)[]): AbortSignal | undefined {
  const present = signals.filter((signal): signal is AbortSignal => signal !== undefined);
  return present.length > 1 ? AbortSignal.any(present) : present[0];
}
