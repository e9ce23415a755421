import { hostname } from 'node:os';
import { Cron } from 'croner';
import type { LoadedConfig } from '../config/load.ts';
import type { JobConfig } from '../config/schema.ts';
import { T2aError } from '../core/errors.ts';
import { composeDigest } from '../core/notification.ts';
import { Dhis2Client } from '../dhis2/client.ts';
import { getSystemInfo } from '../dhis2/system.ts';
import type { Logger } from '../log.ts';
import { type Notifier, notifyAll } from '../notify/notifier.ts';
import type { T2aStore } from '../store/types.ts';
import { runSync } from './sync.ts';

export interface ServeDeps {
  readonly config: LoadedConfig;
  readonly logger: Logger;
  readonly store: T2aStore;
  readonly notifiers: readonly Notifier[];
}

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

/**
 * `t2a serve`: runs each job on its cron schedule (croner, in the configured time zone). A job that
 * fails does not stop the others or the next night's run; a run still going when the next is due is
 * refused by the store's lock, which records the refusal.
 */
export function startScheduler(deps: ServeDeps): Scheduler {
  const { config, logger } = deps;
  const scheduled = config.config.jobs.filter(
    (job): job is JobConfig & { schedule: string } => job.schedule !== undefined,
  );
  if (scheduled.length === 0) {
    throw new T2aError('config', `No job in ${config.file} has a schedule.`, {
      fix: 'Add e.g. schedule: "0 2 * * *" to the jobs t2a serve should run.',
    });
  }
  const abort = new AbortController();
  const running = new Set<Promise<unknown>>();
  const timeZone = config.config.serve.timeZone;
  const crons = scheduled.map((job) => {
    try {
      return new Cron(job.schedule, { timezone: timeZone, name: job.name, catch: true }, () => {
        const run = runSync(
          { ...deps, trigger: 'schedule' },
          { jobs: [job.name], signal: abort.signal },
        )
          .then((report) =>
            logger.info({ job: job.name, outcome: report.outcome }, 'scheduled run finished'),
          )
          .catch((error: unknown) =>
            logger.error({ job: job.name, err: (error as Error).message }, 'scheduled run failed'),
          )
          .finally(() => running.delete(run));
        running.add(run);
      });
    } catch (error) {
      throw new T2aError(
        'config',
        `Job "${job.name}" has the schedule "${job.schedule}", which is not a cron expression: ${(error as Error).message}.`,
        {
          fix: 'Use five fields: minute hour day-of-month month day-of-week, e.g. "0 2 * * *".',
        },
      );
    }
  });
  const alerted = new Set<string>();
  const sendDigest = async () => {
    const held = await deps.store.takeNotifications();
    if (held.length === 0) return undefined;
    const digest = composeDigest(held, hostname());
    await notifyAll(deps.notifiers, digest, logger);
    return digest.subject;
  };
  const digestCron = config.config.jobs.some((job) => job.notify === 'digest')
    ? new Cron(
        config.config.serve.digestAt,
        { timezone: timeZone, name: 'digest', catch: true },
        () => void sendDigest(),
      )
    : undefined;
  return {
    sendDigest,
    nextRuns: (count) => crons.map((cron) => ({ job: cron.name ?? '', at: cron.nextRuns(count) })),
    async checkMissedRuns(now = new Date()) {
      const missed: string[] = [];
      for (const job of scheduled) {
        const [last] = await deps.store.runs({ job: job.name, last: 1 });
        if (!last) continue;
        const due = new Cron(job.schedule, { timezone: timeZone, paused: true }).nextRun(
          new Date(last.startedAt),
        );
        if (
          !due ||
          now.getTime() - due.getTime() < config.config.serve.missedRunAlertMinutes * 60_000
        )
          continue;
        const key = `${job.name}@${due.toISOString()}`;
        if (alerted.has(key)) continue;
        alerted.add(key);
        const text = `t2a job "${job.name}" was due at ${due.toISOString()} (schedule "${job.schedule}", ${timeZone}) and has not run; the last run started ${last.startedAt} (${last.status}, run ${last.id}).\n\nWhat to do: check that t2a serve is running on ${hostname()}, and its log.`;
        missed.push(text);
        await notifyAll(
          deps.notifiers,
          {
            subject: `[t2a] ${job.name}: scheduled run missed`,
            text,
            job: job.name,
            runId: last.id,
            outcome: 'failed',
          },
          logger,
        );
      }
      missed.push(...(await staleAnalyticsAlerts(deps, scheduled, alerted, now)));
      return missed;
    },
    async stop(graceMs) {
      for (const cron of crons) cron.stop();
      digestCron?.stop();
      const settled = Promise.allSettled([...running]);
      const timer = setTimeout(() => abort.abort(), graceMs);
      await settled;
      clearTimeout(timer);
    },
  };
}

/** Sources whose analytics is older than their job allows; said once a day per job. */
async function staleAnalyticsAlerts(
  deps: ServeDeps,
  jobs: readonly JobConfig[],
  alerted: Set<string>,
  now: Date,
): Promise<string[]> {
  const alerts: string[] = [];
  for (const job of jobs) {
    if (job.analytics.mode !== 'check') continue;
    const key = `analytics:${job.name}@${now.toISOString().slice(0, 10)}`;
    if (alerted.has(key)) continue;
    const source = new Dhis2Client(deps.config.connections.get(job.source)!, deps.logger);
    let problem: string | undefined;
    try {
      const info = await getSystemInfo(source);
      const age = info.lastAnalyticsTableSuccess
        ? (Date.parse(`${info.serverDate}Z`) - Date.parse(`${info.lastAnalyticsTableSuccess}Z`)) /
          3_600_000
        : undefined;
      if (age === undefined) problem = `analytics has never run on ${source.name}`;
      else if (age > job.analytics.maxAgeHours)
        problem = `analytics on ${source.name} is ${Math.round(age)} h old (last run ${info.lastAnalyticsTableSuccess}), over the job's limit of ${job.analytics.maxAgeHours} h`;
    } catch (error) {
      problem = `${source.name} could not be asked: ${(error as Error).message}`;
    }
    if (!problem) continue;
    alerted.add(key);
    const text = `t2a job "${job.name}": ${problem}. Its next run will refuse to export stale numbers.\n\nWhat to do: check the scheduled analytics job on ${source.name} (Data Administration app), or set analytics.mode: run on the job.`;
    alerts.push(text);
    await notifyAll(
      deps.notifiers,
      {
        subject: `[t2a] ${job.name}: analytics is stale on ${source.name}`,
        text,
        job: job.name,
        runId: undefined,
        outcome: 'failed',
      },
      deps.logger,
    );
  }
  return alerts;
}
