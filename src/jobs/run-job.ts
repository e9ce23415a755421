import type { JobConfig } from '../config/schema.ts';
import { isT2aError, T2aError } from '../core/errors.ts';
import { issue } from '../core/issues.ts';
import { mappingKey } from '../core/mapping.ts';
import {
  type DeliveryResult,
  delivered,
  type FailedChunk,
  foldTargetReport,
  type JobReport,
  reportOf,
  type TargetReport,
  tally,
} from '../core/report.ts';
import type { Finding } from '../core/validation.ts';
import { checkAnalyticsFreshness, runAnalyticsTables } from '../dhis2/analytics-tables.ts';
import { getSystemInfo } from '../dhis2/system.ts';
import type { Logger } from '../log.ts';
import { type ChunksOutcome, deliverChunks } from './chunks.ts';
import { completeJob } from './complete.ts';
import type { JobContext } from './context.ts';
import type { Delivery, StaleScope } from './delivery.ts';
import { doubtfulKeys } from './doubtful-indicators.ts';
import type { FailingIndicators } from './failing-indicators.ts';
import { settleIntents } from './intents.ts';
import { jobFindings } from './job-checks.ts';
import { validateForRun } from './job-findings.ts';
import { describeExport, type ExportPlan, planExport } from './narrow.ts';
import { analyticsAge, type ResolvedJob, resolveJob } from './resolve-job.ts';
import { clearStale } from './stale.ts';

export interface RunOptions {
  readonly dryRun?: boolean | undefined;
  /** `t2a plan`: the targets are read, never sent an import, not even a dry run (implies dryRun). */
  readonly offline?: boolean | undefined;
  /** Explicit ISO periods, overriding the job's. */
  readonly periods?: readonly string[] | undefined;
  /** Stops a run between chunks (SIGTERM): the run is recorded as abandoned, and the next one resumes. */
  readonly signal?: AbortSignal | undefined;
  /** Delete stale values even when they exceed the job's maxDeleteShare. */
  readonly allowMassDelete?: boolean | undefined;
  /**
   * The person running t2a looked at the indicators that gave no value at all, and they are right to be
   * empty: clear their stale values even on a version that does not report failing indicators.
   */
  readonly trustEmptyIndicators?: boolean | undefined;
  /** Run a job whose mapping validation found errors (they are still reported). */
  readonly force?: boolean | undefined;
  readonly onProgress?:
    | ((progress: { job: string; done: number; total: number }) => void)
    | undefined;
}

/** Analytics before export, as the job says: run it and wait, or refuse it when it is too old. */
async function prepareAnalytics(ctx: JobContext, job: JobConfig, log: Logger): Promise<void> {
  if (job.analytics.mode === 'off') return;
  const source = ctx.clients.client(job.source);
  const info = await getSystemInfo(source);
  if (job.analytics.mode === 'check') {
    checkAnalyticsFreshness(source.name, analyticsAge(info), job.analytics.maxAgeHours);
    return;
  }
  log.info({ lastYears: job.analytics.lastYears }, 'running analytics on the source');
  const message = await runAnalyticsTables(source, info.profile, {
    tables: 'tracker',
    lastYears: job.analytics.lastYears,
    timeoutMs: job.analytics.timeoutMinutes * 60_000,
    pollMs: 500,
  });
  log.info({ message }, 'analytics finished');
}

/** Aggregate analytics on a target after the import, so its dashboards show the new values. */
async function aggregateAnalytics(delivery: Delivery): Promise<DeliveryResult> {
  const { target, resolved } = delivery;
  if (!resolved.job.analytics.afterImport || target.dryRun) return delivered({});
  try {
    await runAnalyticsTables(target.client, target.info.profile, {
      tables: 'aggregate',
      lastYears: resolved.job.analytics.lastYears,
      timeoutMs: resolved.job.analytics.timeoutMinutes * 60_000,
      pollMs: 1000,
    });
    return delivered({});
  } catch (error) {
    const name = target.client.name;
    return delivered({
      issues: [issue('analytics-after-import', 1, [name], (error as Error).message)],
    });
  }
}

/**
 * What the job withheld as a whole, for every target's report: indicators the source could not evaluate
 * (with what DHIS2 said), and, in a forced run, indicators whose mapping failed validation. A run that
 * withheld indicators is never a success, whether or not they had values this time.
 */
