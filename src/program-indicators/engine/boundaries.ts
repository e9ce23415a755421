import type {
  AnalyticsEnrollmentRow,
  AnalyticsEventRow,
  AnalyticsRow,
  ReportingPeriod,
} from '../types.ts';

/**
 * Analytics period boundaries (`AnalyticsPeriodBoundary.java`): which rows fall in a reporting period.
 * A boundary compares a date of the row (event date, enrollment date, a stage's event date, a data
 * element's date) with the start or end of the period, optionally shifted by N periods of a type
 * (cohort indicators: "enrolled 3 quarters before the reporting period").
 */
export interface Boundary {
  readonly type:
    | 'BEFORE_START_OF_REPORTING_PERIOD'
    | 'BEFORE_END_OF_REPORTING_PERIOD'
    | 'AFTER_START_OF_REPORTING_PERIOD'
    | 'AFTER_END_OF_REPORTING_PERIOD';
  readonly target: string;
  readonly offsetPeriods: number;
  readonly offsetPeriodType: string | undefined;
}

const BOUNDARY_TYPES = new Set([
  'BEFORE_START_OF_REPORTING_PERIOD',
  'BEFORE_END_OF_REPORTING_PERIOD',
  'AFTER_START_OF_REPORTING_PERIOD',
  'AFTER_END_OF_REPORTING_PERIOD',
]);
const MONTHS_IN: Record<string, number> = {
  Monthly: 1,
  BiMonthly: 2,
  Quarterly: 3,
  QuarterlyNov: 3,
  SixMonthly: 6,
  SixMonthlyApril: 6,
  SixMonthlyNov: 6,
  Yearly: 12,
  FinancialApril: 12,
  FinancialJuly: 12,
  FinancialOct: 12,
  FinancialNov: 12,
};
const DAYS_IN: Record<string, number> = {
  Daily: 1,
  Weekly: 7,
  WeeklyWednesday: 7,
  WeeklyThursday: 7,
  WeeklySaturday: 7,
  WeeklySunday: 7,
  BiWeekly: 14,
};

export function readBoundary(raw: Record<string, unknown>): Boundary | string {
  const type = String(raw.analyticsPeriodBoundaryType ?? '');
  if (!BOUNDARY_TYPES.has(type)) return `boundary type "${type}" is unknown`;
  const offsetType = typeof raw.offsetPeriodType === 'string' ? raw.offsetPeriodType : undefined;
  const offset = typeof raw.offsetPeriods === 'number' ? raw.offsetPeriods : 0;
  if (offset !== 0 && (!offsetType || (!(offsetType in MONTHS_IN) && !(offsetType in DAYS_IN))))
    return `boundary offset period type "${offsetType}" is not supported`;
  return {
    type: type as Boundary['type'],
    target: String(raw.boundaryTarget ?? 'EVENT_DATE'),
    offsetPeriods: offset,
    offsetPeriodType: offsetType,
  };
}

/** Shifts an ISO date by N periods of a type, as Java's Calendar.add does (month ends clamp). */
export function shiftDate(date: string, periods: number, periodType: string | undefined): string {
  if (periods === 0 || !periodType) return date;
  const d = new Date(`${date.slice(0, 10)}T00:00:00Z`);
  const days = DAYS_IN[periodType];
  if (days !== undefined) {
    d.setUTCDate(d.getUTCDate() + periods * days);
    return d.toISOString().slice(0, 10);
  }
  const months = periods * (MONTHS_IN[periodType] ?? 1);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d.toISOString().slice(0, 10);
}

/** The dates of a row a boundary target names; an event PI row has one, an enrollment row may have several. */
export type DatesOf = (row: AnalyticsRow, target: string, period: ReportingPeriod) => string[];

const isStart = (boundary: Boundary) =>
  boundary.type === 'AFTER_START_OF_REPORTING_PERIOD' ||
  boundary.type === 'AFTER_END_OF_REPORTING_PERIOD';

