import { T2aError } from '../core/errors.ts';
import type { ImportConflict, ImportResult } from '../core/import-summary.ts';
import { conflictCause } from './conflict-causes.ts';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function readConflict(conflict: Json): ImportConflict {
  const errorCode = typeof conflict.errorCode === 'string' ? conflict.errorCode : undefined;
  const message = String(conflict.value ?? '');
  const indexes = Array.isArray(conflict.indexes) ? conflict.indexes.map(Number) : [];
  return {
    errorCode,
    cause: conflictCause(errorCode, message),
    message,
    objects: isObject(conflict.objects)
      ? Object.fromEntries(
          Object.entries(conflict.objects).map(([key, value]) => [key, String(value)]),
        )
      : conflict.object !== undefined
        ? { object: String(conflict.object) }
        : {},
    count: indexes.length > 0 ? indexes.length : 1,
    indexes,
  };
}

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
    conflicts: conflicts.map(readConflict),
    description: typeof summary.description === 'string' ? summary.description : undefined,
  };
}

/**
 * Reads what `POST /api/dataValueSets` (or `completeDataSetRegistrations`) answered: a bare
 * ImportSummary with 200 (≤2.37, or a versioned path), a WebMessage wrapping it with 409 on WARNING and
 * ERROR (2.38–2.42), or the 2.43 engine's WebMessage with WARNING answered 200. A 409 with a summary is
 * a result, not an error.
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