function withheldIndicators(delivery: Delivery, failing: FailingIndicators): DeliveryResult {
  const { resolved } = delivery;
  const name = (id: string) =>
    resolved.mappings.find((mapping) => mapping.programIndicator === id)?.name ?? id;
  const refused = new Map<string, Finding>();
  for (const finding of delivery.failed.values())
    if (finding.programIndicator) refused.set(finding.programIndicator.id, finding);
  return delivered({
    issues: [
      ...failing
        .entries()
        .map(([id, message]) => issue('indicator-failed', 1, [`${name(id)} (${id}): ${message}`])),
      ...[...refused.values()].map((finding) =>
        issue('failed-validation', 1, [
          `${finding.programIndicator!.name} (${finding.programIndicator!.id}): ${finding.message}`,
        ]),
      ),
    ],
  });
}

/** The end of a job for each target: stale values cleared, analytics after import, the report folded. */
async function finishTargets(
  resolved: ResolvedJob,
  deliveries: readonly Delivery[],
  outcome: ChunksOutcome,
  options: RunOptions,
  plan: ExportPlan,
): Promise<TargetReport[]> {
  const scopes = new Map<string, StaleScope>();
  for (const chunks of outcome.deliveries)
    for (const [key, scope] of chunks.staleScopes) if (!scopes.has(key)) scopes.set(key, scope);
  const uncertain = await doubtfulKeys(
    resolved,
    outcome.exportedMappings,
    resolved.job.reconcile.deleteStale ? scopes : new Map(),
    outcome.failing,
    options.trustEmptyIndicators === true,
  );
  const reports: TargetReport[] = [];
  for (const [index, delivery] of deliveries.entries()) {
    const chunks = outcome.deliveries[index];
    if (!chunks) continue;
    const stale = await clearStale(
      delivery,
      {
        stale: chunks.stale,
        names: chunks.staleNames,
        scopes: chunks.staleScopes,
        // A narrowed night's deletions are weighed against the whole job, as a full night's are.
        held:
          plan.scope.kind === 'narrowed'
            ? Math.max(chunks.held, plan.heldAtFull[index] ?? 0)
            : chunks.held,
        allowMassDelete: options.allowMassDelete === true,
      },
      uncertain,
    );
    const afterImport = await aggregateAnalytics(delivery);
    const withheld = withheldIndicators(delivery, outcome.failing);
    reports.push(
      reportOf(
        delivery.target.identity,
        [stale, afterImport, withheld].reduce(tally, chunks.tally),
      ),
    );
  }
  return reports;
}

export interface JobRun {
  readonly resolved: ResolvedJob | undefined;
  readonly targets: readonly TargetReport[];
  readonly failedChunks: readonly FailedChunk[];
  readonly exports?: JobReport['exports'];
  readonly completed?: number | string | undefined;
  readonly error?: JobReport['error'];
}

/** `complete.afterSync`: marks complete what the run delivered; a failure is reported, the run stands. */
async function completeAfterSync(ctx: JobContext, resolved: ResolvedJob, log: Logger) {
  try {
    const results = await completeJob(ctx, resolved, { dryRun: false });
    return results.reduce((sum, result) => sum + result.marked, 0);
  } catch (error) {
    log.error({ err: (error as Error).message }, 'marking complete failed');
    return `failed: ${(error as Error).message}`;
  }
}

function failure(error: unknown): NonNullable<JobReport['error']> {
  const known = isT2aError(error)
    ? error
    : new T2aError('internal', (error as Error).message, { cause: error });
  return { kind: known.kind, message: known.message, fix: known.fix };
}

/** Target reports of what the chunks delivered, when the job ends before its end (a stop, a failure). */
function partialTargets(resolved: ResolvedJob | undefined, outcome: ChunksOutcome | undefined) {
  return (
    resolved?.targets.map((target, index) => {
      const chunks = outcome?.deliveries[index];
      return chunks
        ? reportOf(target.identity, chunks.tally)
        : foldTargetReport(target.identity, [delivered({ issues: resolved.issues })]);
    }) ?? []
  );
}

