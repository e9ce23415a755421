import type { SandboxContext } from '../context.ts';
import { type IdScheme, identifierOf } from '../metadata/id-scheme.ts';
import type { MetadataObject } from '../metadata/store.ts';
import type { Period } from '../periods/period.ts';
import { compileProgramIndicator } from '../pi/compile.ts';
import type { AnalyticsRow, CompileResult } from '../pi/types.ts';
import { atLeast } from '../version.ts';
import { formatIndicatorValue, writesStoredBy } from './format.ts';
import { programData } from './program-data.ts';
import type { DataValueSetQuery } from './query.ts';

export interface ExportedDataValue {
  dataElement: string;
  period: string;
  orgUnit: string;
  categoryOptionCombo?: string;
  attributeOptionCombo?: string;
  value: string;
  storedBy?: string;
  created: string;
  lastUpdated: string;
  comment: string;
  followup: boolean;
}

const compiled = new WeakMap<
  SandboxContext,
  { generation: number; results: Map<string, CompileResult> }
>();

/** Compiles an indicator once per metadata generation; the reasons of the ones that fail are kept. */
export function compiledIndicator(ctx: SandboxContext, indicator: MetadataObject): CompileResult {
  let cache = compiled.get(ctx);
  if (!cache || cache.generation !== ctx.metadata.generation) {
    cache = { generation: ctx.metadata.generation, results: new Map() };
    compiled.set(ctx, cache);
  }
  let result = cache.results.get(indicator.id);
  if (!result) {
    result = compileProgramIndicator(indicator, (type, id) => ctx.metadata.get(type, id));
    cache.results.set(indicator.id, result);
  }
  return result;
}

/** Indicators the sandbox could not evaluate in queries so far: never silently zero. */
export function unsupportedIndicators(
  ctx: SandboxContext,
): { id: string; name: string; reason: string }[] {
  const results = compiled.get(ctx)?.results.values() ?? [];
  return [...results].flatMap((result) =>
    result.ok ? [] : [{ id: result.id, name: result.name, reason: result.reason }],
  );
}

/**
 * Values seeded straight into the analytics tables (benchmarks): one query for the whole request, summed
 * up to each requested org unit from the units below it.
 */
function seededValues(
  ctx: SandboxContext,
  dx: string,
  periods: readonly Period[],
  orgUnits: readonly string[],
): Map<string, number> | undefined {
  if (!ctx.db.prepare('SELECT 1 FROM analytics_values WHERE dx = ? LIMIT 1').get(dx))
    return undefined;
  const ancestorOf = new Map<string, string[]>();
  for (const orgUnit of orgUnits) {
    for (const unit of ctx.orgUnits.subtree(orgUnit))
      ancestorOf.set(unit, [...(ancestorOf.get(unit) ?? []), orgUnit]);
  }
  const rows = ctx.db
    .prepare(
      'SELECT period, org_unit, value FROM analytics_values WHERE dx = ? AND period IN (SELECT value FROM json_each(?)) AND org_unit IN (SELECT value FROM json_each(?))',
    )
    .all(dx, JSON.stringify(periods.map((p) => p.id)), JSON.stringify([...ancestorOf.keys()])) as {
    period: string;
    org_unit: string;
    value: number;
  }[];
  const result = new Map<string, number>();
  for (const row of rows) {
    for (const ancestor of ancestorOf.get(row.org_unit) ?? []) {
      const key = `${row.period}|${ancestor}`;
      result.set(key, (result.get(key) ?? 0) + row.value);
    }
  }
  return result;
}

// Rows grouped by their org unit, once per loaded row set (all EVENT indicators of a program share one).
const grouped = new WeakMap<readonly AnalyticsRow[], Map<string, AnalyticsRow[]>>();

