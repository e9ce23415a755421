import { hostname } from 'node:os';
import { Cron } from 'croner';
import type { JobConfig } from '../config/schema.ts';
import { isT2aError, T2aError } from '../core/errors.ts';
import { composeDigest } from '../core/notification.ts';
import { getSystemInfo } from '../dhis2/system.ts';
import { notifyAll } from '../notify/notifier.ts';
import { newRunId } from '../store/run-id.ts';
import type { T2aStore } from '../store/types.ts';
import { T2A_VERSION } from '../version.ts';
import type { JobContext } from './context.ts';
import { analyticsAge } from './resolve-job.ts';
import { runSync } from './sync.ts';

/** `t2a serve` keeps history and locks: it needs the store. */
export type ServeContext = JobContext & { readonly store: T2aStore };

export interface Scheduler {
  /** The next times each scheduled job will run. */
  nextRuns(count: number): { job: string; at: Date[] }[];
  /**
   * The dead-man checks: scheduled runs that did not happen, and sources whose analytics is older than the
   * job's limit (a silent night is the failure users fear most). Each is said once through the notifiers.
   */
  checkMissedRuns(now?: Date): Promise<string[]>;
  /** Sends the daily digest of held notifications now; undefined when there was nothing to say. */
  sendDigest(): Promise<string | undefined>;
  /** Stops scheduling; lets running jobs finish for `graceMs`, then stops them between chunks. */
  stop(graceMs: number): Promise<void>;
}

type ScheduledJob = JobConfig & { schedule: string };

/** The jobs with a schedule, each on a croner timer in the configured time zone. */
function scheduleJobs(
  ctx: ServeContext,
  jobs: readonly ScheduledJob[],
  signal: AbortSignal,
  running: Set<Promise<unknown>>,
): Cron[] {
  const timezone = ctx.config.config.serve.timeZone;
  return jobs.map((job) => {
    try {
      return new Cron(job.schedule, { timezone, name: job.name, catch: true }, () => {
        const run = runSync(ctx, { jobs: [job.name], signal, trigger: 'schedule' })
          .then((report) =>
            ctx.logger.info({ job: job.name, outcome: report.outcome }, 'scheduled run finished'),
          )
          .catch((error: unknown) => scheduledRunFailed(ctx, job, error))
          .finally(() => running.delete(run));
        running.add(run);
      });
    } catch (error) {
      throw new T2aError(
        'config',
        `Job "${job.name}" has the schedule "${job.schedule}", which is not a cron expression: ${(error as Error).message}.`,
        { fix: 'Use five fields: minute hour day-of-month month day-of-week, e.g. "0 2 * * *".' },
      );
    }
  });
}

/**
 * A scheduled run that failed outside the job (the store, an unexpected error): the history and the
 * notifiers hear of it as of any failed run; what cannot be recorded is at least logged.
 */
async function scheduledRunFailed(ctx: ServeContext, job: JobConfig, error: unknown) {
  const message = (error as Error).message;
  ctx.logger.error({ job: job.name, err: message }, 'scheduled run failed');
  const runId = newRunId();
  try {
    await ctx.store.recordRefused({
      status: 'failed',
      id: runId,
      job: job.name,
      trigger: 'schedule',
      t2aVersion: T2A_VERSION,
      reason: `The scheduled run failed: ${message}`,
    });
  } catch (recordError) {
    ctx.logger.error(
      { job: job.name, err: (recordError as Error).message },
      'could not record the failed run',
    );
  }
  const fix =
    isT2aError(error) && error.fix ? error.fix : `Check the log of t2a serve on ${hostname()}.`;
  await notifyAll(
    ctx.notifiers ?? [],
    {
      subject: `[t2a] ${job.name}: scheduled run failed`,
      text: `t2a job "${job.name}" failed at its scheduled time on ${hostname()}: ${message}\n\nWhat to do: ${fix}`,
      job: job.name,
      runId,
      outcome: 'failed',
    },
    ctx.logger,
  );
}

/** A scheduled run that did not happen within the alert delay, said once per due time. */
async function missedRunAlert(
  ctx: ServeContext,
  job: ScheduledJob,
  alerted: Set<string>,
  now: Date,
): Promise<string | undefined> {
  const { timeZone, missedRunAlertMinutes } = ctx.config.config.serve;
  const [last] = await ctx.store.runs({ job: job.name, last: 1 });
  if (!last) return undefined;
  const due = new Cron(job.schedule, { timezone: timeZone, paused: true }).nextRun(
    new Date(last.startedAt),
  );
  if (!due || now.getTime() - due.getTime() < missedRunAlertMinutes * 60_000) return undefined;
  const key = `${job.name}@${due.toISOString()}`;
  if (alerted.has(key)) return undefined;
  alerted.add(key);
  const text = `t2a job "${job.name}" was due at ${due.toISOString()} (schedule "${job.schedule}", ${timeZone}) and has not run; the last run started ${last.startedAt} (${last.status}, run ${last.id}).\n\nWhat to do: check that t2a serve is running on ${hostname()}, and its log.`;
  await notifyAll(
    ctx.notifiers ?? [],
    {
      subject: `[t2a] ${job.name}: scheduled run missed`,
      text,
      job: job.name,
      runId: last.id,
      outcome: 'failed',
    },
    ctx.logger,
  );
  return text;
}

