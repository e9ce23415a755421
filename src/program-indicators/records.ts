import { aggregationFallback } from './engine/aggregate.ts';
import type {
  AnalyticsEnrollmentRow,
  AnalyticsEventRow,
  AnalyticsRow,
  CompiledProgramIndicator,
  IndicatorContributions,
  ProgramData,
  RecordValue,
  RelationshipCounter,
  ReportingPeriod,
} from './types.ts';

/**
 * One indicator over tracker records, record by record: which events or enrollments make its value for
 * an org unit subtree and a period, and what each gives. The same rows and rules as `aggregate`, so
 * the records fold back to the value analytics answers.
 */
export function indicatorRecords(
  indicator: CompiledProgramIndicator,
  data: ProgramData,
  scope: {
    /** The org units of the subtree (the org unit and all below it). */
    readonly orgUnits: ReadonlySet<string> | readonly string[];
    readonly period: ReportingPeriod;
    /** The server's clock (`V{current_date}`, `d2:…` of today). */
    readonly today: Date;
    readonly relationshipCount?: RelationshipCounter;
  },
): IndicatorContributions {
  const units = scope.orgUnits instanceof Set ? scope.orgUnits : new Set(scope.orgUnits);
  const rows = indicator.rows(data).filter((row) => {
    const unit = indicator.orgUnitOf(row);
    return unit !== undefined && units.has(unit);
  });
  return indicator.contributions(rows, scope.period, scope.today, scope.relationshipCount);
}

/**
 * How the indicator's aggregation makes its value from the records' own values (given as records,
 * those with the same `distinctKey` count once)
 * (`AbstractJdbcEventAnalyticsManager.getAggregateClause` over the rows, `rowSet.getDouble`: NULL reads
 * 0): SUM (and FIRST/LAST, summed over org units) adds them, COUNT adds each record's count (1, or 0
 * where the expression is NULL), AVERAGE averages the non-null ones, MIN/MAX. Undefined where the
 * value cannot be told from per-record values (CUSTOM, NONE, STDDEV, VARIANCE) or no record counts.
 */
export function foldRecordValues(
  aggregationType: unknown,
  records: readonly (number | null)[] | readonly RecordValue[],
): number | undefined {
  if (records.length === 0) return undefined;
  const values = distinctValues(records);
  const present = values.filter((value): value is number => value !== null);
  switch (aggregationFallback(aggregationType)) {
    case 'SUM':
    case 'COUNT':
    case 'FIRST':
    case 'LAST':
      return present.reduce((sum, value) => sum + value, 0);
    case 'AVERAGE':
    case 'FIRST_AVERAGE_ORG_UNIT':
    case 'LAST_AVERAGE_ORG_UNIT':
      return present.length === 0
        ? 0
        : present.reduce((sum, value) => sum + value, 0) / present.length;
    case 'MIN':
      return present.length === 0 ? 0 : Math.min(...present);
    case 'MAX':
      return present.length === 0 ? 0 : Math.max(...present);
    default:
      return undefined;
  }
}

/** The records' values, once per `distinctKey` where the aggregation counts distinct values. */
function distinctValues(records: readonly (number | null)[] | readonly RecordValue[]) {
  const seen = new Set<string>();
  const values: (number | null)[] = [];
  for (const record of records) {
    if (typeof record === 'number' || record === null) {
      values.push(record);
      continue;
    }
    if (record.distinctKey !== undefined) {
      if (seen.has(record.distinctKey)) continue;
      seen.add(record.distinctKey);
    }
    values.push(record.value);
  }
  return values;
}

/** A value of DHIS2's tracker API (`/api/tracker`, 2.36–2.43), as far as the engine reads it. */
interface TrackerDataValue {
  readonly dataElement?: string;
  readonly value?: string | number | boolean | null;
}
interface TrackerAttribute {
  readonly attribute?: string;
  readonly value?: string | number | boolean | null;
}

/** An event of `GET /api/tracker/events` (2.36–2.43 name these fields alike). */
export interface TrackerEvent {
  readonly event: string;
  readonly program?: string;
  readonly programStage: string;
  readonly enrollment?: string | null;
  readonly trackedEntity?: string | null;
  readonly orgUnit: string;
  readonly occurredAt?: string | null;
  readonly scheduledAt?: string | null;
  readonly status?: string;
  readonly createdAt?: string | null;
  readonly updatedAt?: string | null;
  readonly completedAt?: string | null;
  readonly deleted?: boolean;
  readonly dataValues?: readonly TrackerDataValue[];
}

