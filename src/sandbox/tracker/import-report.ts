import { atLeast, type Dhis2Version } from '../version.ts';
import type { TrackerError, TrackerType } from './tracker-errors.ts';
import type { TrackerOutcome, TypeOutcome } from './tracker-import.ts';

/**
 * The import report as each version serialises it (null fields left out, `JacksonObjectMapperConfig`
 * NON_NULL):
 * - 2.36–2.39 `TrackerImportReport` (TRK report @2.36.13 L59-L95): `bundleReport` is
 *   `{status, typeReportMap, stats}`, object reports carry their `index`;
 * - 2.40 `ImportReport` (TRK report @2.40.12 L67-L89): same JSON, `bundleReport` is the
 *   `PersistenceReport` `{typeReportMap, empty}`;
 * - 2.41+ `ImportReport` (@2.41.9 L67-L86; @2.43.1 L69-L88): no `timingsStats`, object reports without
 *   `index`, errors with `args`.
 * `reportMode` (`buildImportReport`, `DefaultTrackerImportService`): ERRORS (default) drops the
 * warnings — left out up to 2.37, an empty list from 2.38 — and only FULL carries `timingsStats`.
 */
export type ReportMode = 'ERRORS' | 'WARNINGS' | 'FULL';

const TYPES: readonly TrackerType[] = ['TRACKED_ENTITY', 'ENROLLMENT', 'EVENT', 'RELATIONSHIP'];

export function renderImportReport(
  version: Dhis2Version,
  outcome: TrackerOutcome,
  reportMode: ReportMode,
): Record<string, unknown> {
  const { committed } = outcome;
  const report: Record<string, unknown> = {
    status: committed ? 'OK' : 'ERROR',
    validationReport: validationReport(version, outcome, reportMode),
    stats: committed ? overallStats(outcome, committed) : stats(0, 0, 0, outcome.bundleSize),
  };
  if (reportMode === 'FULL' && !atLeast(version, 41)) report.timingsStats = timingsStats();
  if (committed) report.bundleReport = bundleReport(version, outcome, committed);
  return report;
}

/** The HTTP status of a synchronous import: 409 when the report's status is ERROR, else 200. */
export function reportHttpStatus(outcome: TrackerOutcome): 200 | 409 {
  return outcome.committed ? 200 : 409;
}

export function parseReportMode(value: string | undefined): ReportMode {
  const mode = (value ?? 'ERRORS').toUpperCase();
  return mode === 'FULL' || mode === 'WARNINGS' ? mode : 'ERRORS';
}

function validationReport(version: Dhis2Version, outcome: TrackerOutcome, mode: ReportMode) {
  const render = (error: TrackerError) => ({
    message: error.message,
    errorCode: error.errorCode,
    trackerType: error.trackerType,
    uid: error.uid,
    ...(atLeast(version, 41) ? { args: error.args } : {}),
  });
  const report: Record<string, unknown> = { errorReports: outcome.errors.map(render) };
  if (mode !== 'ERRORS') report.warningReports = outcome.warnings.map(render);
  else if (atLeast(version, 38)) report.warningReports = [];
  return report;
}

function stats(created: number, updated: number, deleted: number, ignored: number) {
  return { created, updated, deleted, ignored, total: created + updated + deleted + ignored };
}

/** `withImportCompleted`: the persisted counts; ignored = the validation errors + what the persisters skipped. */
function overallStats(outcome: TrackerOutcome, committed: Record<TrackerType, TypeOutcome>) {
  const sum = (key: 'created' | 'updated' | 'deleted' | 'ignored') =>
    TYPES.reduce((total, type) => total + committed[type][key], 0);
  return stats(
    sum('created'),
    sum('updated'),
    sum('deleted'),
    outcome.errors.length + sum('ignored'),
  );
}

/** `processBundleReport`: a type's ignored = its objects in the payload less those persisted. */
function typeReport(version: Dhis2Version, type: TrackerType, size: number, outcome: TypeOutcome) {
  const done = outcome.created + outcome.updated + outcome.deleted;
  return {
    trackerType: type,
    stats: stats(outcome.created, outcome.updated, outcome.deleted, size - done),
    objectReports: outcome.objects.map(({ uid, index }) => ({
      trackerType: type,
      uid,
      ...(atLeast(version, 41) ? {} : { index }),
      errorReports: [],
    })),
  };
}

function bundleReport(
  version: Dhis2Version,
  outcome: TrackerOutcome,
  committed: Record<TrackerType, TypeOutcome>,
) {
  const typeReportMap = Object.fromEntries(
    TYPES.map((type) => [type, typeReport(version, type, outcome.sizes[type], committed[type])]),
  );
  if (atLeast(version, 41)) return { typeReportMap };
  // PersistenceReport.isEmpty (READ_ONLY property): every type report without error reports
  // (TrackerTypeReport.isEmpty @2.40.12 L83-L85), which the persisted objects never carry.
  if (atLeast(version, 40)) return { typeReportMap, empty: true };
  const totals = Object.values(typeReportMap).map((report) => report.stats);
  const sum = (key: 'created' | 'updated' | 'deleted' | 'ignored') =>
    totals.reduce((total, s) => total + s[key], 0);
  return {
    status: 'OK',
    typeReportMap,
    stats: stats(sum('created'), sum('updated'), sum('deleted'), sum('ignored')),
  };
}

/** `TrackerTimingsStats`: DHIS2's timers by stage, as it prints them. */
function timingsStats() {
  const timers = ['preheat', 'preprocess', 'validation', 'programrule', 'commit', 'totalImport'];
  return { timers: Object.fromEntries(timers.map((name) => [name, '0.0 sec.'])) };
}
