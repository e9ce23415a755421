import { SqlError } from '../../program-indicators/engine/evaluate.ts';
import type {
  AnalyticsRow,
  CategoryColumns,
  CompiledProgramIndicator,
  ReportingPeriod,
} from '../../program-indicators/types.ts';
import type { SandboxContext } from '../context.ts';
import { hasAuthority, type SandboxUser } from '../http/env.ts';
import type { MetadataObject } from '../metadata/store.ts';
import { analyticsTableExists } from './analytics-tables.ts';
import { queryError } from './errors.ts';
import { categoryColumnsOf } from './indicator-columns.ts';
import {
  DisaggregationGap,
  type DisaggregationPlan,
  disaggregationPlan,
} from './pi-disaggregation.ts';
import { programData } from './program-data.ts';
import type { AnalyticsQuery } from './query.ts';
import {
  analyticsTypeOf,
  answerFailure,
  dataExceptionError,
  missingTableError,
  programOf,
  rethrowsSqlErrors,
  statementCount,
} from './query-failures.ts';
import { seededIndicators, seededValues } from './seeded-values.ts';
import { compiledIndicator, recordUnsupportedItem, recordUnsupportedQuery } from './unsupported.ts';

/** One aggregated value: its period and org unit (undefined where they are filters) and category cells. */
export interface IndicatorValue {
  readonly period: string | undefined;
  readonly orgUnit: string | undefined;
  /** The cells of `plan.groupedCategories`, in order; none without disaggregation. */
  readonly cells: readonly string[];
  readonly value: number;
}

export interface IndicatorValues {
  readonly indicator: MetadataObject;
  readonly plan: DisaggregationPlan | undefined;
  readonly values: readonly IndicatorValue[];
}

/**
 * The program indicator part of the aggregate analytics pipeline (`DataHandler
 * .addProgramDataElementAttributeIndicatorValues` → `EventAggregateService`): the event analytics
 * authority (E7217), a missing analytics table (E7144 from 2.38.5/2.39.4/2.40.2/2.41, nothing before),
 * then one statement per indicator in turn (`AbstractJdbcEventAnalyticsManager.getAggregatedEventData`:
 * its disaggregation, its SQL, its rows), the first failure DHIS2 answers ending the request.
 */
export function evaluateIndicators(
  ctx: SandboxContext,
  user: SandboxUser,
  query: AnalyticsQuery,
  dataValueSet: boolean,
): IndicatorValues[] {
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
  const missingTable = indicators.find(
    (indicator) =>
      !seeded.has(indicator.id) &&
      !analyticsTableExists(ctx, analyticsTypeOf(indicator), programOf(indicator)),
  );
  if (missingTable) {
    if (rethrowsSqlErrors(ctx)) throw missingTableError(ctx, missingTable);
    return [];
  }
  const single = statementCount(ctx, indicators, query) === 1;
  const fromSeeds = seededFor(ctx, query, [...seeded]);
  return indicators.map((indicator) =>
    seeded.has(indicator.id)
      ? { indicator, plan: undefined, values: fromSeeds(indicator) }
      : evaluated(ctx, indicator, query, dataValueSet, single),
  );
}

/** One indicator's statement: its plan, its columns, then its values (no values: DHIS2 skipped it). */
function evaluated(
  ctx: SandboxContext,
  indicator: MetadataObject,
  query: AnalyticsQuery,
  dataValueSet: boolean,
  single: boolean,
): IndicatorValues {
  const none = { indicator, plan: undefined, values: [] };
  const result = compiledIndicator(ctx, indicator);
  if (!result.ok) {
    if (result.dhis2Error) answerFailure(ctx, result.dhis2Error, single);
    return none;
  }
  let plan: DisaggregationPlan | undefined;
  try {
    plan = disaggregationPlan(ctx, indicator, query.categories, dataValueSet);
  } catch (error) {
    if (!(error instanceof DisaggregationGap)) throw error;
    recordUnsupportedQuery(ctx, indicator, error.message);
    return none;
  }
  const columns = categoryColumnsOf(ctx, result.indicator, indicator, query, plan);
  if (!columns.ok) {
    if (columns.dhis2Error) answerFailure(ctx, columns.dhis2Error, single);
    else recordUnsupportedQuery(ctx, indicator, columns.reason);
    return none;
  }
  try {
    return {
      indicator,
      plan,
      values: valuesOf(ctx, result.indicator, query, columns.columns, plan),
    };
  } catch (error) {
    if (error instanceof SqlError) throw dataExceptionError(ctx, `ERROR: ${error.message}`);
    throw error;
  }
}

