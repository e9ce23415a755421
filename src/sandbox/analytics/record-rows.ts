import type {
  AnalyticsEnrollmentRow,
  AnalyticsEventRow,
  AnalyticsRow,
  ProgramData,
  ReportingPeriod,
} from '../../program-indicators/types.ts';
import type { SandboxContext } from '../context.ts';
import { analyticsTableExists } from './analytics-tables.ts';
import { programData } from './program-data.ts';
import { missingTableError } from './query-failures.ts';
import type { DateColumn, IndicatorItem, ItemFilter, RecordQuery } from './record-query.ts';

/** One row of the query: an event (event query) or an enrollment, and each item's value. */
export interface ListedRecord {
  readonly row: AnalyticsEventRow | AnalyticsEnrollmentRow;
  readonly values: readonly (number | null)[];
}

/**
 * The query's rows (`JdbcEventAnalyticsManager`/`JdbcEnrollmentAnalyticsManager.getWhereClause`,
 * 2.36.0–2.43.1), read from the analytics tables of the last run: the programme's events (of `stage`
 * when given) or enrollments with a date within one of the query's ranges;
 * in the org units by `ouMode` (DESCENDANTS: their subtrees; SELECTED: themselves; CHILDREN: their
 * children); each item's value as its sub-query gives it; the items' filters applied.
 */
export function listRecords(ctx: SandboxContext, query: RecordQuery): ListedRecord[] {
  const program = query.program.id;
  const type = query.endpoint === 'events' ? 'EVENT' : 'ENROLLMENT';
  // The query reads `analytics_event_<program>` (`analytics_enrollment_<program>`): 42P01 without it.
  if (!analyticsTableExists(ctx, type, program))
    throw missingTableError(ctx, { id: program, analyticsType: type, program: { id: program } });
  const data = programData(ctx, program);
  const units = orgUnitsOf(ctx, query);
  const dated = (row: AnalyticsEventRow | AnalyticsEnrollmentRow) =>
    query.ranges.some((range) => {
      const day = dateOf(row, range.column)?.slice(0, 10);
      return day !== undefined && day >= range.startDate && day <= range.endDate;
    });
  const rows: (AnalyticsEventRow | AnalyticsEnrollmentRow)[] =
    query.endpoint === 'events'
      ? data.events.filter(
          (e) =>
            units.has(e.orgUnit) && dated(e) && (!query.stage || e.programStage === query.stage.id),
        )
      : data.enrollments.filter((e) => units.has(e.orgUnit) && dated(e));
  const period: ReportingPeriod = {
    id: `${query.startDate}_${query.endDate}`,
    periodType: 'Daily',
    startDate: query.startDate,
    endDate: query.endDate,
  };
  const listed = rows.map((row) => ({
    row,
    values: query.items.map((item) => itemValue(item, row, data, period, ctx.clock.now())),
  }));
  return listed.filter((record) =>
    query.items.every((item, i) => item.filters.every((f) => holds(f, record.values[i]!))),
  );
}

/** A row's date in a column of the event or enrollment table. */
function dateOf(
  row: AnalyticsEventRow | AnalyticsEnrollmentRow,
  column: DateColumn,
): string | null | undefined {
  const enrollment = row.kind === 'enrollment' ? row : row.enrollmentRow;
  const event = row.kind === 'event' ? row : undefined;
  switch (column) {
    case 'eventdate':
      return event?.occurredAt;
    case 'enrollmentdate':
      return enrollment?.enrolledAt;
    case 'incidentdate':
      return enrollment?.occurredAt;
    case 'scheduleddate':
      return event?.scheduledAt;
    case 'lastupdated':
      return row.lastUpdated;
    case 'created':
      return event?.created;
    case 'completed':
      return row.completedAt;
  }
}

function orgUnitsOf(ctx: SandboxContext, query: RecordQuery): Set<string> {
  if (query.ouMode === 'SELECTED') return new Set(query.orgUnits);
  if (query.ouMode === 'CHILDREN')
    return new Set(
      query.orgUnits.flatMap((unit) =>
        ctx.orgUnits
          .subtree(unit)
          .filter((id) => ctx.orgUnits.level(id) === (ctx.orgUnits.level(unit) ?? 0) + 1),
      ),
    );
  return new Set(query.orgUnits.flatMap((unit) => ctx.orgUnits.subtree(unit)));
}

/**
 * `DefaultProgramIndicatorSubqueryBuilder.getWhere` (2.36.0–2.43.1): an EVENT indicator in the event
 * query aggregates the same event (`psi = ax.psi`); in the enrollment query every indicator aggregates
 * the same enrollment's rows (`pi = ax.pi`: an EVENT indicator over the enrollment's events); an
 * ENROLLMENT indicator in the event query has no join at all and aggregates the whole enrollment
 * table (2.37+; 2.36 writes an empty `WHERE`, which the sandbox does not model).
 */
function itemValue(
  item: IndicatorItem,
  row: AnalyticsEventRow | AnalyticsEnrollmentRow,
  data: ProgramData,
  period: ReportingPeriod,
  today: Date,
): number | null {
  const pi = item.compiled;
  let rows: readonly AnalyticsRow[];
  if (row.kind === 'event') rows = pi.analyticsType === 'EVENT' ? [row] : data.enrollments;
  else rows = pi.analyticsType === 'EVENT' ? row.events : [row];
  return pi.valueOver(rows, period, today, data.relationshipCount);
}

/** `QueryFilter.getSqlFilter`: a comparison with NULL holds for nothing; `NV` tests for NULL. */
function holds(filter: ItemFilter, value: number | null): boolean {
  if (filter.value === null)
    return filter.operator === 'EQ' ? value === null : filter.operator === 'NE' && value !== null;
  if (value === null) return false;
  switch (filter.operator) {
    case 'EQ':
      return value === filter.value;
    case 'NE':
      return value !== filter.value;
    case 'GT':
      return value > filter.value;
    case 'GE':
      return value >= filter.value;
    case 'LT':
      return value < filter.value;
    case 'LE':
      return value <= filter.value;
  }
}
