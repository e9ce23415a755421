import type { SandboxContext } from '../context.ts';
import { atLeast, since } from '../version.ts';
import type { ResolvedDimension } from './dimensions.ts';
import { type AnalyticsQueryError, queryError } from './errors.ts';

/**
 * `DefaultQueryValidator.validateForErrorMessage` (2.36–2.43): for the grid and for DATA_VALUE_SET,
 * which adds E7117–E7119. Up to 2.40.10, 2.41.6 and 2.42.3 it ran two if-chains and the second one's
 * error won; from 2.40.11, 2.41.7, 2.42.4 and 2.43.0 the first error found is returned (commits
 * 5047a968875, 877b8580132, 57c4e7552d2, b94d3bb0c9e).
 */
export function validateQuery(
  ctx: SandboxContext,
  dims: readonly ResolvedDimension[],
  filters: readonly ResolvedDimension[],
  dataValueSet: boolean,
): void {
  const first = dataDimensionError(dims, filters);
  const second =
    dimensionError(ctx, dims, filters) ?? (dataValueSet ? dataValueSetError(dims) : undefined);
  const firstWins = atLeast(ctx.version, 43) || since(ctx.version, '2.40.11', '2.41.7', '2.42.4');
  const error = firstWins ? (first ?? second) : (second ?? first);
  if (error) throw error;
}

const has = (list: readonly ResolvedDimension[], id: string) => list.some((d) => d.id === id);

/** The first chain: dimensions at all, a data dimension, nothing both dimension and filter. */
function dataDimensionError(
  dims: readonly ResolvedDimension[],
  filters: readonly ResolvedDimension[],
): AnalyticsQueryError | undefined {
  const both = dims.filter((d) => has(filters, d.id)).map((d) => d.id);
  if (dims.length === 0) return queryError('E7101');
  if (![...dims, ...filters].some((d) => d.id === 'dx')) return queryError('E7102');
  if (both.length > 0) return queryError('E7103', both.join(', '));
  return undefined;
}

/**
 * The second chain, in its order: periods; several data items as a filter with an indicator or program
 * indicator among them (E7108); `co` as a filter (E7110); a dimension twice; `co` without data
 * elements (E7113), or with other data items beside them (E7114, worded longer on 2.36).
 */
function dimensionError(
  ctx: SandboxContext,
  dims: readonly ResolvedDimension[],
  filters: readonly ResolvedDimension[],
): AnalyticsQueryError | undefined {
  const all = [...dims, ...filters];
  const dataItems = all.flatMap((d) => ('items' in d ? d.items : []));
  const filterItems = filters.flatMap((d) => ('items' in d ? d.items : []));
  const ids = dims.map((d) => d.id);
  const duplicates = [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
  const dataElements = dataItems.filter((item) => item.kind === 'dataElement').length;
  if (!all.some((d) => 'periods' in d && d.periods.length > 0)) return queryError('E7104');
  if (filterItems.length > 1 && filterItems.some((item) => item.kind !== 'dataElement'))
    return queryError('E7108');
  if (has(filters, 'co')) return queryError('E7110');
  if (duplicates.length > 0) return queryError('E7111', duplicates.join(', '));
  if (has(all, 'co') && dataElements === 0) return queryError('E7113');
  if (has(all, 'co') && dataElements !== dataItems.length) {
    const error = queryError('E7114');
    if (ctx.version.minor !== 36) return error;
    error.message = `${error.message}, not indicators or reporting rates`;
    return error;
  }
  return undefined;
}

function dataValueSetError(dims: readonly ResolvedDimension[]): AnalyticsQueryError | undefined {
  if (!has(dims, 'dx')) return queryError('E7117');
  if (!has(dims, 'pe')) return queryError('E7118');
  if (!has(dims, 'ou')) return queryError('E7119');
  return undefined;
}
