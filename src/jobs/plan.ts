import type { JobConfig } from '../config/schema.ts';
import { T2aError } from '../core/errors.ts';
import type { StaleValue } from '../core/reconcile.ts';
import { type RunReport, summarise } from '../core/report.ts';
import { newRunId } from '../store/run-id.ts';
import type { LedgerStore, T2aStore } from '../store/types.ts';
import type { JobContext } from './context.ts';
import { selectJobs } from './resolve-job.ts';
import { executeJob } from './run-job.ts';
import { jobReport } from './sync.ts';

export interface PlanOptions {
  readonly jobs?: readonly string[] | undefined;
  readonly periods?: readonly string[] | undefined;
  /** Plan a job whose mapping has validation errors: what fails is shown withheld. */
  readonly force?: boolean | undefined;
}

export interface PlanResult {
  readonly report: RunReport;
  /** Jobs that run analytics before a sync: their plan read the source's analytics as they were. */
  readonly analyticsNotRun: readonly string[];
}

/** Any write to the store from a plan is a bug: it refuses rather than change what a sync relies on. */
function refuseWrite(name: PropertyKey): () => Promise<never> {
  return () =>
    Promise.reject(
      new T2aError('internal', `t2a plan tried to write to the store (${String(name)}).`, {
        fix: 'This is a bug in t2a: report it with the log. Nothing was written.',
      }),
    );
}

/** `object` with the methods named in `reads` passed through, those of `own` instead, and no other. */
function onlyReads<T extends object>(object: T, reads: readonly string[], own: Partial<T>): T {
  return new Proxy(object, {
    get(target, name) {
      if (name in own) return own[name as keyof T];
      const value: unknown = Reflect.get(target, name);
      if (typeof value !== 'function') return value;
      return reads.includes(String(name)) ? value.bind(target) : refuseWrite(name);
    },
  });
}

/**
 * The store as a plan sees it: the ledger is read (what t2a wrote, since when it knows each scope), the
 * stale values a chunk finds are held in memory, and nothing is written: no run in the history, no lock,
 * and a sync running meanwhile keeps its own held stale values.
 */
function planStore(store: T2aStore): T2aStore {
  const held = new Map<string, StaleValue[]>();
  const key = (target: string, job: string) => JSON.stringify([target, job]);
  const scratch: Partial<LedgerStore> = {
    holdStale: async (target, job, stale) => {
      held.set(key(target, job), [...(held.get(key(target, job)) ?? []), ...stale]);
    },
    takeStale: async (target, job, limit) => (held.get(key(target, job)) ?? []).splice(0, limit),
    dropStale: async (target, job) => {
      held.delete(key(target, job));
    },
  };
  const ledger = onlyReads(
    store.ledger,
    ['entries', 'knownSince', 'deletions', 'intents'],
    scratch,
  );
  // A plan's withheld values are in its report; it records none.
  const runValues = { record: async () => {}, list: async () => [] };
  // It narrows as a sync would, and remembers nothing of what it read.
  const exports = onlyReads(store.exports, ['last', 'places'], {
    record: async () => {},
    see: async () => {},
  });
  return onlyReads(store, ['run', 'runs', 'lockHolder', 'schemaVersion'], {
    ledger,
    runValues,
    exports,
  });
}

/** A plan starts nothing on the servers: analytics is read as the source has it, not run first. */
const withoutAnalyticsRun = (job: JobConfig): JobConfig =>
  job.analytics.mode === 'run' ? { ...job, analytics: { ...job.analytics, mode: 'off' } } : job;

/**
 * `t2a plan`: what a sync would do, computed here. The source's export and what each target holds are
 * read; no target is sent an import, not even a dry run (`t2a sync --dry-run` asks the targets), and the
 * plan is not a run: it takes no lock and leaves no record in the history.
 */
export async function runPlan(ctx: JobContext, options: PlanOptions = {}): Promise<PlanResult> {
  const store = ctx.store ? planStore(ctx.store) : undefined;
  const jobs = selectJobs(ctx, options.jobs);
  const reports = [];
  for (const job of jobs) {
    const log = ctx.logger.child({ job: job.name, plan: true });
    const startedAt = new Date().toISOString();
    const run = await executeJob(
      { ...ctx, logger: log, store },
      withoutAnalyticsRun(job),
      newRunId(),
      { dryRun: true, offline: true, periods: options.periods, force: options.force },
      log,
    );
    reports.push({ ...jobReport(job, run, startedAt, ''), runId: undefined });
  }
  return {
    report: summarise(reports),
    analyticsNotRun: jobs.filter((job) => job.analytics.mode === 'run').map((job) => job.name),
  };
}
