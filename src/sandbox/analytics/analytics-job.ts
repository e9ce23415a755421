import type { SandboxContext } from '../context.ts';
import { atLeast, type Dhis2Version } from '../version.ts';
import { type AnalyticsTableRun, runAnalyticsNow } from './analytics-tables.ts';
import {
  type AnalyticsJobRequest,
  type JobConfiguration,
  jobParameters,
  newJobConfiguration,
} from './job-configuration.ts';
import { addNotification, generateUid } from './task-notifications.ts';

export { runAnalyticsNow } from './analytics-tables.ts';

/**
 * What became of a request to run the job while another analytics job runs:
 * - 2.36: in-memory jobs run regardless (`DefaultJobInstance.execute`), so both run;
 * - 2.37–2.38: `executeNow` returns false and the controller ignores it: "Initiated", but the job never
 *   runs (its task list stays `[]`);
 * - 2.39–2.40: 409 "Job of type ANALYTICS_TABLE is already running" (`ResourceTableController.execute`);
 * - 2.41+: every request is its own run-once job, which waits until no job of the type runs
 *   (`JobConfigurationStore.tryStart`), so it is queued.
 */
export type AnalyticsJobOutcome = 'started' | 'ignored' | 'refused' | 'queued';

interface JobState {
  readonly running: Set<string>;
  readonly queue: JobConfiguration[];
  stopped: boolean;
}

const states = new WeakMap<SandboxContext, JobState>();

function stateOf(ctx: SandboxContext): JobState {
  let state = states.get(ctx);
  if (!state) {
    const created: JobState = { running: new Set(), queue: [], stopped: false };
    void ctx.stopped.then(() => {
      created.stopped = true;
    });
    states.set(ctx, created);
    state = created;
  }
  return state;
}

export function isAnalyticsJobRunning(ctx: SandboxContext, jobId: string): boolean {
  return stateOf(ctx).running.has(jobId);
}

/** Starts the analytics table job in the background, as `POST /api/resourceTables/analytics` does. */
export function startAnalyticsJob(
  ctx: SandboxContext,
  request: AnalyticsJobRequest,
): { job: JobConfiguration; outcome: AnalyticsJobOutcome } {
  const state = stateOf(ctx);
  const job = newJobConfiguration(ctx, generateUid(), request);
  const busy = state.running.size > 0 || state.queue.length > 0;
  if (!busy || ctx.version.minor === 36) {
    launch(ctx, state, job);
    return { job, outcome: 'started' };
  }
  if (!atLeast(ctx.version, 39)) return { job, outcome: 'ignored' };
  if (!atLeast(ctx.version, 41)) return { job, outcome: 'refused' };
  state.queue.push(job);
  return { job, outcome: 'queued' };
}

function launch(ctx: SandboxContext, state: JobState, job: JobConfiguration): void {
  state.running.add(job.id);
  void runJob(ctx, state, job).finally(() => {
    state.running.delete(job.id);
    const next = state.queue.shift();
    if (next && !state.stopped) launch(ctx, state, next);
  });
}

function pause(state: JobState, ctx: SandboxContext, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(!state.stopped), ms);
    void ctx.stopped.then(() => {
      clearTimeout(timer);
      resolve(false);
    });
  });
}

/**
 * One run: the start notifications, the job's duration (`faults.analytics.durationMs`, 10 ms by
 * default), then the snapshot and the last notification, `completed: true`, INFO, or ERROR when the job
 * fails (`faults.analytics.fail`). The snapshot still only takes rows updated before the start.
 */
async function runJob(ctx: SandboxContext, state: JobState, job: JobConfiguration): Promise<void> {
  const faults = { ...ctx.faults.analytics };
  const started = { at: ctx.clock.now(), ms: performance.now() };
  const progress = jobProgress(ctx, job);
  progress.started();
  if (!(await pause(state, ctx, faults.durationMs ?? 10))) return;
  try {
    if (faults.fail) throw new Error(faults.fail);
    progress.tables();
    progress.completed(runAnalyticsNow(ctx, job.request, started));
  } catch (error) {
    if (!state.stopped) progress.failed((error as Error).message || (error as Error).name);
  }
}

const TABLE_TYPES = [
  'DATA_VALUE',
  'COMPLETENESS',
  'COMPLETENESS_TARGET',
  'ORG_UNIT_TARGET',
  'EVENT',
  'ENROLLMENT',
  'VALIDATION_RESULT',
];

function tableTypes(version: Dhis2Version): string[] {
  return [
    ...TABLE_TYPES,
    ...(atLeast(version, 39) ? ['OWNERSHIP'] : []),
    ...(atLeast(version, 41) ? ['TRACKED_ENTITY_INSTANCE'] : []),
  ];
}

interface JobProgress {
  started(): void;
  tables(): void;
  completed(run: AnalyticsTableRun): void;
  failed(message: string): void;
}

/**
 * The job's notifications. Up to 2.37 `DefaultAnalyticsTableGenerator` wrote them to the `Notifier`
 * itself; from 2.38 through `NotifierJobProgress` (process, stages, `failedProcess` "Process failed: …").
 */
function jobProgress(ctx: SandboxContext, job: JobConfiguration): JobProgress {
  const note = (level: 'INFO' | 'ERROR', message: string, completed = false, data?: unknown) =>
    addNotification(ctx, 'ANALYTICS_TABLE', job.id, {
      level,
      message,
      completed,
      ...(data === undefined ? {} : { dataType: 'PARAMETERS', data }),
    });
  const latest = job.request.lastYears === 0;
  const resourceTables = !job.request.skipResourceTables && !latest;
  const types = tableTypes(ctx.version).filter(
    (type) => !job.request.skipTableTypes.includes(type),
  );
  if (!atLeast(ctx.version, 38)) {
    return {
      started() {
        note('INFO', 'Analytics table update process started');
        if (resourceTables) note('INFO', 'Updating resource tables');
      },
      tables: () => types.forEach((type) => note('INFO', `Updating tables: ${type}`)),
      completed: (run) => note('INFO', `Analytics tables updated: ${run.runtime}`, true),
      failed: (message) => note('ERROR', `Process failed: ${message}`, true),
    };
  }
  // Wording by version: 2.38 "… process started" and no settings stages; 2.39–2.40 "(latest
  // partition)" glued on; 2.41+ placeholders (" (latest partition)", "Validating analytics table: X").
  const v41 = atLeast(ctx.version, 41);
  const v39 = atLeast(ctx.version, 39);
  return {
    started() {
      const title = !v39
        ? 'Analytics table update process started'
        : `Analytics table update process${latest ? (v41 ? ' (latest partition)' : '(latest partition)') : ''}`;
      note('INFO', title, false, jobParameters(ctx.version, job.request));
      if (resourceTables) note('INFO', 'Generating resource tables');
    },
    tables: () =>
      types.forEach((type) =>
        note(
          'INFO',
          v41 ? `Validating analytics table: ${type}` : `Validating Analytics Table ${type}`,
        ),
      ),
    completed(run) {
      if (v39) {
        note('INFO', v41 ? 'Updating system settings' : 'Updating settings');
        note('INFO', 'Invalidate analytics caches');
      }
      note('INFO', `Analytics tables updated: ${run.runtime}`, true);
    },
    failed(message) {
      note('ERROR', message);
      note('ERROR', `Process failed: ${message}`, true);
    },
  };
}