/** Chunks the job's periods × org units, and delivers them to every target. */
async function deliverJob(
  ctx: JobContext,
  resolved: ResolvedJob,
  failed: readonly ReadonlyMap<string, Finding>[],
  runId: string,
  options: RunOptions,
  log: Logger,
): Promise<{ deliveries: Delivery[]; outcome: ChunksOutcome; total: number; plan: ExportPlan }> {
  const { job } = resolved;
  const plan = await planExport(resolved, ctx.store, runId, log);
  const chunks = plan.chunks;
  log.info(
    { chunks: chunks.length, periods: resolved.periods, orgUnits: resolved.orgUnits.length },
    'job planned',
  );
  const deliveries: Delivery[] = resolved.targets.map((target, index) => ({
    resolved,
    target,
    failed: failed[index] ?? new Map(),
    runId,
    store: ctx.store,
    log,
  }));
  for (const delivery of deliveries) {
    await settleIntents(delivery);
    // Stale values a run that died left held: this run finds them again if they still are.
    await delivery.store?.ledger.dropStale(delivery.target.ledgerKey, job.name);
  }
  const outcome = await deliverChunks(
    resolved,
    deliveries,
    chunks,
    {
      signal: options.signal,
      onProgress: (done, total) => options.onProgress?.({ job: job.name, done, total }),
    },
    log,
  );
  return { deliveries, outcome, total: chunks.length, plan };
}

const exportsOf = (
  resolved: ResolvedJob,
  outcome: ChunksOutcome,
  plan: ExportPlan | undefined,
): JobReport['exports'] => ({
  chunks: outcome.done,
  requests: outcome.exportRequests,
  maxUrlLength: resolved.source.client.maxUrlLength,
  timings: outcome.timings,
  // Only a job that narrows says which kind of export it did: every other one always exports everything.
  ...(plan &&
    resolved.job.fullExportEvery && {
      scope: { kind: plan.scope.kind, text: describeExport(plan) },
    }),
});

/** One job's work, from analytics to the last stale value, as values: nothing is counted in place. */
export async function executeJob(
  ctx: JobContext,
  job: JobConfig,
  runId: string,
  options: RunOptions,
  log: Logger,
): Promise<JobRun> {
  let resolved: ResolvedJob | undefined;
  let outcome: ChunksOutcome | undefined;
  let plan: ExportPlan | undefined;
  try {
    await prepareAnalytics(ctx, job, log);
    resolved = await resolveJob(ctx, job.name, options);
    const failed = validateForRun(
      resolved,
      await jobFindings(resolved, { probeIndicators: false }),
      options.force === true,
    );
    const run = await deliverJob(ctx, resolved, failed, runId, options, log);
    outcome = run.outcome;
    plan = run.plan;
    if (outcome.halted) throw outcome.halted;
    if (options.signal?.aborted) {
      if (isT2aError(options.signal.reason)) throw options.signal.reason;
      throw new T2aError(
        'aborted',
        `Job "${job.name}" was stopped after ${outcome.done} of ${run.total} chunks (t2a was asked to shut down).`,
        {
          fix: 'Nothing is lost: the next run sends what this one did not (values already delivered are not re-sent).',
        },
      );
    }
    const targets = await finishTargets(resolved, run.deliveries, outcome, options, run.plan);
    // The next night counts changes from this night's analytics only if every chunk was delivered.
    const delivered = outcome.failed.length === 0 && outcome.done === run.total;
    const dry = options.dryRun || options.offline || job.dryRun;
    await run.plan.finish(
      delivered && !dry,
      // What the job's scope holds after a full night: what was there, or what was exported, the larger.
      outcome.deliveries.map((chunks, i) => Math.max(chunks.held, targets[i]?.exported ?? 0)),
    );
    const complete =
      job.complete?.afterSync && ctx.store && !(options.dryRun || job.dryRun)
        ? { completed: await completeAfterSync(ctx, resolved, log) }
        : {};
    return {
      resolved,
      targets,
      failedChunks: outcome.failed,
      exports: exportsOf(resolved, outcome, plan),
      ...complete,
    };
  } catch (error) {
    const reported = failure(error);
    log.error({ err: reported.message, kind: reported.kind }, 'job failed');
    return {
      resolved,
      targets: partialTargets(resolved, outcome),
      failedChunks: outcome?.failed ?? [],
      ...(resolved && outcome ? { exports: exportsOf(resolved, outcome, plan) } : {}),
      error: reported,
    };
  }
}
