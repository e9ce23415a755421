import { T2aError } from '../core/errors.ts';
import type { Dhis2Client } from './client.ts';

/*
 * `POST /api/metadata` and what it answers (`MetadataImportExportController`, `ImportReport`): the bare
 * report up to 2.37 (200 whatever its status; 2.36 without `responseType`), a WebMessage around it from
 * 2.38 (409 and WARNING when the report is not OK; `WebMessageUtils.importReport`). Per type a report
 * with its stats and, per refused object, DHIS2's error reports.
 */

export interface MetadataStats {
  readonly created: number;
  readonly updated: number;
  readonly deleted: number;
  readonly ignored: number;
  readonly total: number;
}

export interface MetadataError {
  /** The object's class as DHIS2 names it (`org.hisp.dhis.program.ProgramIndicator`). */
  readonly klass: string;
  readonly uid: string | undefined;
  readonly errorCode: string | undefined;
  readonly message: string;
}

export interface MetadataImportReport {
  readonly status: 'OK' | 'WARNING' | 'ERROR';
  readonly stats: MetadataStats;
  /** Per type (its class): what was created, updated, deleted and ignored. */
  readonly types: readonly { readonly klass: string; readonly stats: MetadataStats }[];
  readonly errors: readonly MetadataError[];
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function readStats(stats: unknown): MetadataStats {
  const s = isObject(stats) ? stats : {};
  const n = (key: string) => Number(s[key] ?? 0);
  return {
    created: n('created'),
    updated: n('updated'),
    deleted: n('deleted'),
    ignored: n('ignored'),
    total: n('total'),
  };
}

/** Type reports are a list in JSON; some builds write a map by class. */
const listOf = (value: unknown): Json[] =>
  (Array.isArray(value) ? value : isObject(value) ? Object.values(value) : []).filter(isObject);

function readReport(report: Json): MetadataImportReport {
  const types = listOf(report.typeReports);
  const errors = types.flatMap((type) =>
    listOf(type.objectReports).flatMap((object) =>
      listOf(object.errorReports).map((error) => ({
        klass: String(error.mainKlass ?? type.klass ?? ''),
        uid: typeof object.uid === 'string' ? object.uid : undefined,
        errorCode: typeof error.errorCode === 'string' ? error.errorCode : undefined,
        message: String(error.message ?? ''),
      })),
    ),
  );
  const status = String(report.status ?? 'ERROR').toUpperCase();
  return {
    status: status === 'OK' ? 'OK' : status === 'WARNING' ? 'WARNING' : 'ERROR',
    stats: readStats(report.stats),
    types: types.map((type) => ({ klass: String(type.klass ?? ''), stats: readStats(type.stats) })),
    errors,
  };
}

/** The import report in whichever envelope the version wraps it. */
export function readMetadataImport(httpStatus: number, body: unknown): MetadataImportReport {
  if (isObject(body) && isObject(body.response) && body.response.responseType === 'ImportReport')
    return readReport(body.response);
  if (isObject(body) && (body.responseType === 'ImportReport' || 'typeReports' in body))
    return readReport(body);
  const message = isObject(body) && typeof body.message === 'string' ? body.message : undefined;
  throw new T2aError(
    'dhis2',
    `The source answered the metadata import with HTTP ${httpStatus} and no import report${message ? `: ${message}` : ''}.`,
    { fix: 'Check the source server’s log; nothing may have been written.', details: body },
  );
}

/**
 * One metadata import. `atomicMode=ALL`: one refused object and nothing is written (the default of
 * `MetadataImportParams` 2.36–2.43, said so that a server configured otherwise still does it). One
 * import has one `importStrategy`: objects are created and updated by one import, removed by another
 * (`DELETE`: the objects named by UID, each refused E5001 if missing, E3002 without the right to).
 */
export async function importMetadata(
  client: Dhis2Client,
  payload: Json,
  importStrategy: 'CREATE_AND_UPDATE' | 'DELETE' = 'CREATE_AND_UPDATE',
): Promise<MetadataImportReport> {
  const response = await client.post(
    'metadata',
    { atomicMode: 'ALL', importStrategy, importReportMode: 'ERRORS' },
    payload,
    { acceptConflict: true },
  );
  return readMetadataImport(response.status, response.body);
}
