import {
  CONCAT_MAX_ARGUMENTS,
  type CompiledCategoryColumn,
  renderCategoryColumn,
  typeCategoryColumn,
} from './engine/category-columns.ts';
import type { PiContext } from './engine/columns.ts';
import type { EvalEnv } from './engine/sql-types.ts';
import { compileFailure, failureOf } from './failure.ts';
import type {
  AnalyticsRow,
  CategoryColumnSource,
  CategoryColumns,
  CategoryGrouping,
  CompileFailure,
} from './types.ts';

/*
 * The grouping half of 2.42 program indicator disaggregation: each row that passes the indicator's own
 * query gets one cell per category column, the query's WHERE and GROUP BY over those cells decide its
 * group (`JdbcEventAnalyticsManager.getWhereClause`, `AbstractJdbcEventAnalyticsManager
 * .getGroupByClause`), and the indicator is aggregated per group.
 */

/** The compiled columns behind each `CategoryColumns` handed out by one indicator. */
export type ColumnRegistry = WeakMap<CategoryColumns, readonly CompiledCategoryColumn[]>;

/**
 * Compiles the columns in DHIS2's order: the option filters parsed and rendered while the SQL is built
 * (a `ParserException` fails the request), then PostgreSQL reads the statement (2.42.0's `concat()` over
 * its argument limit, then the type of every filter).
 */
export function compileCategoryColumns(
  indicator: { readonly id: string; readonly name?: unknown },
  context: PiContext,
  sources: readonly CategoryColumnSource[],
  registry: ColumnRegistry,
): { readonly ok: true; readonly columns: CategoryColumns } | CompileFailure {
  try {
    const rendered = sources.map((source) => renderCategoryColumn(context, source));
    const tooLong = context.dialect.categoryColumnConcat
      ? sources.find((source) => source.options.length > CONCAT_MAX_ARGUMENTS)
      : undefined;
    if (tooLong)
      return compileFailure(indicator, {
        reason: `2.42.0 runs the ${tooLong.options.length} option mappings of category ${tooLong.category} together with concat(), which PostgreSQL refuses`,
        dhis2Error: {
          code: 'E7131',
          sqlState: '54023',
          dbMessage: `ERROR: cannot pass more than ${CONCAT_MAX_ARGUMENTS} arguments to a function`,
        },
      });
    const compiled = rendered.map(typeCategoryColumn);
    const columns: CategoryColumns = { categories: sources.map((source) => source.category) };
    registry.set(columns, compiled);
    return { ok: true, columns };
  } catch (error) {
    return compileFailure(indicator, failureOf(error));
  }
}

/** The passing rows grouped by the cells `grouping` keeps, in the order the groups first appear. */
export function groupRows(
  registry: ColumnRegistry,
  columns: CategoryColumns,
  grouping: CategoryGrouping,
  env: EvalEnv,
  passing: readonly AnalyticsRow[],
): { cells: readonly string[]; rows: AnalyticsRow[] }[] {
  const compiled = registry.get(columns);
  if (!compiled) throw new Error('category columns compiled for another program indicator');
  const groups = new Map<string, { cells: readonly string[]; rows: AnalyticsRow[] }>();
  for (const row of passing) {
    const cells = grouping(compiled.map((column) => column.cell(row, env)));
    if (!cells) continue;
    const key = JSON.stringify(cells);
    const group = groups.get(key);
    if (group) group.rows.push(row);
    else groups.set(key, { cells, rows: [row] });
  }
  return [...groups.values()];
}