/** An enrollment of `GET /api/tracker/enrollments`, its tracked entity's attributes included. */
export interface TrackerEnrollment {
  readonly enrollment: string;
  readonly program?: string;
  readonly trackedEntity?: string | null;
  readonly orgUnit: string;
  readonly enrolledAt: string;
  readonly occurredAt?: string | null;
  readonly status?: string;
  readonly updatedAt?: string | null;
  readonly completedAt?: string | null;
  readonly deleted?: boolean;
  readonly attributes?: readonly TrackerAttribute[];
}

/**
 * The tracker API's timestamps (`2026-01-10T08:30:00.000`, sometimes with a zone) as the analytics
 * tables hold them: local date and time, no zone.
 */
const timestamp = (value: string | null | undefined): string | null =>
  value ? value.replace(/(Z|[+-]\d\d:?\d\d)$/, '') : null;

const text = (value: string | number | boolean | null | undefined) =>
  value === null || value === undefined ? undefined : String(value);

/**
 * One program's records from DHIS2's tracker API, shaped as the analytics tables hold them
 * (`AbstractEventJdbcTableManager`, `JdbcEnrollmentAnalyticsTableManager`): events oldest first, each
 * with its enrollment; an event program's events sharing one list. Deleted records and events
 * without a date (scheduled, never done) are left out, as analytics leaves them out.
 */
export function programDataFromTracker(
  program: string,
  records: {
    readonly enrollments: readonly TrackerEnrollment[];
    readonly events: readonly TrackerEvent[];
  },
): ProgramData {
  const enrollments = new Map<string, AnalyticsEnrollmentRow & { events: AnalyticsEventRow[] }>();
  for (const e of records.enrollments) {
    if (e.deleted || (e.program && e.program !== program)) continue;
    const attributes: Record<string, string> = {};
    for (const a of e.attributes ?? []) {
      const value = text(a.value);
      if (a.attribute && value !== undefined) attributes[a.attribute] = value;
    }
    enrollments.set(e.enrollment, {
      kind: 'enrollment',
      id: e.enrollment,
      trackedEntity: e.trackedEntity ?? null,
      program,
      orgUnit: e.orgUnit,
      enrolledAt: timestamp(e.enrolledAt) ?? e.enrolledAt,
      occurredAt: timestamp(e.occurredAt),
      status: e.status ?? 'ACTIVE',
      attributes,
      ...(e.updatedAt ? { lastUpdated: timestamp(e.updatedAt)! } : {}),
      completedAt: timestamp(e.completedAt),
      events: [],
    });
  }
  const shared: AnalyticsEventRow[] = [];
  const events = records.events
    .filter((e) => !e.deleted && e.occurredAt && (!e.program || e.program === program))
    .sort((a, b) => String(a.occurredAt).localeCompare(String(b.occurredAt)))
    .map((e) => {
      const enrollment = e.enrollment ? enrollments.get(e.enrollment) : undefined;
      const dataValues: Record<string, string> = {};
      for (const v of e.dataValues ?? []) {
        const value = text(v.value);
        if (v.dataElement && value !== undefined) dataValues[v.dataElement] = value;
      }
      const row: AnalyticsEventRow = {
        kind: 'event',
        id: e.event,
        enrollment: enrollment ? enrollment.id : null,
        trackedEntity: enrollment?.trackedEntity ?? e.trackedEntity ?? null,
        program,
        programStage: e.programStage,
        orgUnit: e.orgUnit,
        occurredAt: timestamp(e.occurredAt)!,
        status: e.status ?? 'ACTIVE',
        dataValues,
        ...(e.createdAt ? { created: timestamp(e.createdAt)! } : {}),
        ...(e.updatedAt ? { lastUpdated: timestamp(e.updatedAt)! } : {}),
        scheduledAt: timestamp(e.scheduledAt),
        completedAt: timestamp(e.completedAt),
        ...(enrollment ? { enrollmentRow: enrollment } : { sharedEnrollmentEvents: shared }),
      };
      if (enrollment) enrollment.events.push(row);
      else shared.push(row);
      return row;
    });
  return { program, enrollments: [...enrollments.values()], events };
}

/** The UID, date and org unit of a record, for listing it. */
export function recordSummary(row: AnalyticsRow): {
  readonly uid: string;
  readonly kind: 'event' | 'enrollment';
  readonly date: string;
  readonly orgUnit: string;
  readonly programStage: string | undefined;
  readonly enrollment: string | null;
} {
  return row.kind === 'event'
    ? {
        uid: row.id,
        kind: 'event',
        date: row.occurredAt.slice(0, 10),
        orgUnit: row.orgUnit,
        programStage: row.programStage,
        enrollment: row.enrollment,
      }
    : {
        uid: row.id,
        kind: 'enrollment',
        date: row.enrolledAt.slice(0, 10),
        orgUnit: row.orgUnit,
        programStage: undefined,
        enrollment: row.id,
      };
}
