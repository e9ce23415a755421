import { hostname } from 'node:os';
import pLimit from 'p-limit';
import type { LoadedConfig } from '../config/load.ts';
import type { JobConfig } from '../config/schema.ts';
import type { DataValue } from '../core/data-value.ts';
import { isT2aError, T2aError } from '../core/errors.ts';
import { composeNotification, shouldNotify } from '../core/notification.ts';
import { type Chunk, planChunks } from '../core/plan.ts';
import {
  type FailedChunk,
  type JobReport,
  outcomeOf,
  type RunReport,
  summarise,
} from '../core/report.ts';
import { exportDataValueSet } from '../dhis2/analytics.ts';
import { runAnalyticsTables } from '../dhis2/analytics-tables.ts';
import { Dhis2Client } from '../dhis2/client.ts';
import type { Logger } from '../log.ts';
import { type Notifier, notifyAll } from '../notify/notifier.ts';
import { newRunId } from '../store/sqlite-store.ts';
import type { T2aStore } from '../store/types.ts';
import { T2A_VERSION } from '../version.ts';
import { completeJob } from './complete.ts';
import { type ChunkOutcome, clearStale, type Delivery, deliverChunk } from './deliver.ts';
import { type JobDeps, type JobPlan, planJob } from './sync-plan.ts';
import { targetReport } from './sync-target.ts';

export interface SyncOptions {
  /** Jobs to run by name; all when absent. */
  readonly jobs?: readonly string[] | undefined;
  readonly dryRun?: boolean | undefined;
  /** Explicit ISO periods, overriding the jobs' windows. */
  readonly periods?: readonly string[] | undefined;
  /** Stops a run between chunks (SIGTERM): the run is recorded as abandoned, and the next one resumes. */
  readonly signal?: AbortSignal | undefined;
  /** Delete stale values even when they exceed the job's maxDeleteShare. */
  readonly allowMassDelete?: boolean | undefined;
  /** Run jobs whose mapping validation found errors (they are still reported). */
  readonly force?: boolean | undefined;
  readonly onProgress?:
    | ((progress: { job: string; done: number; total: number }) => void)
    | undefined;
}

export interface SyncDeps {
  readonly config: LoadedConfig;
  /** The run history and lock; runs are not recorded without one (tests of the sync logic alone). */
  readonly store?: T2aStore | undefined;
  readonly trigger?: 'manual' | 'schedule' | undefined;
  /** Where to send a message when a job's `notify` policy asks for one. */
  readonly notifiers?: readonly Notifier[] | undefined;
  readonly logger: Logger;
}

/** `t2a sync`: every selected job, one after the other; a failing job does not stop the next. */
export async function runSync(deps: SyncDeps, options: SyncOptions = {}): Promise<RunReport> {
  const jobs = selectJobs(deps.config, options.jobs);
  const clients = new Map<string, Dhis2Client>();
  const clientFor = (name: string) => {
    let client = clients.get(name);
    if (!client) {
      const connection = deps.config.connections.get(name);
      if (!connection) throw new T2aError('config', `No connection named "${name}".`);
      client = new Dhis2Client(connection, deps.logger);
      clients.set(name, client);
    }
    return client;
  };
  const reports: JobReport[] = [];
  for (const job of jobs) {
    const logger = deps.logger.child({ job: job.name });
    let report = await runJob(job, { ...deps, logger, clientFor }, options);
    if (job.complete?.afterSync && deps.store && !report.error && !(options.dryRun || job.dryRun)) {
      report = {
        ...report,
        completed: await completeAfterSync(deps, deps.store, job.name, logger),
      };
    }
    reports.push(report);
    if (job.notify === 'digest' && deps.store) {
      await deps.store.holdNotification(composeNotification(report, hostname()));
    } else if (deps.notifiers?.length && shouldNotify(report, job.notify)) {
      await notifyAll(deps.notifiers, composeNotification(report, hostname()), logger);
    }
  }
  return summarise(reports);
}

function selectJobs(config: LoadedConfig, names: readonly string[] | undefined): JobConfig[] {
  if (!names || names.length === 0) return config.config.jobs;
  return names.map((name) => {
    const job = config.config.jobs.find((candidate) => candidate.name === name);
    if (!job) {
      throw new T2aError('usage', `No job named "${name}" in ${config.file}.`, {
        fix: `Jobs defined: ${config.config.jobs.map((j) => j.name).join(', ')}.`,
      });
    }
    return job;
  });
}

