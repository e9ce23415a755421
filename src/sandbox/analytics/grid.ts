import type { SandboxContext } from '../context.ts';
import type { SandboxUser } from '../http/env.ts';
import { type IdScheme, identifierOf } from '../metadata/id-scheme.ts';
import type { MetadataObject } from '../metadata/store.ts';
import { roundedValue, valueText } from './format.ts';
import { evaluateIndicators, type IndicatorValues } from './indicator-values.ts';
import type { AnalyticsQuery } from './query.ts';
import { recordUnsupportedQuery } from './unsupported.ts';

/**
 * `GET /api/analytics` for program indicators: the grid `DataHandler.addProgramDataElementAttribute
 * IndicatorValues` fills from the event query (`EventAggregateService`), one row per combination of
 * the dimensions' items that has a value; filters (pe, ou, categories, one dx) restrict without a
 * column. Headers as `HeaderHandler.addHeaders` writes them: one per dimension (`dx` first), then
 * `value`; cells are text, values rounded as the data value set rounds them.
 */
export interface AnalyticsGrid {
  readonly headers: readonly GridHeader[];
  readonly metaData: Record<string, unknown>;
  readonly rowContext: Record<string, never>;
  readonly rows: readonly (readonly string[])[];
  readonly height: number;
  readonly width: number;
  readonly headerWidth: number;
}

/** `GridHeader` as Jackson writes it. */
export interface GridHeader {
  readonly name: string;
  readonly column: string;
  readonly valueType: 'TEXT' | 'NUMBER';
  readonly type: 'java.lang.String' | 'java.lang.Double';
  readonly hidden: boolean;
  readonly meta: boolean;
}

/** `DataQueryParams.DISPLAY_NAME_*`. */
const DISPLAY_NAMES: Record<string, string> = {
  dx: 'Data',
  pe: 'Period',
  ou: 'Organisation unit',
  co: 'Category option combo',
  ao: 'Attribute option combo',
};

export function evaluateGrid(
  ctx: SandboxContext,
  user: SandboxUser,
  query: AnalyticsQuery,
  skipMeta: boolean,
): AnalyticsGrid {
  const headers: GridHeader[] = [
    ...query.columns.map((id) => textHeader(id, columnName(query, id))),
    {
      name: 'value',
      column: 'Value',
      valueType: 'NUMBER',
      type: 'java.lang.Double',
      hidden: false,
      meta: false,
    },
  ];
  const results = evaluateIndicators(ctx, user, query, false);
  const rows = unmodelled(ctx, query, results)
    ? []
    : results.flatMap((result) => rowsOf(ctx, query, result)).sort(compareRows);
  return {
    headers,
    metaData: skipMeta ? {} : metaDataOf(ctx, query),
    rowContext: {},
    rows,
    height: rows.length,
    width: headers.length,
    headerWidth: headers.length,
  };
}

const textHeader = (name: string, column: string): GridHeader => ({
  name,
  column,
  valueType: 'TEXT',
  type: 'java.lang.String',
  hidden: false,
  meta: true,
});

function columnName(query: AnalyticsQuery, id: string): string {
  return DISPLAY_NAMES[id] ?? query.categories.find((c) => c.id === id)?.name ?? id;
}

/** Dimensions the sandbox resolves but does not fill (`co`, `ao`, group sets): named, no rows. */
function unmodelled(
  ctx: SandboxContext,
  query: AnalyticsQuery,
  results: readonly IndicatorValues[],
): boolean {
  if (query.others.length === 0) return false;
  for (const { indicator } of results)
    recordUnsupportedQuery(
      ctx,
      indicator,
      `the dimensions ${query.others.join(', ')} in /api/analytics`,
    );
  return true;
}

function rowsOf(ctx: SandboxContext, query: AnalyticsQuery, result: IndicatorValues): string[][] {
  const { indicator, plan, values } = result;
  const decimals = typeof indicator.decimals === 'number' ? indicator.decimals : undefined;
  return values.map((value) => [
    ...query.columns.map((column) => {
      if (column === 'dx') return mapId(indicator, query.schemes.dataItems);
      if (column === 'pe') return value.period ?? '';
      if (column === 'ou') {
        const unit = ctx.orgUnits.get(value.orgUnit ?? '');
        return unit ? mapId(unit, query.schemes.orgUnits) : (value.orgUnit ?? '');
      }
      return value.cells[plan?.groupedCategories.indexOf(column) ?? -1] ?? '';
    }),
    valueText(roundedValue(ctx.version, value.value, decimals, query.skipRounding)),
  ]);
}

const compareRows = (a: readonly string[], b: readonly string[]) => {
  for (let i = 0; i < a.length; i += 1) {
    const order = (a[i] ?? '').localeCompare(b[i] ?? '');
    if (order !== 0) return order;
  }
  return 0;
};

/** An object's id under the scheme, or its UID when it has none (`ListGrid.substituteMetaData`). */
function mapId(object: MetadataObject, scheme: IdScheme): string {
  return identifierOf(object, scheme) ?? object.id;
}

/**
 * `metaData` without `skipMeta`: `items` (each dimension item's name) and `dimensions` (the items of
 * each dimension and filter), the part of `MetadataHandler.addMetaData` a client reads back; the
 * hierarchy and legend keys are left out.
 */
function metaDataOf(ctx: SandboxContext, query: AnalyticsQuery): Record<string, unknown> {
  const items: Record<string, { name: string }> = {};
  const named = (id: string, name: unknown) => {
    items[id] = { name: String(name ?? id) };
    return id;
  };
  const dimensions: Record<string, string[]> = {
    dx: query.dataItems.map((item) => named(item.object.id, item.object.name)),
    pe: query.periods.map((period) => named(period.id, period.id)),
    ou: query.orgUnits.map((id) => named(id, ctx.orgUnits.get(id)?.name)),
  };
  for (const category of query.categories) {
    named(category.id, category.name);
    dimensions[category.id] = category.options.map((option) =>
      named(option, ctx.metadata.get('categoryOptions', option)?.name),
    );
  }
  for (const id of ['dx', 'pe', 'ou']) named(id, DISPLAY_NAMES[id]);
  return { items, dimensions };
}
