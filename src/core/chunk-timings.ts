/** How long one chunk took: its export from the source, and its delivery to every target. */
export interface ChunkTiming {
  readonly periods: readonly string[];
  /** The chunk's org units, named (a few, then a count). */
  readonly orgUnits: string;
  readonly exportMs: number;
  readonly deliverMs: number;
}

/**
 * A job's chunk timings, folded as chunks finish so a national run keeps a few numbers, not thousands:
 * the totals, the longest, and the slowest few chunks named (where an administrator looks first).
 */
export interface ChunkTimings {
  readonly chunks: number;
  readonly exportMs: number;
  readonly deliverMs: number;
  readonly slowest: readonly ChunkTiming[];
}

const SLOWEST = 5;

export const noTimings = (): ChunkTimings => ({
  chunks: 0,
  exportMs: 0,
  deliverMs: 0,
  slowest: [],
});

const took = (timing: ChunkTiming) => timing.exportMs + timing.deliverMs;

export function addTiming(so: ChunkTimings, timing: ChunkTiming): ChunkTimings {
  return {
    chunks: so.chunks + 1,
    exportMs: so.exportMs + timing.exportMs,
    deliverMs: so.deliverMs + timing.deliverMs,
    slowest: [...so.slowest, timing].sort((a, b) => took(b) - took(a)).slice(0, SLOWEST),
  };
}