/** One job run: recorded in the store, and never two at once (the store's lock holds across processes). */
async function runJob(job: JobConfig, jobDeps: JobDeps, options: SyncOptions): Promise<JobReport> {
  const runId = newRunId();
  const deps = { ...jobDeps, logger: jobDeps.logger.child({ runId }) };
  const store = deps.store;
  const startedAt = new Date().toISOString();
  if (store && !(await store.acquireLock(job.name, runId, `${hostname()}:${process.pid}`))) {
    const holder = await store.lockHolder(job.name);
    const message = `Job "${job.name}" is already running (run ${holder?.runId} on ${holder?.holder}, since ${holder?.acquiredAt}); this run did not start.`;
    await store.recordRefused({
      id: runId,
      job: job.name,
      trigger: deps.trigger ?? 'manual',
      t2aVersion: T2A_VERSION,
      reason: message,
    });
    deps.logger.warn({ holder }, 'job already running');
    return {
      ...jobReport(job, undefined, [], startedAt, {
        kind: 'busy',
        message,
        fix: `Wait for that run to finish; if its process died, run \`t2a unlock ${job.name}\`.`,
      }),
      runId,
    };
  }
  await store?.startRun({
    id: runId,
    job: job.name,
    trigger: deps.trigger ?? 'manual',
    startedAt,
    dryRun: options.dryRun === true || job.dryRun,
    t2aVersion: T2A_VERSION,
  });
  try {
    const report = { ...(await executeJob(job, deps, options, startedAt, runId)), runId };
    const status =
      report.error?.kind === 'aborted'
        ? 'abandoned'
        : report.error
          ? 'failed'
          : outcomeOf([report]);
    await store?.finishRun(runId, status, report);
    return report;
  } catch (error) {
    await store?.finishRun(runId, 'failed', undefined, (error as Error).message);
    throw error;
  } finally {
    await store?.releaseLock(job.name, runId);
  }
}

async function executeJob(
  job: JobConfig,
  deps: JobDeps,
  options: SyncOptions,
  startedAt: string,
  runId: string,
): Promise<JobReport> {
  const source = deps.clientFor(job.source);
  let plan: JobPlan | undefined;
  const failedChunks: FailedChunk[] = [];
  try {
    plan = await planJob(job, deps, options);
    const chunks = planChunks(
      plan.periods,
      plan.orgUnits.map((unit) => unit.id),
      job.chunk,
    );
    deps.logger.info(
      { chunks: chunks.length, periods: plan.periods, orgUnits: plan.orgUnits.length },
      'job planned',
    );
    const limit = pLimit(job.concurrency);
    let done = 0;
    const deliveries: Delivery[] = plan.targets.map((target) => ({
      job,
      plan: plan!,
      target,
      runId,
      store: deps.store,
      log: deps.logger,
    }));
    const run: ChunkRun = {
      job,
      plan,
      source,
      deliveries,
      outcomes: new Map(deliveries.map((d) => [d, []])),
      failed: failedChunks,
      log: deps.logger,
    };
    await Promise.all(
      chunks.map((chunk) =>
        limit(async () => {
          if (options.signal?.aborted) return;
          await runChunk(run, chunk);
          done += 1;
          options.onProgress?.({ job: job.name, done, total: chunks.length });
        }),
      ),
    );
    if (options.signal?.aborted) {
      throw new T2aError(
        'aborted',
        `Job "${job.name}" was stopped after ${done} of ${chunks.length} chunks (t2a was asked to shut down).`,
        {
          fix: 'Nothing is lost: the next run sends what this one did not (values already delivered are not re-sent).',
        },
      );
    }
    for (const delivery of deliveries) {
      const outcomes = run.outcomes.get(delivery) ?? [];
      await clearStale(delivery, {
        stale: outcomes.flatMap((outcome) => outcome.stale),
        held: outcomes.reduce((sum, outcome) => sum + outcome.held, 0),
        incomplete: outcomes.some((outcome) => outcome.incomplete),
        failedChunks: failedChunks.length,
        allowMassDelete: options.allowMassDelete === true,
      });
      if (job.analytics.afterImport && !delivery.target.dryRun)
        await aggregateAnalytics(delivery, job);
    }
  } catch (error) {
    const known = isT2aError(error)
      ? error
      : new T2aError('internal', (error as Error).message, { cause: error });
    deps.logger.error({ err: known.message, kind: known.kind }, 'job failed');
    return jobReport(job, plan, failedChunks, startedAt, {
      kind: known.kind,
      message: known.message,
      fix: known.fix,
    });
  }
  return jobReport(job, plan, failedChunks, startedAt, undefined);
}

