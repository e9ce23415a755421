import pLimit from 'p-limit';
import type { DataValue } from '../core/data-value.ts';
import { isT2aError, type T2aError } from '../core/errors.ts';
import type { Chunk } from '../core/plan.ts';
import type { FailedChunk } from '../core/report.ts';
import { exportDataValueSet } from '../dhis2/analytics.ts';
import type { Logger } from '../log.ts';
import { type ChunkDelivery, type Delivery, deliverChunk } from './deliver.ts';
import type { ResolvedJob } from './resolve-job.ts';
import { semaphore } from './semaphore.ts';

/** Every chunk's deliveries, per target in the job's order, and the chunks that failed. */
export interface ChunksOutcome {
  readonly deliveries: readonly (readonly ChunkDelivery[])[];
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

/** Credentials refused: nothing after this can succeed. */
const halting = (error: unknown) => isT2aError(error) && error.kind === 'auth';

function failedChunk(
  resolved: ResolvedJob,
  chunk: Chunk,
  error: unknown,
  step: string,
): FailedChunk {
  const names = chunk.orgUnits.slice(0, 3).map((id) => resolved.orgUnitName(id));
  const more = chunk.orgUnits.length > 3 ? ` and ${chunk.orgUnits.length - 3} more` : '';
  return {
    periods: chunk.periods,
    orgUnits: `${names.join(', ')}${more}`,
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
  exported: Exported,
  log: Logger,
): Promise<ChunkRun> {
  if ('failed' in exported) return exported.failed;
  const delivered: (ChunkDelivery | undefined)[] = [];
  const failed: FailedChunk[] = [];
  let halt: T2aError | undefined;
  for (const delivery of deliveries) {
    try {
      const result = await deliverChunk({ ...delivery, log }, chunk, exported.values);
      delivered.push(result);
      if (result.failure) {
        const name = delivery.target.client.name;
        failed.push(failedChunk(resolved, chunk, result.failure, `import into ${name}`));
      }
    } catch (error) {
      delivered.push(undefined);
      const name = delivery.target.client.name;
      failed.push(failedChunk(resolved, chunk, error, `import into ${name}`));
      log.error({ err: (error as Error).message, target: name }, 'import failed');
      if (halting(error)) halt ??= error as T2aError;
    }
  }
  return { delivered, failed, halt, requests: exported.requests };
}

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
  let halted: T2aError | undefined;
  const stopped = () => options.signal?.aborted === true || halted !== undefined;
  const runs = await Promise.all(
    chunks.map(async (chunk): Promise<ChunkRun | undefined> => {
      await inFlight.acquire();
      try {
        if (stopped()) return undefined;
        const chunkLog = log.child({ chunk: chunk.index });
        const exported = await exports(() => exportChunk(resolved, deliveries, chunk, chunkLog));
        const run = await imports(async () =>
          stopped() && !('failed' in exported)
            ? undefined
            : deliverExported(resolved, deliveries, chunk, exported, chunkLog),
        );
        if (!run) return undefined;
        halted ??= run.halt;
        done += 1;
        options.onProgress?.(done, chunks.length);
        return run;
      } finally {
        inFlight.release();
      }
    }),
  );
  const ran = runs.filter((run): run is ChunkRun => run !== undefined);
  return {
    deliveries: deliveries.map((_delivery, index) =>
      ran.flatMap((run) => run.delivered[index] ?? []),
    ),
    failed: ran.flatMap((run) => run.failed),
    done: ran.length,
    exportRequests: ran.reduce((sum, run) => sum + run.requests, 0),
    halted,
  };
}
