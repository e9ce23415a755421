import type { Dhis2Failure } from '../../program-indicators/types.ts';
import type { SandboxContext } from '../context.ts';
import type { MetadataObject } from '../metadata/store.ts';
import { atLeast, since } from '../version.ts';
import { AnalyticsQueryError, AnalyticsRequestError, E } from './errors.ts';
import type { AnalyticsQuery } from './query.ts';

/*
 * How a program indicator's failing statement reaches the client (`AnalyticsUtils.withExceptionHandling`,
 * `CrudControllerAdvice`), per version.
 */

export function analyticsTypeOf(indicator: MetadataObject): 'EVENT' | 'ENROLLMENT' {
  return indicator.analyticsType === 'ENROLLMENT' ? 'ENROLLMENT' : 'EVENT';
}

export function programOf(indicator: MetadataObject): string {
  return (indicator.program as { id?: string } | undefined)?.id ?? '';
}

/**
 * Whether SQL errors reach the client: `AbstractJdbcEventAnalyticsManager.getAggregatedEventData`
 * runs through `AnalyticsUtils.withExceptionHandling` from 2.38.5, 2.39.4, 2.40.2 and 2.41.0 (E7144 and
 * E7145 are not in 2.39.3 nor 2.40.1). Before, a grammar error (class 42, a missing table included) is
 * logged and the indicator gives no rows (200); a data exception (class 22) is not caught by analytics
 * and answers 500 with the database's message (`CrudControllerAdvice.defaultExceptionHandler`).
 */
export const rethrowsSqlErrors = (ctx: SandboxContext) =>
  since(ctx.version, '2.38.5', '2.39.4', '2.40.2', '2.41.0');

/**
 * A query on a table that does not exist (analytics never ran, or no run found events of the program):
 * `CrudControllerAdvice.badSqlGrammarException` and `WebMessageUtils.createWebMessage` answer E7144
 * with the SQL state; 2.42 puts the database's message in `devMessage`.
 */
export function missingTableError(
  ctx: SandboxContext,
  indicator: MetadataObject,
): AnalyticsQueryError {
  const table = `analytics_${analyticsTypeOf(indicator).toLowerCase()}_${programOf(indicator).toLowerCase()}`;
  return new AnalyticsQueryError(
    `${E.E7144} (SqlState: 42P01)`,
    'E7144',
    atLeast(ctx.version, 42) ? `ERROR: relation "${table}" does not exist` : 'SqlState: 42P01',
  );
}

/**
 * The statements DHIS2 plans for the request (`DefaultEventQueryPlanner.planAggregateQuery`): one per
 * program indicator (`groupByQueryItems`) × org unit level × period type, and one per period for an
 * indicator that needs its own query (`groupByPeriod`: non-default boundaries, analytics variables,
 * first/last aggregation). Filters are one group each.
 */
export function statementCount(
  ctx: SandboxContext,
  indicators: readonly MetadataObject[],
  query: AnalyticsQuery,
): number {
  const levels = query.orgUnitsAsFilter
    ? 1
    : new Set(query.orgUnits.map((id) => ctx.orgUnits.get(id)?.level ?? 0)).size;
  const periodTypes = new Set(query.periods.map((period) => period.periodType)).size;
  const periods = query.periodsAsFilter ? 1 : query.periods.length;
  return indicators.reduce(
    (sum, indicator) => sum + levels * (needsOwnQuery(indicator) ? periods : periodTypes),
    0,
  );
}

/** `EventQueryParams.useIndividualQuery` and the first/last aggregations (`groupByPeriod`). */
function needsOwnQuery(indicator: MetadataObject): boolean {
  const text = `${String(indicator.expression ?? '')} ${String(indicator.filter ?? '')}`;
  if (/V\{analytics_period_(start|end)\}/.test(text)) return true;
  if (/^(FIRST|LAST)/.test(String(indicator.aggregationType ?? ''))) return true;
  const boundaries = (indicator.analyticsPeriodBoundaries ?? []) as {
    boundaryTarget?: string;
    offsetPeriods?: number;
  }[];
  const defaultTarget = analyticsTypeOf(indicator) === 'EVENT' ? 'EVENT_DATE' : 'ENROLLMENT_DATE';
  return (
    boundaries.length !== 2 ||
    boundaries.some((b) => b.boundaryTarget !== defaultTarget || (b.offsetPeriods ?? 0) !== 0)
  );
}

/**
 * An indicator whose SQL DHIS2 cannot run either, as DHIS2 answers it; false when DHIS2 goes on
 * without its rows. A parser error (the SQL cannot be built) fails the request in every version. A data
 * exception (class 22: a yes/no compared with a code) fails it in every version (E7132, or 500 before
 * the versions that rethrow). A limit (class 54, 2.42.0's `concat()`) is a resource failure: E7131. A
 * grammar error (class 42: a missing column, `avg(text)`) fails it only from those versions and only
 * when the request is one statement; from a request of several DHIS2 logs it and drops that
 * indicator's rows ("silently fallback since it's multiple analytics query").
 */
export function answerFailure(
  ctx: SandboxContext,
  failure: Dhis2Failure,
  singleStatement: boolean,
): void {
  if (failure.code === 'parse') throw new AnalyticsRequestError(failure.dbMessage, 409);
  if (failure.code === 'E7132') throw dataExceptionError(ctx, failure.dbMessage);
  if (failure.code === 'E7131' && rethrowsSqlErrors(ctx))
    throw new AnalyticsQueryError(E.E7131, 'E7131');
  if (failure.code !== 'E7145' || !rethrowsSqlErrors(ctx) || !singleStatement) return;
  throw new AnalyticsQueryError(
    `${E.E7145} (SqlState: ${failure.sqlState})`,
    'E7145',
    atLeast(ctx.version, 42) ? failure.dbMessage : `SqlState: ${failure.sqlState}`,
  );
}

/**
 * A data exception in the query (a division by zero, text cast to a number): from the versions that
 * rethrow SQL errors, `QueryRuntimeException(E7132)`, a 409 whose message changed with them; before,
 * nothing in analytics catches it, and the answer is a 500 with the database's message.
 */
export function dataExceptionError(ctx: SandboxContext, dbMessage: string): Error {
  if (!rethrowsSqlErrors(ctx)) return new AnalyticsRequestError(dbMessage, 500);
  return new AnalyticsQueryError(
    'Expression violation. Maybe an indicator caused division by zero?',
    'E7132',
  );
}