function jobReport(
  job: JobConfig,
  plan: JobPlan | undefined,
  failedChunks: FailedChunk[],
  startedAt: string,
  error: JobReport['error'],
): JobReport {
  const mapped = plan?.mappings.length ?? 0;
  const duplicated = plan?.duplicates.flat().length ?? 0;
  return {
    job: job.name,
    source: job.source,
    sourceVersion: plan?.info.version.text,
    periods: plan?.periods ?? [],
    orgUnitCount: plan?.orgUnits.length ?? 0,
    indicators: {
      total: mapped + duplicated + (plan?.unmapped.length ?? 0),
      mapped: mapped + duplicated,
      unmapped: plan?.unmapped.length ?? 0,
    },
    targets: plan?.targets.map(targetReport) ?? [],
    failedChunks,
    error,
    startedAt,
    finishedAt: new Date().toISOString(),
  };
}

interface ChunkRun {
  readonly job: JobConfig;
  readonly plan: JobPlan;
  readonly source: Dhis2Client;
  readonly deliveries: readonly Delivery[];
  readonly outcomes: Map<Delivery, ChunkOutcome[]>;
  readonly failed: FailedChunk[];
  readonly log: Logger;
}

async function runChunk(run: ChunkRun, chunk: Chunk): Promise<void> {
  const { job, plan, source } = run;
  const log = run.log.child({ chunk: chunk.index });
  let exported: DataValue[];
  try {
    exported = await exportDataValueSet(source, plan.info.version, {
      programIndicators: plan.mappings.map((mapping) => mapping.programIndicator),
      periods: chunk.periods,
      orgUnits: chunk.orgUnits,
      mappingAttribute: job.mappingAttribute,
    });
  } catch (error) {
    run.failed.push(failedChunk(chunk, plan, error, `export from ${source.name}`));
    log.error({ err: (error as Error).message }, 'export failed');
    return;
  }
  for (const delivery of run.deliveries) {
    try {
      const outcome = await deliverChunk({ ...delivery, log }, chunk, exported);
      run.outcomes.get(delivery)?.push(outcome);
    } catch (error) {
      run.failed.push(
        failedChunk(chunk, plan, error, `import into ${delivery.target.client.name}`),
      );
      log.error(
        { err: (error as Error).message, target: delivery.target.client.name },
        'import failed',
      );
    }
  }
}

function failedChunk(chunk: Chunk, plan: JobPlan, error: unknown, step: string): FailedChunk {
  const names = chunk.orgUnits.slice(0, 3).map((id) => plan.orgUnitName(id));
  const more = chunk.orgUnits.length > 3 ? ` and ${chunk.orgUnits.length - 3} more` : '';
  return {
    periods: chunk.periods,
    orgUnits: `${names.join(', ')}${more}`,
    error: `${step}: ${(error as Error).message}`,
    fix: isT2aError(error) ? error.fix : undefined,
  };
}

/** Aggregate analytics on a target after the import, so its dashboards show the new values. */
async function aggregateAnalytics(delivery: Delivery, job: JobConfig): Promise<void> {
  try {
    await runAnalyticsTables(delivery.target.client, delivery.target.version, {
      tables: 'aggregate',
      lastYears: job.analytics.lastYears,
      timeoutMs: job.analytics.timeoutMinutes * 60_000,
      pollMs: 1000,
    });
  } catch (error) {
    delivery.target.issues.add(
      'analytics-after-import',
      1,
      [delivery.target.client.name],
      (error as Error).message,
    );
  }
}

/** `complete.afterSync`: marks complete what the run delivered; a failure is reported, the run stands. */
async function completeAfterSync(
  deps: SyncDeps,
  store: T2aStore,
  job: string,
  logger: Logger,
): Promise<number | string> {
  try {
    const results = await completeJob(deps.config, store, logger, job, { dryRun: false });
    return results.reduce((sum, result) => sum + result.marked, 0);
  } catch (error) {
    logger.error({ err: (error as Error).message }, 'marking complete failed');
    return `failed: ${(error as Error).message}`;
  }
}
