/** One unit of work: a request to analytics and the imports that follow it. */
export interface Chunk {
  readonly index: number;
  readonly periods: readonly string[];
  readonly orgUnits: readonly string[];
}

export interface ChunkSize {
  readonly periods: number;
  readonly orgUnits: number;
}

/**
 * Splits periods × org units into chunks. Analytics time grows with org units × periods × indicators;
 * DHIS2's typical proxy timeouts are 60–120 s, so the default (1 period × 100 facilities, as
 * integration-t2a's `org.unit.batch.size`) keeps one national request well under them.
 */
export const DEFAULT_CHUNK_SIZE: ChunkSize = { periods: 1, orgUnits: 100 };

export function planChunks(
  periods: readonly string[],
  orgUnits: readonly string[],
  size: ChunkSize = DEFAULT_CHUNK_SIZE,
): Chunk[] {
  const chunks: Chunk[] = [];
  for (let p = 0; p < periods.length; p += Math.max(1, size.periods)) {
    for (let o = 0; o < orgUnits.length; o += Math.max(1, size.orgUnits)) {
      chunks.push({
        index: chunks.length,
        periods: periods.slice(p, p + Math.max(1, size.periods)),
        orgUnits: orgUnits.slice(o, o + Math.max(1, size.orgUnits)),
      });
    }
  }
  return chunks;
}