/**
 * `AnalyticsPeriodBoundary.getBoundaryDate`: the period's start for the *_START types, the day after its
 * end for the *_END types, then shifted by the offset.
 */
export function boundaryDate(boundary: Boundary, period: ReportingPeriod): string {
  const base =
    boundary.type === 'AFTER_START_OF_REPORTING_PERIOD' ||
    boundary.type === 'BEFORE_START_OF_REPORTING_PERIOD'
      ? period.startDate
      : addDay(period.endDate);
  return shiftDate(base, boundary.offsetPeriods, boundary.offsetPeriodType);
}

function addDay(date: string): string {
  const d = new Date(`${date.slice(0, 10)}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** `getBoundaryCondition`: start boundaries (AFTER_*) `>=` their date, end boundaries (BEFORE_*) `<`. */
export function holds(boundary: Boundary, date: string, period: ReportingPeriod): boolean {
  const day = date.slice(0, 10);
  const limit = boundaryDate(boundary, period);
  return isStart(boundary) ? day >= limit : day < limit;
}

/** The event window an indicator's first EVENT_DATE start and end boundaries make (`getStart/EndEventBoundary`). */
export interface EventWindow {
  readonly from?: string | undefined;
  readonly before?: string | undefined;
}

export function eventWindow(boundaries: readonly Boundary[], period: ReportingPeriod): EventWindow {
  const start = boundaries.find((b) => b.target === 'EVENT_DATE' && isStart(b));
  const end = boundaries.find((b) => b.target === 'EVENT_DATE' && !isStart(b));
  return {
    from: start ? boundaryDate(start, period) : undefined,
    before: end ? boundaryDate(end, period) : undefined,
  };
}

export function inWindow(date: string, window: EventWindow): boolean {
  const day = date.slice(0, 10);
  return (!window.from || day >= window.from) && (!window.before || day < window.before);
}

/**
 * True when the row lies within every boundary. Boundaries on the same target must hold for the same
 * date (an event between start and end), so they are checked together per candidate date.
 */
export function withinBoundaries(
  row: AnalyticsRow,
  boundaries: readonly Boundary[],
  period: ReportingPeriod,
  datesOf: DatesOf,
): boolean {
  const byTarget = new Map<string, Boundary[]>();
  for (const boundary of boundaries)
    byTarget.set(boundary.target, [...(byTarget.get(boundary.target) ?? []), boundary]);
  for (const [target, group] of byTarget) {
    if (
      !datesOf(row, target, period).some((date) =>
        group.every((boundary) => holds(boundary, date, period)),
      )
    )
      return false;
  }
  return true;
}

/** Without boundaries DHIS2 takes events by event date, enrollments by enrollment date, within the period. */
export function defaultBoundaries(analyticsType: 'EVENT' | 'ENROLLMENT'): Boundary[] {
  const target = analyticsType === 'EVENT' ? 'EVENT_DATE' : 'ENROLLMENT_DATE';
  return [
    {
      type: 'AFTER_START_OF_REPORTING_PERIOD',
      target,
      offsetPeriods: 0,
      offsetPeriodType: undefined,
    },
    {
      type: 'BEFORE_END_OF_REPORTING_PERIOD',
      target,
      offsetPeriods: 0,
      offsetPeriodType: undefined,
    },
  ];
}

export function enrollmentOf(row: AnalyticsRow): AnalyticsEnrollmentRow | undefined {
  return row.kind === 'enrollment' ? row : row.enrollmentRow;
}

/** The latest event of a stage in an enrollment, up to a date. */
export function latestEvent(
  enrollment: AnalyticsEnrollmentRow | undefined,
  stage: string,
  until?: string,
): AnalyticsEventRow | undefined {
  let latest: AnalyticsEventRow | undefined;
  for (const event of enrollment?.events ?? []) {
    if (event.programStage !== stage) continue;
    if (until && event.occurredAt.slice(0, 10) > until) continue;
    if (!latest || event.occurredAt > latest.occurredAt) latest = event;
  }
  return latest;
}
