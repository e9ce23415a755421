import type { SandboxContext } from '../context.ts';
import { hasAuthority, type SandboxUser } from '../http/env.ts';
import { type IdScheme, identifierOf } from '../metadata/id-scheme.ts';
import type { MetadataObject } from '../metadata/store.ts';
import { SqlError } from '../pi/engine/evaluate.ts';
import type { AnalyticsRow, CompiledProgramIndicator } from '../pi/types.ts';
import { atLeast, type Dhis2Version, since } from '../version.ts';
import { analyticsTableExists } from './analytics-tables.ts';
import { AnalyticsQueryError, AnalyticsRequestError, E, queryError } from './errors.ts';
import { type AnalyticsNumber, roundedValue, roundHalfUp, writesStoredBy } from './format.ts';
import { programData } from './program-data.ts';
import type { DataValueSetQuery, MeasureCriterion } from './query.ts';
import { seededIndicators, seededValues } from './seeded-values.ts';
import { compiledIndicator, recordUnsupportedItem } from './unsupported.ts';

export { compiledIndicator, unsupportedIndicators } from './unsupported.ts';

/** A row of the data value set (`AnalyticsUtils.getDataValueSet`), its value not yet rendered. */
export interface ExportedDataValue {
  readonly dataElement: string;
  readonly period: string;
  readonly orgUnit: string;
  readonly categoryOptionCombo?: string;
  readonly attributeOptionCombo?: string;
  readonly value: AnalyticsNumber;
  readonly storedBy?: string;
  readonly created: string;
  readonly lastUpdated: string;
  readonly comment: string;
  readonly followup: boolean;
}

/** `ANALYTICS_MAX_LIMIT`'s default. The program indicator grid checks it whatever `ignoreLimit` says. */
export const ANALYTICS_MAX_LIMIT = 50_000;

/** Raw aggregates of one indicator, keyed `period|orgUnit`. */
type Aggregates = Map<string, number>;

/**
 * The program indicator part of the aggregate analytics pipeline (`DataHandler
 * .addProgramDataElementAttributeIndicatorValues` → `EventAggregateService`): the event analytics
 * authority (E7217), a missing analytics table (E7144 from 2.38.5/2.39.4/2.40.2/2.41, nothing before), the max limit
 * (E7128), then the rows of the data value set (`handleGridForDataValueSet`, `getDataValueSet`).
 */
export function evaluateDataValueSet(
  ctx: SandboxContext,
  user: SandboxUser,
  query: DataValueSetQuery,
): ExportedDataValue[] {
  const indicators = query.dataItems.flatMap((item) => {
    if (item.kind === 'programIndicator') return [item.object];
    recordUnsupportedItem(
      ctx,
      item.object,
      item.kind === 'dataElement' ? 'data element' : 'indicator',
    );
    return [];
  });
  if (indicators.length === 0) return [];
  // DefaultAnalyticsSecurityManager.decideAccessEventQuery: program indicators need event analytics.
  if (!hasAuthority(user, 'F_VIEW_EVENT_ANALYTICS')) throw queryError('E7217', user.username);
  const seeded = seededIndicators(
    ctx,
    indicators.map((indicator) => indicator.id),
  );
  const evaluated = indicators.filter((indicator) => !seeded.has(indicator.id));
  const missingTable = evaluated.find((indicator) => !tableExists(ctx, indicator));
  if (missingTable) {
    if (rethrowsSqlErrors(ctx)) throw missingTableError(ctx, missingTable);
    return [];
  }
  failBrokenIndicators(ctx, evaluated, query);
  const fromSeeds = seededValues(
    ctx,
    [...seeded],
    query.periods.map((p) => p.id),
    query.orgUnits,
  );
  const perIndicator = indicators.map((indicator): [MetadataObject, Aggregates] => [
    indicator,
    seeded.has(indicator.id)
      ? seededFor(fromSeeds, indicator.id)
      : (evaluateIndicator(ctx, indicator, query) ?? new Map()),
  ]);
  const criteria = appliesMeasureCriteria(ctx.version) ? query.measureCriteria : [];
  const rows = perIndicator.flatMap(([indicator, aggregates]) =>
    [...aggregates]
      .filter(([, value]) => criteria.every((criterion) => meets(value, criterion)))
      .map(([key, value]) => toDataValue(ctx, query, indicator, key, value)),
  );
  if (rows.length > ANALYTICS_MAX_LIMIT) throw queryError('E7128', String(ANALYTICS_MAX_LIMIT));
  return rows;
}

