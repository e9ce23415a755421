import type { AnalyticsEventRow, AnalyticsRow } from '../types.ts';
import { eventDates } from './columns.ts';
import { type AggregateName, aggregate } from './sql-aggregates.ts';
import { type Expr, isNumeric, pgName, SandboxGap, SqlStaticError } from './sql-types.ts';

/**
 * How the analytics query aggregates an indicator's expression per org unit and period
 * (`AbstractJdbcEventAnalyticsManager.getAggregateClause`, `ProgramIndicator.getAggregationTypeFallback`,
 * `AnalyticsAggregationType.fromAggregationType`):
 * - none or DEFAULT → AVERAGE; AVERAGE_SUM_ORG_UNIT, LAST_IN_PERIOD, MAX/MIN_SUM_ORG_UNIT → SUM;
 *   LAST_IN_PERIOD_AVERAGE_ORG_UNIT → AVERAGE; then `avg|sum|count|min|max|stddev|variance(expr)`;
 * - CUSTOM and NONE: the expression as it is, which must aggregate itself (`count(#{…})`);
 * - FIRST, LAST (sum over org units) and *_AVERAGE_ORG_UNIT (average): for EVENT indicators the first
 *   or last event per org unit in the period by event date, then created
 *   (`JdbcEventAnalyticsManager.getFirstOrLastValueSubquerySql`, `pe_rank = 1`), the filter applied to
 *   that event only; for ENROLLMENT ones just the sum or average;
 * - FIRST_FIRST_ORG_UNIT, LAST_LAST_ORG_UNIT: `first(…)`/`last(…)`, which PostgreSQL does not have.
 */
export function aggregationFallback(type: unknown): string {
  switch (type) {
    case undefined:
    case null:
    case 'DEFAULT':
    case 'LAST_IN_PERIOD_AVERAGE_ORG_UNIT':
      return 'AVERAGE';
    case 'AVERAGE_SUM_ORG_UNIT':
    case 'LAST_IN_PERIOD':
    case 'MAX_SUM_ORG_UNIT':
    case 'MIN_SUM_ORG_UNIT':
      return 'SUM';
    default:
      return String(type);
  }
}

const FUNCTIONS: Record<string, AggregateName> = {
  AVERAGE: 'avg',
  SUM: 'sum',
  COUNT: 'count',
  MIN: 'min',
  MAX: 'max',
  STDDEV: 'stddev',
  VARIANCE: 'variance',
  FIRST: 'sum',
  LAST: 'sum',
  FIRST_AVERAGE_ORG_UNIT: 'avg',
  LAST_AVERAGE_ORG_UNIT: 'avg',
};

export interface Aggregation {
  /** The SELECT's value over the group's rows. */
  readonly select: Expr;
  /** FIRST/LAST of EVENT indicators: which event per org unit takes part. */
  readonly ranking?: 'first' | 'last';
}

export function aggregation(
  expression: Expr,
  fallback: string,
  analyticsType: 'EVENT' | 'ENROLLMENT',
): Aggregation {
  if (fallback === 'CUSTOM' || fallback === 'NONE') {
    if (expression.level === 'row' || expression.level === 'mixed')
      throw new SqlStaticError(
        '42803',
        `column "ax.${expression.column ?? 'value'}" must appear in the GROUP BY clause or be used in an aggregate function`,
      );
    return { select: expression };
  }
  if (fallback === 'FIRST_FIRST_ORG_UNIT' || fallback === 'LAST_LAST_ORG_UNIT') {
    const name = fallback.startsWith('FIRST') ? 'first' : 'last';
    throw new SqlStaticError(
      '42883',
      `function ${name}(${pgName(expression.type)}) does not exist`,
    );
  }
  const name = FUNCTIONS[fallback];
  if (!name) throw new SandboxGap(`aggregation type ${fallback}`);
  const ranked = analyticsType === 'EVENT' && /^(FIRST|LAST)/.test(fallback);
  if (ranked && expression.level !== 'row' && expression.level !== 'const')
    throw new SqlStaticError(
      '42803',
      'column "ax.psi" must appear in the GROUP BY clause or be used in an aggregate function',
    );
  const select = aggregate(name, expression);
  if (!isNumeric(select.type))
    throw new SandboxGap(`a ${select.type} value where analytics reads a number`);
  return {
    select,
    ...(ranked ? { ranking: fallback.startsWith('FIRST') ? 'first' : 'last' } : {}),
  };
}

/**
 * `row_number() over (partition by ou, ao order by occurreddate, created)`: the first or last event
 * of each org unit among the period's events.
 */
export function rankFirstOrLast(
  rows: readonly AnalyticsRow[],
  ranking: 'first' | 'last',
): AnalyticsRow[] {
  const best = new Map<string, AnalyticsEventRow>();
  const key = (e: AnalyticsEventRow) => `${eventDates.occurreddate(e)}|${eventDates.created(e)}`;
  for (const row of rows) {
    if (row.kind !== 'event') continue;
    const held = best.get(row.orgUnit);
    const better = !held || (ranking === 'first' ? key(row) < key(held) : key(row) > key(held));
    if (better) best.set(row.orgUnit, row);
  }
  return [...best.values()];
}
