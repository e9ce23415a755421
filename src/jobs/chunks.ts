import pLimit from 'p-limit';
import { addTiming, type ChunkTimings, noTimings } from '../core/chunk-timings.ts';
import type { DataValue } from '../core/data-value.ts';
import { isT2aError, type T2aError } from '../core/errors.ts';
import { type Isolated, isolateFailing } from '../core/isolate.ts';
import { mappingKey } from '../core/mapping.ts';
import type { Chunk } from '../core/plan.ts';
import { delivered, emptyTally, type FailedChunk, type Tally, tally } from '../core/report.ts';
import {
  type ExportResult,
  exportDataValueSet,
  oneIndicatorMayCause,
  sourceMessage,
} from '../dhis2/analytics.ts';
import type { Logger } from '../log.ts';
import { type ChunkDelivery, deliverChunk, STALE_NAMES } from './deliver.ts';
import type { Delivery, StaleScope } from './delivery.ts';
import { fromExport } from './disaggregation.ts';
import { FailingIndicators } from './failing-indicators.ts';
import type { ResolvedJob } from './resolve-job.ts';
import { semaphore } from './semaphore.ts';

/** What the chunks delivered to one target, folded as they ran (its size does not grow with the job). */
export interface TargetChunks {
  /** The job's issues and every chunk's result, folded. */
  readonly tally: Tally;
  /** Values t2a wrote that the export no longer produces (held in the store), and a few named. */
  readonly stale: number;
  readonly staleNames: readonly string[];
  /** Values the chunks' scopes held in the target. */
  readonly held: number;
  /**
   * The mapping keys of the stale values, each with a period and a source org unit where it was found
   * stale: before deleting, t2a asks the source once whether the indicators behind them evaluate.
   */
  readonly staleScopes: ReadonlyMap<string, StaleScope>;
}

/** What the chunks delivered, per target in the job's order, and the chunks that failed. */
export interface ChunksOutcome {
  readonly deliveries: readonly TargetChunks[];
  readonly failed: readonly FailedChunk[];
  /** Chunks that ran (a stop between chunks leaves the rest). */
  readonly done: number;
  /** Export requests the chunks took: more than `done` when URLs had to be kept short. */
  readonly exportRequests: number;
  /**
   * Why the job stopped before its last chunk: a server refused the credentials, which will not heal by
   * themselves, so the remaining chunks were not tried.
   */
  readonly halted?: T2aError | undefined;
  /** How long the chunks took, folded as they finished. */
  readonly timings: ChunkTimings;
  /** The indicators the source failed to evaluate, with what it said. */
  readonly failing: FailingIndicators;
  /** The mapping keys of every value exported in the run: an indicator missing here was silent. */
  readonly exportedMappings: ReadonlySet<string>;
}

export interface ChunkOptions {
  readonly signal?: AbortSignal | undefined;
  readonly onProgress?: ((done: number, total: number) => void) | undefined;
}

interface ChunkRun {
  readonly delivered: readonly (ChunkDelivery | undefined)[];
  readonly failed: readonly FailedChunk[];
  readonly halt?: T2aError | undefined;
  /** Export requests the chunk took (more than one when its URL would have been too long). */
  readonly requests: number;
}

const since = (start: number) => Math.round(performance.now() - start);

/** Credentials refused: nothing after this can succeed. */
const halting = (error: unknown) => isT2aError(error) && error.kind === 'auth';

/** A chunk's org units as a person reads them: a few names, then a count. */
function chunkNames(resolved: ResolvedJob, chunk: Chunk): string {
  const names = chunk.orgUnits.slice(0, 3).map((id) => resolved.orgUnitName(id));
  const more = chunk.orgUnits.length > 3 ? ` and ${chunk.orgUnits.length - 3} more` : '';
  return `${names.join(', ')}${more}`;
}

function failedChunk(
  resolved: ResolvedJob,
  chunk: Chunk,
  error: unknown,
  step: string,
): FailedChunk {
  return {
    periods: chunk.periods,
    orgUnits: chunkNames(resolved, chunk),
    error: `${step}: ${(error as Error).message}`,
    fix: isT2aError(error) ? error.fix : undefined,
  };
}

