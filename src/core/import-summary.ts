/** An import answer of any DHIS2 version, read into one shape (src/dhis2/import-response.ts reads it). */
export interface ImportResult {
  readonly status: 'SUCCESS' | 'WARNING' | 'ERROR';
  readonly counts: ImportCounts;
  readonly conflicts: readonly ImportConflict[];
  readonly description: string | undefined;
}

export interface ImportCounts {
  readonly imported: number;
  readonly updated: number;
  readonly ignored: number;
  readonly deleted: number;
}

export interface ImportConflict {
  /** E7610 and friends (2.37+); undefined on 2.36, whose conflicts are `{object, value}` only. */
  readonly errorCode: string | undefined;
  /** Why, in t2a's words (core/issues.ts): the DHIS2 client reads it from the code or the message. */
  readonly cause: string;
  readonly message: string;
  /** What the conflict names: `{dataElement: "X"}` (2.37–2.42), `{args: "a-b"}` (2.43), `{object: "X"}` (2.36). */
  readonly objects: Readonly<Record<string, string>>;
  /** How many values it concerns (its `indexes`, grouped by DHIS2 since 2.37). */
  readonly count: number;
  /** Positions in the request of the values it concerns; empty when DHIS2 does not say (2.36). */
  readonly indexes: readonly number[];
}

export const emptyCounts = (): ImportCounts => ({
  imported: 0,
  updated: 0,
  ignored: 0,
  deleted: 0,
});

export function addCounts(a: ImportCounts, b: ImportCounts): ImportCounts {
  return {
    imported: a.imported + b.imported,
    updated: a.updated + b.updated,
    ignored: a.ignored + b.ignored,
    deleted: a.deleted + b.deleted,
  };
}

/**
 * The values of a request that the target took, when its answer says which: an ERROR took nothing for
 * sure only on some engines, and a conflict without indexes (2.36) names no value; both leave it unknown.
 */
export function takenValues<T>(values: readonly T[], result: ImportResult): T[] | undefined {
  if (result.status === 'ERROR') return undefined;
  if (result.conflicts.some((conflict) => conflict.indexes.length === 0)) return undefined;
  const refused = new Set(result.conflicts.flatMap((conflict) => conflict.indexes));
  return values.filter((_value, index) => !refused.has(index));
}
