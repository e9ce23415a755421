import { T2aError } from './errors.ts';

/** An import answer of any DHIS2 version, read into one shape. */
export interface ImportResult {
  readonly status: 'SUCCESS' | 'WARNING' | 'ERROR';
  readonly counts: ImportCounts;
  readonly conflicts: readonly ImportConflict[];
  readonly description: string | undefined;
}

export interface ImportCounts {
  imported: number;
  updated: number;
  ignored: number;
  deleted: number;
}

export interface ImportConflict {
  /** E7610 and friends (2.37+); undefined on 2.36, whose conflicts are `{object, value}` only. */
  readonly errorCode: string | undefined;
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

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function readSummary(summary: Json): ImportResult {
  const count = isObject(summary.importCount) ? summary.importCount : {};
  const conflicts = Array.isArray(summary.conflicts) ? summary.conflicts.filter(isObject) : [];
  const status = String(summary.status ?? 'ERROR').toUpperCase();
  return {
    status:
      status === 'SUCCESS' || status === 'OK'
        ? 'SUCCESS'
        : status === 'WARNING'
          ? 'WARNING'
          : 'ERROR',
    counts: {
      imported: Number(count.imported ?? 0),
      updated: Number(count.updated ?? 0),
      ignored: Number(count.ignored ?? 0),
      deleted: Number(count.deleted ?? 0),
    },
    conflicts: conflicts.map((conflict) => ({
      errorCode: typeof conflict.errorCode === 'string' ? conflict.errorCode : undefined,
      message: String(conflict.value ?? ''),
      objects: isObject(conflict.objects)
        ? Object.fromEntries(
            Object.entries(conflict.objects).map(([key, value]) => [key, String(value)]),
          )
        : conflict.object !== undefined
          ? { object: String(conflict.object) }
          : {},
      count:
        Array.isArray(conflict.indexes) && conflict.indexes.length > 0
          ? conflict.indexes.length
          : 1,
      indexes: Array.isArray(conflict.indexes) ? conflict.indexes.map(Number) : [],
    })),
    description: typeof summary.description === 'string' ? summary.description : undefined,
  };
}

/**
 * Reads what `POST /api/dataValueSets` answered: a bare ImportSummary with 200 (≤2.37, or a versioned
 * path), a WebMessage wrapping it with 409 on WARNING and ERROR (2.38–2.42), or the 2.43 engine's
 * WebMessage with WARNING answered 200. A 409 with a summary is a result, not an error.
 */
export function readImportResponse(httpStatus: number, body: unknown): ImportResult {
  if (isObject(body) && body.responseType === 'ImportSummary') return readSummary(body);
  if (isObject(body) && isObject(body.response) && body.response.responseType === 'ImportSummary') {
    return readSummary(body.response);
  }
  // Without responseType (some 2.36 builds) a summary still has importCount.
  if (isObject(body) && isObject(body.importCount)) return readSummary(body);
  const message = isObject(body) && typeof body.message === 'string' ? body.message : undefined;
  throw new T2aError(
    'dhis2',
    `The target answered the import with HTTP ${httpStatus} and no import summary${message ? `: ${message}` : ''}.`,
    {
      fix: 'Check the target server log; the values of this chunk were not confirmed as imported.',
      details: body,
    },
  );
}