/** A chunk's export: its values, or why it failed (the chunk then delivers nothing). */
type Exported =
  | {
      readonly values: DataValue[];
      readonly requests: number;
      /** Indicators left out of this chunk's values because the source fails on them. */
      readonly failing: ReadonlySet<string>;
    }
  | { readonly failed: ChunkRun };

/**
 * One chunk's export, without the indicators already known to fail. When the source refuses it with an
 * error one indicator can cause, the request is narrowed down to the failing indicators: their values
 * are missing (and reported), the others' are delivered, and the run remembers them.
 */
async function exportChunk(
  resolved: ResolvedJob,
  deliveries: readonly Delivery[],
  chunk: Chunk,
  failing: FailingIndicators,
  log: Logger,
): Promise<Exported> {
  const { job, source } = resolved;
  const indicators = [...new Set(resolved.mappings.map((mapping) => mapping.programIndicator))];
  const ask = (programIndicators: readonly string[]) =>
    exportDataValueSet(source.client, source.info.profile, {
      programIndicators,
      periods: chunk.periods,
      orgUnits: chunk.orgUnits,
      mappingAttribute: job.mappingAttribute,
    });
  const remaining = () => indicators.filter((id) => !failing.has(id));
  try {
    let isolated: Isolated<string, ExportResult>;
    try {
      const whole = await ask(remaining());
      isolated = { results: [whole], failed: [], requests: 1 };
    } catch (error) {
      if (!oneIndicatorMayCause(error)) throw error;
      // Another chunk may be narrowing the same failure down: after it, ask again without what it found.
      isolated = await failing.exclusively(async () => {
        const narrowed = await isolateFailing(remaining(), ask, oneIndicatorMayCause);
        for (const { item, error: itsError } of narrowed.failed) {
          failing.add(item, sourceMessage(itsError));
          log.warn(
            { programIndicator: item, err: sourceMessage(itsError) },
            'the source cannot evaluate an indicator: its values are left out',
          );
        }
        return { ...narrowed, requests: narrowed.requests + 1 };
      });
    }
    const requests = isolated.results.reduce((sum, result) => sum + result.requests, 0);
    if (requests > isolated.results.length)
      log.info(
        { requests, maxUrlLength: source.client.maxUrlLength },
        'export split to keep URLs short',
      );
    return {
      // A disaggregated indicator's values come as its export data element and the source's combo
      // UIDs: they become the target's cells here, so every later step sees ordinary values.
      values: fromExport(
        isolated.results.flatMap((result) => result.values),
        resolved.disaggregation.fromExport,
      ),
      requests: requests + isolated.requests - isolated.results.length,
      failing: new Set(indicators.filter((id) => failing.has(id))),
    };
  } catch (error) {
    log.error({ err: (error as Error).message }, 'export failed');
    return {
      failed: {
        delivered: deliveries.map(() => undefined),
        failed: [failedChunk(resolved, chunk, error, `export from ${source.client.name}`)],
        halt: halting(error) ? (error as T2aError) : undefined,
        requests: 0,
      },
    };
  }
}

/** One exported chunk, delivered to each target. A failure stays in its chunk. */
async function deliverExported(
  resolved: ResolvedJob,
  deliveries: readonly Delivery[],
  chunk: Chunk,
  exported: Extract<Exported, { values: DataValue[] }>,
  log: Logger,
): Promise<ChunkRun> {
  const results: (ChunkDelivery | undefined)[] = [];
  const failed: FailedChunk[] = [];
  let halt: T2aError | undefined;
  for (const delivery of deliveries) {
    try {
      const result = await deliverChunk(
        { ...delivery, log },
        chunk,
        exported.values,
        exported.failing,
      );
      results.push(result);
      if (result.failure) {
        const name = delivery.target.client.name;
        failed.push(failedChunk(resolved, chunk, result.failure, `import into ${name}`));
      }
    } catch (error) {
      results.push(undefined);
      const name = delivery.target.client.name;
      failed.push(failedChunk(resolved, chunk, error, `import into ${name}`));
      log.error({ err: (error as Error).message, target: name }, 'import failed');
      if (halting(error)) halt ??= error as T2aError;
    }
  }
  return { delivered: results, failed, halt, requests: exported.requests };
}

