import type { SandboxContext } from '../context.ts';
import { hasAuthority, type SandboxUser } from '../http/env.ts';
import { type IdScheme, identifierOf } from '../metadata/id-scheme.ts';
import type { MetadataObject } from '../metadata/store.ts';
import { SqlError } from '../pi/engine/evaluate.ts';
import type { AnalyticsRow, CompiledProgramIndicator } from '../pi/types.ts';
import { atLeast, type Dhis2Version, since } from '../version.ts';
import { analyticsTableExists } from './analytics-tables.ts';
import { AnalyticsQueryError, E, queryError } from './errors.ts';
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
    if (rethrowsMissingTable(ctx)) throw missingTableError(ctx, missingTable);
    return [];
  }
  const broken = evaluated.find((indicator) => !compiledIndicator(ctx, indicator).ok);
  if (broken) {
    const error = brokenExpressionError(ctx, broken);
    // A data exception (E7132) has failed the query in every version; a grammar one (E7145) only since
    // SQL grammar errors are rethrown (as E7144), before which the indicator gives no values.
    if (error.errorCode === 'E7132' || rethrowsMissingTable(ctx)) throw error;
  }
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
 * Whether a query on a missing table fails: `JdbcAnalyticsManager.getAggregatedDataValues` rethrows a
 * `BadSqlGrammarException` of SQL state 42P01 from 2.38.5, 2.39.4, 2.40.2 and 2.41.0 (E7144 is not in
 * 2.39.3 nor 2.40.1); before, every such exception gives an empty result (200, no values).
 */
export const rethrowsMissingTable = (ctx: SandboxContext) =>
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
 * An indicator whose expression or filter the sandbox cannot evaluate: DHIS2's SQL for a broken one (a
 * data element in no stage of the programme: 42703, a text under an average: 42883) fails, and from the
 * versions that rethrow SQL errors (as for E7144) the answer is 409 E7145 with the SQL state. Before,
 * DHIS2 answers no values for it, as the sandbox then does; either way the reason is listed at
 * /__sandbox/analytics/unsupported.
 */
function brokenExpressionError(
  ctx: SandboxContext,
  indicator: MetadataObject,
): AnalyticsQueryError {
  const result = compiledIndicator(ctx, indicator);
  const failure = result.ok ? undefined : result;
  const dev = `Program indicator ${indicator.id} (${String(indicator.name ?? '')}): ${failure?.reason ?? ''}`;
  if (failure?.dhis2Error?.code === 'E7132') return expressionViolation(ctx, dev);
  const state = failure?.dhis2Error?.sqlState ?? '42703';
  return new AnalyticsQueryError(`${E.E7145} (SqlState: ${state})`, 'E7145', dev);
}

/** E7132 (`QueryRuntimeException`): a data exception in the query, a division by zero first of all. */
function expressionViolation(ctx: SandboxContext, dev: string): AnalyticsQueryError {
  return new AnalyticsQueryError(
    atLeast(ctx.version, 41)
      ? 'Expression violation. Maybe an indicator caused division by zero?'
      : 'An indicator expression caused division by zero operation',
    'E7132',
    dev,
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
    if (error instanceof SqlError)
      throw expressionViolation(
        ctx,
        `Program indicator ${indicator.id}: ${error.message} (SqlState: ${error.sqlState})`,
      );
    throw error;
  }
}

function aggregateIndicator(
  ctx: SandboxContext,
  pi: CompiledProgramIndicator,
  query: DataValueSetQuery,
): Aggregates {
  const today = ctx.clock.now();
  const rows = pi.rows(programData(ctx, pi.program));
  const aggregates: Aggregates = new Map();
  for (const orgUnit of query.orgUnits) {
    const scoped = rowsInSubtree(ctx, pi, rows, orgUnit);
    if (scoped.length === 0) continue;
    for (const period of query.periods) {
      const value = pi.aggregate(scoped, period, today);
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
