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
import type { IndicatorItem, ItemFilter, RecordQuery } from './record-query.ts';

/** One row of the query: an event (event query) or an enrollment, and each item's value. */
export interface ListedRecord {
  readonly row: AnalyticsEventRow | AnalyticsEnrollmentRow;
  readonly values: readonly (number | null)[];
}

/**
 * The query's rows (`JdbcEventAnalyticsManager`/`JdbcEnrollmentAnalyticsManager.getWhereClause`,
 * 2.36.0–2.43.1), read from the analytics tables of the last run: the programme's events (of `stage`
 * when given) whose event date, or enrollments whose enrollment date, falls within the query's dates;
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
  const within = (date: string) => {
    const day = date.slice(0, 10);
    return day >= query.startDate && day <= query.endDate;
  };
  const rows: (AnalyticsEventRow | AnalyticsEnrollmentRow)[] =
    query.endpoint === 'events'
      ? data.events.filter(
          (e) =>
            units.has(e.orgUnit) &&
            within(e.occurredAt) &&
            (!query.stage || e.programStage === query.stage.id),
        )
      : data.enrollments.filter((e) => units.has(e.orgUnit) && within(e.enrolledAt));
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
