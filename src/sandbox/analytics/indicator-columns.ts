import { compileFailure } from '../../program-indicators/failure.ts';
import type {
  CategoryColumns,
  CompiledProgramIndicator,
  CompileFailure,
} from '../../program-indicators/types.ts';
import type { SandboxContext } from '../context.ts';
import type { MetadataObject } from '../metadata/store.ts';
import {
  type DisaggregationPlan,
  isProgramAttributeCategory,
  plainCategories,
} from './pi-disaggregation.ts';
import type { AnalyticsQuery } from './query.ts';

/**
 * The category columns of one indicator's statement, or why it fails. A category the query names is
 * either one of the indicator's disaggregation columns or a column of the analytics table
 * (`quoteAlias`): only the program's attribute categories are (`JdbcEventAnalyticsTableManager`), and
 * the sandbox's analytics rows keep no attribute option combo, so those are named unsupported; any
 * other is PostgreSQL's 42703. A category whose items are all unknown leaves `in ()`, a syntax error.
 */
export function categoryColumnsOf(
  ctx: SandboxContext,
  compiled: CompiledProgramIndicator,
  indicator: MetadataObject,
  query: AnalyticsQuery,
  plan: DisaggregationPlan | undefined,
): { readonly ok: true; readonly columns: CategoryColumns | undefined } | CompileFailure {
  const empty = query.categories.find((category) => category.options.length === 0);
  if (empty) return sqlFailure(indicator, '42601', 'syntax error at or near ")"');
  const columns = plan ? compiled.categoryColumns(plan.sources) : undefined;
  if (columns && !columns.ok) return columns;
  for (const category of plainCategories(query.categories, plan)) {
    if (isProgramAttributeCategory(ctx, indicator, category.id))
      return compileFailure(indicator, {
        reason: `the attribute category ${category.id} as a dimension or filter: the sandbox's analytics rows keep no attribute option combo`,
      });
    return sqlFailure(indicator, '42703', `column ax.${category.id} does not exist`);
  }
  return { ok: true, columns: columns?.columns };
}

function sqlFailure(indicator: MetadataObject, sqlState: string, message: string): CompileFailure {
  return compileFailure(indicator, {
    reason: `DHIS2's SQL fails in PostgreSQL (${sqlState}): ${message}`,
    dhis2Error: { code: 'E7145', sqlState, dbMessage: `ERROR: ${message}` },
  });
}