/** What is wrong with a job's source analytics, if anything. */
async function analyticsProblem(ctx: JobContext, job: JobConfig): Promise<string | undefined> {
  const source = ctx.clients.client(job.source);
  try {
    const info = await getSystemInfo(source);
    const age = analyticsAge(info);
    if (age === undefined) return `analytics has never run on ${source.name}`;
    if (age > job.analytics.maxAgeHours)
      return `analytics on ${source.name} is ${Math.round(age)} h old (last run ${info.lastAnalyticsTableSuccess}), over the job's limit of ${job.analytics.maxAgeHours} h`;
    return undefined;
  } catch (error) {
    return `${source.name} could not be asked: ${(error as Error).message}`;
  }
}

/** Sources whose analytics is older than their job allows; said once a day per job. */
async function staleAnalyticsAlerts(
  ctx: ServeContext,
  jobs: readonly JobConfig[],
  alerted: Set<string>,
  now: Date,
): Promise<string[]> {
  const alerts: string[] = [];
  for (const job of jobs) {
    if (job.analytics.mode !== 'check') continue;
    const key = `analytics:${job.name}@${now.toISOString().slice(0, 10)}`;
    if (alerted.has(key)) continue;
    const problem = await analyticsProblem(ctx, job);
    if (!problem) continue;
    alerted.add(key);
    const source = ctx.clients.client(job.source).name;
    const text = `t2a job "${job.name}": ${problem}. Its next run will refuse to export stale numbers.\n\nWhat to do: check the scheduled analytics job on ${source} (Data Administration app), or set analytics.mode: run on the job.`;
    alerts.push(text);
    await notifyAll(
      ctx.notifiers ?? [],
      {
        subject: `[t2a] ${job.name}: analytics is stale on ${source}`,
        text,
        job: job.name,
        runId: undefined,
        outcome: 'failed',
      },
      ctx.logger,
    );
  }
  return alerts;
}

/** The digest timer, when some job holds its messages for it. */
function scheduleDigest(ctx: ServeContext, sendDigest: () => Promise<unknown>): Cron | undefined {
  const { digestAt, timeZone } = ctx.config.config.serve;
  if (!ctx.config.config.jobs.some((job) => job.notify === 'digest')) return undefined;
  return new Cron(digestAt, { timezone: timeZone, name: 'digest', catch: true }, () => {
    sendDigest().catch((error: unknown) =>
      ctx.logger.error({ err: (error as Error).message }, 'digest failed'),
    );
  });
}

/**
 * Lets the runs going finish for `graceMs`, then stops them between chunks (each is recorded as
 * abandoned, and the next run resumes it); resolves when every one has ended.
 */
export async function letRunsFinish(
  running: Iterable<Promise<unknown>>,
  graceMs: number,
  abort: AbortController,
): Promise<void> {
  const settled = Promise.allSettled([...running]);
  const timer = setTimeout(() => abort.abort(), graceMs);
  await settled;
  clearTimeout(timer);
}

/**
 * `t2a serve`: runs each job on its cron schedule (croner, in the configured time zone). A job that
 * fails does not stop the others or the next night's run; a run still going when the next is due is
 * refused by the store's lock, which records the refusal.
 */
export function startScheduler(ctx: ServeContext): Scheduler {
  const scheduled = ctx.config.config.jobs.filter(
    (job): job is ScheduledJob => job.schedule !== undefined,
  );
  if (scheduled.length === 0 && !ctx.config.config.serve.dashboard) {
    throw new T2aError('config', `No job in ${ctx.config.file} has a schedule.`, {
      fix: 'Add e.g. schedule: "0 2 * * *" to the jobs t2a serve should run, or serve.dashboard to run them from a browser.',
    });
  }
  const abort = new AbortController();
  const running = new Set<Promise<unknown>>();
  const crons = scheduleJobs(ctx, scheduled, abort.signal, running);
  const alerted = new Set<string>();
  const sendDigest = async () => {
    const held = await ctx.store.claimNotifications();
    if (held.length === 0) return undefined;
    const digest = composeDigest(
      held.map((entry) => entry.notification),
      hostname(),
    );
    const result = await notifyAll(ctx.notifiers ?? [], digest, ctx.logger);
    // Kept for the next digest unless some notifier took it (a failing mail server loses nothing).
    const sent = result.sent.length > 0 || result.failed.length === 0;
    await ctx.store.releaseNotifications(
      held.map((entry) => entry.id),
      sent,
    );
    if (!sent) {
      throw new T2aError(
        'connection',
        `The digest of ${held.length} message(s) was not sent: every notifier failed (${result.failed.map((f) => `${f.notifier}: ${f.error}`).join('; ')}).`,
        {
          fix: 'Check the mail server or DHIS2 messaging settings; the messages are kept for the next digest.',
        },
      );
    }
    return digest.subject;
  };
  const digestCron = scheduleDigest(ctx, sendDigest);
  return {
    sendDigest,
    nextRuns: (count) => crons.map((cron) => ({ job: cron.name ?? '', at: cron.nextRuns(count) })),
    async checkMissedRuns(now = new Date()) {
      const missed: string[] = [];
      for (const job of scheduled) {
        const alert = await missedRunAlert(ctx, job, alerted, now);
        if (alert) missed.push(alert);
      }
      missed.push(...(await staleAnalyticsAlerts(ctx, scheduled, alerted, now)));
      return missed;
    },
    async stop(graceMs) {
      for (const cron of crons) cron.stop();
      digestCron?.stop();
      await letRunsFinish(running, graceMs, abort);
    },
  };
}