/** Stale values per mapping key, added up; the first scope seen is enough to ask the source about it. */
function withScopes(
  so: ReadonlyMap<string, StaleScope>,
  more: ReadonlyMap<string, StaleScope>,
): ReadonlyMap<string, StaleScope> {
  if (more.size === 0) return so;
  const merged = new Map(so);
  for (const [key, scope] of more) {
    const seen = merged.get(key);
    merged.set(key, seen ? { ...seen, count: seen.count + scope.count } : scope);
  }
  return merged;
}

/** What a target took so far, with one more chunk. */
function withChunk(so: TargetChunks, chunk: ChunkDelivery): TargetChunks {
  return {
    tally: tally(so.tally, chunk.result),
    stale: so.stale + chunk.stale,
    staleNames:
      so.staleNames.length < STALE_NAMES
        ? [...so.staleNames, ...chunk.staleNames].slice(0, STALE_NAMES)
        : so.staleNames,
    held: so.held + chunk.held,
    staleScopes: withScopes(so.staleScopes, chunk.staleScopes),
  };
}

/** A target before its first chunk: only the job's own issues (unmapped indicators…) counted. */
const nothingYet = (resolved: ResolvedJob): TargetChunks => ({
  tally: tally(emptyTally(), delivered({ issues: resolved.issues })),
  stale: 0,
  staleNames: [],
  held: 0,
  staleScopes: new Map(),
});

/**
 * Runs the chunks `job.concurrency` at a time, stopping between chunks when the signal says so. The
 * source exports the next chunks while the target takes the previous ones: up to `concurrency` exports
 * run ahead of the deliveries (each held in memory until delivered), so neither server waits on t2a.
 */
export async function deliverChunks(
  resolved: ResolvedJob,
  deliveries: readonly Delivery[],
  chunks: readonly Chunk[],
  options: ChunkOptions,
  log: Logger,
): Promise<ChunksOutcome> {
  const concurrency = resolved.job.concurrency;
  const exports = pLimit(concurrency);
  const imports = pLimit(concurrency);
  const inFlight = semaphore(2 * concurrency);
  let done = 0;
  let exportRequests = 0;
  let halted: T2aError | undefined;
  let timings = noTimings();
  const failed: FailedChunk[] = [];
  const failing = new FailingIndicators();
  const exportedMappings = new Set<string>();
  const targets = deliveries.map(() => nothingYet(resolved));
  const record = (run: ChunkRun) => {
    run.delivered.forEach((chunk, index) => {
      const so = targets[index];
      if (chunk && so) targets[index] = withChunk(so, chunk);
    });
    failed.push(...run.failed);
    exportRequests += run.requests;
    halted ??= run.halt;
    done += 1;
  };
  const stopped = () => options.signal?.aborted === true || halted !== undefined;
  await Promise.all(
    chunks.map(async (chunk) => {
      await inFlight.acquire();
      try {
        if (stopped()) return;
        const chunkLog = log.child({ chunk: chunk.index });
        let started = 0;
        const exported = await exports(() => {
          started = performance.now();
          return exportChunk(resolved, deliveries, chunk, failing, chunkLog);
        });
        const exportMs = since(started);
        if ('values' in exported)
          for (const value of exported.values) exportedMappings.add(mappingKey(value));
        let delivering = 0;
        // A failed export is the chunk's outcome; a good one is delivered unless the job stopped meanwhile.
        const run =
          'failed' in exported
            ? exported.failed
            : await imports(async () => {
                if (stopped()) return undefined;
                delivering = performance.now();
                return deliverExported(resolved, deliveries, chunk, exported, chunkLog);
              });
        if (!run) return;
        record(run);
        timings = addTiming(timings, {
          periods: chunk.periods,
          orgUnits: chunkNames(resolved, chunk),
          exportMs,
          deliverMs: delivering ? since(delivering) : 0,
        });
        options.onProgress?.(done, chunks.length);
      } finally {
        inFlight.release();
      }
    }),
  );
  return {
    deliveries: targets,
    failed,
    done,
    exportRequests,
    halted,
    timings,
    failing,
    exportedMappings,
  };
}
