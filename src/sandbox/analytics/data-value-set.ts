import type { SandboxContext } from '../context.ts';
import type { SandboxUser } from '../http/env.ts';
import { type IdScheme, identifierOf } from '../metadata/id-scheme.ts';
import type { MetadataObject } from '../metadata/store.ts';
import { atLeast, type Dhis2Version } from '../version.ts';
import { resolveOptionCombos, WILDCARD } from './combos.ts';
import { queryError } from './errors.ts';
import { type AnalyticsNumber, roundedValue, roundHalfUp, writesStoredBy } from './format.ts';
import { evaluateIndicators, type IndicatorValue } from './indicator-values.ts';
import type { DataValueSetQuery, MeasureCriterion } from './query.ts';

export { unsupportedIndicators } from './unsupported.ts';

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

/**
 * `/api/analytics/dataValueSet`: the indicators' values (indicator-values.ts), the measure criteria
 * (a HAVING clause), the max limit (E7128), then the rows of the data value set
 * (`AnalyticsUtils.handleGridForDataValueSet`, `getDataValueSet`); a disaggregated indicator's rows
 * get their option combos first (`PiDisagDataHandler.addCocAndAoc`, which drops a row without one).
 */
export function evaluateDataValueSet(
  ctx: SandboxContext,
  user: SandboxUser,
  query: DataValueSetQuery,
): ExportedDataValue[] {
  const criteria = appliesMeasureCriteria(ctx.version) ? query.measureCriteria : [];
  const results = evaluateIndicators(ctx, user, query, true);
  const count = results.reduce(
    (sum, { values }) =>
      sum + values.filter((v) => criteria.every((c) => meets(v.value, c))).length,
    0,
  );
  if (count > ANALYTICS_MAX_LIMIT) throw queryError('E7128', String(ANALYTICS_MAX_LIMIT));
  return results.flatMap(({ indicator, plan, values }) =>
    values
      .filter(({ value }) => criteria.every((criterion) => meets(value, criterion)))
      .flatMap((value) => {
        const combos = plan?.combos;
        if (!combos) return [toDataValue(ctx, query, indicator, value, undefined)];
        const optionOf = (category: string) =>
          value.cells[plan.groupedCategories.indexOf(category)] ?? '';
        const resolved = resolveOptionCombos(indicator, combos, optionOf);
        return resolved ? [toDataValue(ctx, query, indicator, value, resolved)] : [];
      }),
  );
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
  { period = '', orgUnit = '', value: raw }: IndicatorValue,
  resolved: { coc: string; aoc: string } | undefined,
): ExportedDataValue {
  const day = ctx.clock.now().toISOString().slice(0, 10);
  // A non-empty aggregateExportDataElement (2.42+, `hasAggregateExportDataElement`) replaces the dx
  // cell before the id scheme mapping: it goes out verbatim.
  const exportElement =
    atLeast(ctx.version, 42) && text(indicator.aggregateExportDataElement)
      ? text(indicator.aggregateExportDataElement)
      : undefined;
  const unit = ctx.orgUnits.get(orgUnit);
  // Free-text fields copied as they are, omitted only when null (handleGridForDataValueSet); a
  // disaggregated combo's UID replaces them, never mapped by the id schemes (not in the meta map).
  const fixed = (combo: string | undefined, field: unknown) =>
    combo !== undefined && combo !== WILDCARD ? combo : text(field);
  const coc = fixed(resolved?.coc, indicator.aggregateExportCategoryOptionCombo);
  const aoc = fixed(resolved?.aoc, indicator.aggregateExportAttributeOptionCombo);
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