function rowsBySubtree(
  ctx: SandboxContext,
  rows: readonly AnalyticsRow[],
  orgUnitOf: (row: AnalyticsRow) => string | undefined,
  orgUnit: string,
): AnalyticsRow[] {
  let byOrgUnit = grouped.get(rows);
  if (!byOrgUnit) {
    byOrgUnit = new Map();
    for (const row of rows) {
      const unit = orgUnitOf(row) ?? '';
      const list = byOrgUnit.get(unit);
      if (list) list.push(row);
      else byOrgUnit.set(unit, [row]);
    }
    grouped.set(rows, byOrgUnit);
  }
  return ctx.orgUnits.subtree(orgUnit).flatMap((unit) => byOrgUnit.get(unit) ?? []);
}

/** Evaluates the query: one value per indicator, period and org unit that has data. */
export function evaluateDataValueSet(
  ctx: SandboxContext,
  query: DataValueSetQuery,
): ExportedDataValue[] {
  const today = ctx.clock.now();
  const day = today.toISOString().slice(0, 10);
  const values: ExportedDataValue[] = [];
  const withExportDataElement = atLeast(ctx.version, 42);
  const orgUnitIds = new Map(
    query.orgUnits.map((id) => [
      id,
      mapId(ctx.metadata.get('organisationUnits', id)!, query.orgUnitScheme),
    ]),
  );
  for (const dx of query.dataItems) {
    const indicator = ctx.metadata.get('programIndicators', dx)!;
    const decimals = typeof indicator.decimals === 'number' ? indicator.decimals : undefined;
    const computed =
      seededValues(ctx, dx, query.periods, query.orgUnits) ??
      evaluateIndicator(ctx, indicator, query, today);
    if (!computed) continue;
    // aggregateExportDataElement (2.42+) replaces the data element verbatim, before any id scheme applies.
    const exportElement =
      withExportDataElement &&
      typeof indicator.aggregateExportDataElement === 'string' &&
      indicator.aggregateExportDataElement !== ''
        ? indicator.aggregateExportDataElement
        : undefined;
    const dataElement = exportElement ?? mapId(indicator, query.itemScheme);
    for (const [key, value] of computed) {
      const [period, orgUnit] = key.split('|') as [string, string];
      const row: ExportedDataValue = {
        dataElement,
        period,
        orgUnit: orgUnitIds.get(orgUnit) ?? orgUnit,
        value: formatIndicatorValue(value, decimals, query.skipRounding),
        created: day,
        lastUpdated: day,
        comment: '[aggregated]',
        followup: false,
      };
      // Copied verbatim, never mapped by an id scheme; omitted when empty (AnalyticsUtils.getDataValueSet).
      if (
        typeof indicator.aggregateExportCategoryOptionCombo === 'string' &&
        indicator.aggregateExportCategoryOptionCombo !== ''
      )
        row.categoryOptionCombo = indicator.aggregateExportCategoryOptionCombo;
      if (
        typeof indicator.aggregateExportAttributeOptionCombo === 'string' &&
        indicator.aggregateExportAttributeOptionCombo !== ''
      )
        row.attributeOptionCombo = indicator.aggregateExportAttributeOptionCombo;
      if (writesStoredBy(ctx.version)) row.storedBy = '[aggregated]';
      values.push(row);
    }
  }
  return values;
}

/** An object's id under the scheme, or its UID when it has none (silent fallback, SchemeIdResponseMapper). */
function mapId(object: MetadataObject, scheme: IdScheme): string {
  return identifierOf(object, scheme) ?? object.id;
}

function evaluateIndicator(
  ctx: SandboxContext,
  indicator: MetadataObject,
  query: DataValueSetQuery,
  today: Date,
): Map<string, number> | undefined {
  const result = compiledIndicator(ctx, indicator);
  if (!result.ok) return undefined;
  const pi = result.indicator;
  const rows = pi.rows(programData(ctx, pi.program));
  const computed = new Map<string, number>();
  for (const orgUnit of query.orgUnits) {
    const scoped = rowsBySubtree(ctx, rows, (row) => pi.orgUnitOf(row), orgUnit);
    if (scoped.length === 0) continue;
    for (const period of query.periods) {
      const value = pi.aggregate(scoped, period, today);
      if (value !== undefined) computed.set(`${period.id}|${orgUnit}`, value);
    }
  }
  return computed;
}