interface Scope<T> {
  readonly key: string | undefined;
  readonly value: T;
}

/**
 * A filter of several periods is one statement over them all: the sandbox reads it as one reporting
 * period from the earliest start to the latest end (`EventQueryParams.getEarliestStartDate`,
 * `getLatestEndDate`, which bound the boundaries' dates).
 */
function periodScopes(query: AnalyticsQuery): Scope<ReportingPeriod>[] {
  if (!query.periodsAsFilter)
    return query.periods.map((period) => ({ key: period.id, value: period }));
  const [first] = query.periods;
  if (!first) return [];
  const starts = query.periods.map((p) => p.startDate).sort();
  const ends = query.periods.map((p) => p.endDate).sort();
  return [
    {
      key: undefined,
      value: { ...first, startDate: starts[0]!, endDate: ends[ends.length - 1]! },
    },
  ];
}

function valuesOf(
  ctx: SandboxContext,
  pi: CompiledProgramIndicator,
  query: AnalyticsQuery,
  columns: CategoryColumns | undefined,
  plan: DisaggregationPlan | undefined,
): IndicatorValue[] {
  const today = ctx.clock.now();
  const data = programData(ctx, pi.program);
  const rows = pi.rows(data);
  const units: Scope<readonly string[]>[] = query.orgUnitsAsFilter
    ? [{ key: undefined, value: query.orgUnits }]
    : query.orgUnits.map((orgUnit) => ({ key: orgUnit, value: [orgUnit] }));
  const values: IndicatorValue[] = [];
  for (const unit of units) {
    const scoped = rowsInSubtrees(ctx, pi, rows, unit.value);
    if (scoped.length === 0) continue;
    for (const { key, value: period } of periodScopes(query)) {
      const at = { period: key, orgUnit: unit.key };
      if (!columns || !plan) {
        const value = pi.aggregate(scoped, period, today, data.relationshipCount);
        if (value !== undefined) values.push({ ...at, cells: [], value });
        continue;
      }
      const groups = pi.aggregateGroups(
        scoped,
        period,
        today,
        data.relationshipCount,
        columns,
        plan.grouping,
      );
      for (const group of groups) values.push({ ...at, cells: group.cells, value: group.value });
    }
  }
  return values;
}

// Rows grouped by org unit, once per loaded row set (the EVENT indicators of a program share one).
const grouped = new WeakMap<readonly AnalyticsRow[], Map<string, AnalyticsRow[]>>();

function rowsInSubtrees(
  ctx: SandboxContext,
  pi: CompiledProgramIndicator,
  rows: readonly AnalyticsRow[],
  orgUnits: readonly string[],
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
  const inScope = new Set(orgUnits.flatMap((orgUnit) => ctx.orgUnits.subtree(orgUnit)));
  return [...inScope].flatMap((unit) => units.get(unit) ?? []);
}

/**
 * Seeded values (`analytics_values`) per indicator, for periods and org units as dimensions; with
 * either as a filter they are named unsupported.
 */
function seededFor(
  ctx: SandboxContext,
  query: AnalyticsQuery,
  seeded: readonly string[],
): (indicator: MetadataObject) => IndicatorValue[] {
  const asDimensions = !query.periodsAsFilter && !query.orgUnitsAsFilter;
  const values = asDimensions
    ? seededValues(
        ctx,
        seeded,
        query.periods.map((p) => p.id),
        query.orgUnits,
      )
    : new Map<string, number>();
  return (indicator) => {
    if (!asDimensions) {
      recordUnsupportedQuery(ctx, indicator, 'seeded values with periods or org units as a filter');
      return [];
    }
    const prefix = `${indicator.id}|`;
    return [...values].flatMap(([key, value]) => {
      if (!key.startsWith(prefix)) return [];
      const [period, orgUnit] = key.slice(prefix.length).split('|');
      return [{ period, orgUnit, cells: [], value }];
    });
  };
}
