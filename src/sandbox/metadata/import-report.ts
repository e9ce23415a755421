import { webMessage } from '../http/web-message.ts';
import { atLeast, type Dhis2Version } from '../version.ts';
import type { ErrorReportJson } from './error-report.ts';

/**
 * The metadata import's answer (`ImportReport`, `TypeReport`, `ObjectReport`, `Stats`): per type, what
 * was created, updated or ignored, and per refused object its error reports. Every check that refuses
 * an object counts it once more as ignored (`ObjectValidationCheck`, 2.36 `ValidationUtils
 * .addObjectReports`), and an import that is refused as a whole (atomicMode ALL) moves its created
 * and updated counts to ignored (`TypeReport.ignoreAll`, 2.36 `Stats.ignored`).
 */
export interface Stats {
  created: number;
  updated: number;
  deleted: number;
  ignored: number;
  total: number;
}

export interface ObjectReportJson {
  klass: string;
  index: number;
  uid: string;
  displayName?: string;
  errorReports: ErrorReportJson[];
}

export interface TypeReportJson {
  klass: string;
  stats: Stats;
  objectReports: ObjectReportJson[];
}

export type ImportStatus = 'OK' | 'WARNING' | 'ERROR';

export interface ImportReportJson {
  status: ImportStatus;
  stats: Stats;
  typeReports: TypeReportJson[];
}

export const emptyStats = (): Stats => ({
  created: 0,
  updated: 0,
  deleted: 0,
  ignored: 0,
  total: 0,
});

export function withTotal(stats: Stats): Stats {
  return { ...stats, total: stats.created + stats.updated + stats.deleted + stats.ignored };
}

export function sumStats(reports: readonly TypeReportJson[]): Stats {
  const sum = emptyStats();
  for (const { stats } of reports) {
    sum.created += stats.created;
    sum.updated += stats.updated;
    sum.deleted += stats.deleted;
    sum.ignored += stats.ignored;
  }
  return withTotal(sum);
}

/** `TypeReport.ignoreAll`: nothing created or updated, everything ignored. */
export function ignoreAll(report: TypeReportJson): TypeReportJson {
  const { created, updated, deleted, ignored } = report.stats;
  const stats = { ...emptyStats(), ignored: created + updated + deleted + ignored };
  return { ...report, stats: withTotal(stats) };
}

/**
 * The body of `POST /api/metadata`: the bare report up to 2.37, and through 2.41 for a path versioned
 * below 38 (`withPlainResponseBefore(V38)`, 2.37 `MetadataImportExportController.java:144`; 2.36 writes
 * the `ImportReport` itself, without `responseType`); a WebMessage from 2.38, 409 and WARNING when the
 * report is not OK (`WebMessageUtils.importReport`, 2.43 :196-203).
 */
export function renderImportReport(
  version: Dhis2Version,
  apiVersion: number | undefined,
  report: ImportReportJson,
): { status: 200 | 409; body: Record<string, unknown> } {
  const response = { responseType: 'ImportReport', ...report };
  if (!atLeast(version, 37)) return { status: 200, body: { ...report } };
  const plain =
    !atLeast(version, 38) || (apiVersion !== undefined && apiVersion < 38 && !atLeast(version, 42));
  if (plain) return { status: 200, body: response };
  if (report.status === 'OK')
    return { status: 200, body: { ...webMessage(200, 'OK', undefined, { response }) } };
  return {
    status: 409,
    body: {
      ...webMessage(
        409,
        'WARNING',
        'One or more errors occurred, please see full details in import report.',
        { response },
      ),
    },
  };
}