function analyticsTypeOf(indicator: MetadataObject): 'EVENT' | 'ENROLLMENT' {
  return indicator.analyticsType === 'ENROLLMENT' ? 'ENROLLMENT' : 'EVENT';
}

function programOf(indicator: MetadataObject): string {
  return (indicator.program as { id?: string } | undefined)?.id ?? '';
}

function tableExists(ctx: SandboxContext, indicator: MetadataObject): boolean {
  return analyticsTableExists(ctx, analyticsTypeOf(indicator), programOf(indicator));
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
function missingTableError(ctx: SandboxContext, indicator: MetadataObject): AnalyticsQueryError {
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
 * first/last aggregation).
 */
function statementCount(
  ctx: SandboxContext,
  indicators: readonly MetadataObject[],
  query: DataValueSetQuery,
): number {
  const levels = new Set(query.orgUnits.map((id) => ctx.orgUnits.get(id)?.level ?? 0)).size;
  const periodTypes = new Set(query.periods.map((period) => period.periodType)).size;
  return indicators.reduce(
    (sum, indicator) =>
      sum + levels * (needsOwnQuery(indicator) ? query.periods.length : periodTypes),
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
 * Indicators whose SQL DHIS2 cannot run either, as DHIS2 answers them. A data exception (class 22: a
 * yes/no data element compared with a code) fails the whole request in every version (E7132, or 500
 * before the versions that rethrow). A grammar error (class 42: a missing column, `avg(text)`) fails it
 * only from those versions and only when the request is one statement; from a request of several
 * DHIS2 logs it and drops that indicator's rows ("silently fallback since it's multiple analytics
 * query", `AnalyticsUtils.withExceptionHandling`). Indicators only the sandbox cannot evaluate give no
 * rows, never an error: they are listed at /__sandbox/analytics/unsupported.
 */
function failBrokenIndicators(
  ctx: SandboxContext,
  indicators: readonly MetadataObject[],
  query: DataValueSetQuery,
): void {
  const failures = indicators.flatMap((indicator) => {
    const result = compiledIndicator(ctx, indicator);
    return !result.ok && result.dhis2Error ? [result.dhis2Error] : [];
  });
  // DHIS2 builds and runs the statements one after another: the first failure that is answered wins.
  const answered = failures.find(
    (failure) =>
      failure.code !== 'E7145' ||
      (rethrowsSqlErrors(ctx) && statementCount(ctx, indicators, query) === 1),
  );
  if (!answered) return;
  // The expression is parsed while the SQL is built, before any error handling of analytics.
  if (answered.code === 'parse') throw new AnalyticsRequestError(answered.dbMessage, 409);
  if (answered.code === 'E7132') throw dataExceptionError(ctx, answered.dbMessage);
  throw new AnalyticsQueryError(
    `${E.E7145} (SqlState: ${answered.sqlState})`,
    'E7145',
    atLeast(ctx.version, 42) ? answered.dbMessage : `SqlState: ${answered.sqlState}`,
  );
}

/**
 * A data exception in the query (a division by zero, text cast to a number): from the versions that
 * rethrow SQL errors, `QueryRuntimeException(E7132)`, a 409 whose message changed with them; before,
 * nothing in analytics catches it, and the answer is a 500 with the database's message.
 */
function dataExceptionError(ctx: SandboxContext, dbMessage: string): Error {
  if (!rethrowsSqlErrors(ctx)) return new AnalyticsRequestError(dbMessage, 500);
  return new AnalyticsQueryError(
    'Expression violation. Maybe an indicator caused division by zero?',
    'E7132',
  );
}

function seededFor(values: Map<string, number>, dx: string): Aggregates {
  const result: Aggregates = new Map();
  for (const [key, value] of values) {
    if (key.startsWith(`${dx}|`)) result.set(key.slice(dx.length + 1), value);
  }
  return result;
}

/**
 * `measureCriteria` reached program indicators only with DHIS2-18788 (2.39.10, 2.40.8, 2.41.4, 2.42.0):
 * a HAVING clause on the aggregate rounded to 10 decimals. Before, it was ignored for them.
 */
function appliesMeasureCriteria(version: Dhis2Version): boolean {
  if (atLeast(version, 42)) return true;
  const since: Record<number, number> = { 39: 10, 40: 8, 41: 4 };
  const patch = since[version.minor];
  return patch !== undefined && version.patch >= patch;
}

function meets(value: number, criterion: MeasureCriterion): boolean {
  const v = roundHalfUp(value, 10);
  switch (criterion.operator) {
    case 'EQ':
      return v === criterion.value;
    case 'GT':
      return v > criterion.value;
    case 'GE':
      return v >= criterion.value;
    case 'LT':
      return v < criterion.value;
    case 'LE':
      return v <= criterion.value;
  }
}

// Rows grouped by org unit, once per loaded row set (the EVENT indicators of a program share one).
const grouped = new WeakMap<readonly AnalyticsRow[], Map<string, AnalyticsRow[]>>();

function rowsInSubtree(
  ctx: SandboxContext,
  pi: CompiledProgramIndicator,
  rows: readonly AnalyticsRow[],
  orgUnit: string,
): AnalyticsRow[] {
  let byOrgUnit = grouped.get(rows);
  if (!byOrgUnit) {
    byOrgUnit = new Map();
    for (const row of rows) {
      const unit = pi.orgUnitOf(row) ?? '';
      const list = byOrgUnit.get(unit);
      if (list) list.push(row);
      else byOrgUnit.set(unit, [row]);
    }
    grouped.set(rows, byOrgUnit);
  }
  const units = byOrgUnit;
  return ctx.orgUnits.subtree(orgUnit).flatMap((unit) => units.get(unit) ?? []);
}

/** One indicator over the analytics tables: per requested org unit (its subtree) and period. */
function evaluateIndicator(
  ctx: SandboxContext,
  indicator: MetadataObject,
  query: DataValueSetQuery,
): Aggregates | undefined {
  const result = compiledIndicator(ctx, indicator);
  if (!result.ok) return undefined;
  const pi = result.indicator;
  try {
    return aggregateIndicator(ctx, pi, query);
  } catch (error) {
    if (error instanceof SqlError) throw dataExceptionError(ctx, `ERROR: ${error.message}`);
    throw error;
  }
}

function aggregateIndicator(
  ctx: SandboxContext,
  pi: CompiledProgramIndicator,
  query: DataValueSetQuery,
): Aggregates {
  const today = ctx.clock.now();
  const data = programData(ctx, pi.program);
  const rows = pi.rows(data);
  const aggregates: Aggregates = new Map();
  for (const orgUnit of query.orgUnits) {
    const scoped = rowsInSubtree(ctx, pi, rows, orgUnit);
    if (scoped.length === 0) continue;
    for (const period of query.periods) {
      const value = pi.aggregate(scoped, period, today, data.relationshipCount);
      if (value !== undefined) aggregates.set(`${period.id}|${orgUnit}`, value);
    }
  }
  return aggregates;
}

/** An object's id under the scheme, or its UID when it has none (silent fallback, `ListGrid.substituteMetaData`). */
function mapId(object: MetadataObject, scheme: IdScheme): string {
  return identifierOf(object, scheme) ?? object.id;
}

const text = (value: unknown) =>
  value === undefined || value === null ? undefined : String(value);

function toDataValue(
  ctx: SandboxContext,
  query: DataValueSetQuery,
  indicator: MetadataObject,
  key: string,
  raw: number,
): ExportedDataValue {
  const [period = '', orgUnit = ''] = key.split('|');
  const day = ctx.clock.now().toISOString().slice(0, 10);
  // A non-empty aggregateExportDataElement (2.42+, `hasAggregateExportDataElement`) replaces the dx
  // cell before the id scheme mapping: it goes out verbatim.
  const exportElement =
    atLeast(ctx.version, 42) && text(indicator.aggregateExportDataElement)
      ? text(indicator.aggregateExportDataElement)
      : undefined;
  const unit = ctx.orgUnits.get(orgUnit);
  // Free-text fields copied as they are, omitted only when null (handleGridForDataValueSet).
  const coc = text(indicator.aggregateExportCategoryOptionCombo);
  const aoc = text(indicator.aggregateExportAttributeOptionCombo);
  const decimals = typeof indicator.decimals === 'number' ? indicator.decimals : undefined;
  return {
    dataElement: exportElement ?? mapId(indicator, query.schemes.dataItems),
    period,
    orgUnit: unit ? mapId(unit, query.schemes.orgUnits) : orgUnit,
    ...(coc === undefined ? {} : { categoryOptionCombo: coc }),
    ...(aoc === undefined ? {} : { attributeOptionCombo: aoc }),
    value: roundedValue(ctx.version, raw, decimals, query.skipRounding),
    ...(writesStoredBy(ctx.version) ? { storedBy: '[aggregated]' } : {}),
    created: day,
    lastUpdated: day,
    comment: '[aggregated]',
    followup: false,
  };
}
