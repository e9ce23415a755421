import pLimit from 'p-limit';
import { addTiming, type ChunkTimings, noTimings } from '../core/chunk-timings.ts';
import type { DataValue } from '../core/data-value.ts';
import { isT2aError, type T2aError } from '../core/errors.ts';
import type { Chunk } from '../core/plan.ts';
import { delivered, emptyTally, type FailedChunk, type Tally, tally } from '../core/report.ts';
import { exportDataValueSet } from '../dhis2/analytics.ts';
import type { Logger } from '../log.ts';
import { type ChunkDelivery, type Delivery, deliverChunk, STALE_NAMES } from './deliver.ts';
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
  /** Some chunk withheld values: clearing anything would rest on an incomplete picture. */
  readonly incomplete: boolean;
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
  | { readonly values: DataValue[]; readonly requests: number }
  | { readonly failed: ChunkRun };

async function exportChunk(
  resolved: ResolvedJob,
  deliveries: readonly Delivery[],
  chunk: Chunk,
  log: Logger,
): Promise<Exported> {
  const { job, source } = resolved;
  try {
    const result = await exportDataValueSet(source.client, source.info.profile, {
      programIndicators: resolved.mappings.map((mapping) => mapping.programIndicator),
      periods: chunk.periods,
      orgUnits: chunk.orgUnits,
      mappingAttribute: job.mappingAttribute,
    });
    if (result.requests > 1)
      log.info(
        { requests: result.requests, maxUrlLength: source.client.maxUrlLength },
        'export split to keep URLs short',
      );
    return { values: result.values, requests: result.requests };
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
  exported: { readonly values: DataValue[]; readonly requests: number },
  log: Logger,
): Promise<ChunkRun> {
  const results: (ChunkDelivery | undefined)[] = [];
  const failed: FailedChunk[] = [];
  let halt: T2aError | undefined;
  for (const delivery of deliveries) {
    try {
      const result = await deliverChunk({ ...delivery, log }, chunk, exported.values);
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

/** A target before its first chunk: only the job's own issues (unmapped indicators…) counted. */
const nothingYet = (resolved: ResolvedJob): TargetChunks => ({
  tally: tally(emptyTally(), delivered({ issues: resolved.issues })),
  stale: 0,
  staleNames: [],
  held: 0,
  incomplete: false,
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
  const targets = deliveries.map(() => nothingYet(resolved));
  const record = (run: ChunkRun) => {
    run.delivered.forEach((chunk, index) => {
      const so = targets[index];
      if (!chunk || !so) return;
      targets[index] = {
        tally: tally(so.tally, chunk.result),
        stale: so.stale + chunk.stale,
        staleNames:
          so.staleNames.length < STALE_NAMES
            ? [...so.staleNames, ...chunk.staleNames].slice(0, STALE_NAMES)
            : so.staleNames,
        held: so.held + chunk.held,
        incomplete: so.incomplete || chunk.incomplete,
      };
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
          return exportChunk(resolved, deliveries, chunk, chunkLog);
        });
        const exportMs = since(started);
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
  return { deliveries: targets, failed, done, exportRequests, halted, timings };
}
