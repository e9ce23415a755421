import type { AnalyticsRow, CategoryColumnSource } from '../types.ts';
import type { PiContext } from './columns.ts';
import { parseExpression } from './parser.ts';
import { render } from './render.ts';
import { asBoolean } from './sql-ops.ts';
import { type SqlToken, sqlParse } from './sql-parse.ts';
import { type EvalEnv, SqlStaticError } from './sql-types.ts';

/**
 * The category columns of 2.42 program indicator disaggregation (`PiDisagQueryGenerator
 * .getCategoryColumnSql`, 2.42.0–2.43.1): per category, `case when <filter> then 'optionUid' else ''
 * end` for each option mapping, run together (`concat(…)` in 2.42.0, `(… || …)` from 2.42.1,
 * `PostgreSqlBuilder.concat`). A row's cell is therefore '' (no filter holds), one UID, or several UIDs
 * run together: no option wins. Each filter is the indicator's own expression language, rendered with
 * `getAnalyticsSqlAllowingNulls` (no null replacement: a missing value makes a comparison NULL, and
 * NULL is no match) and without `ExpressionUtils.asSql`, which only the indicator's filter goes through.
 */
export interface CompiledCategoryColumn {
  readonly category: string;
  cell(row: AnalyticsRow, env: EvalEnv): string;
}

/**
 * PostgreSQL's limit on a function's arguments (`FUNC_MAX_ARGS`, 100): 2.42.0's `concat()` of more
 * option mappings fails with 54023, which Spring reads as a resource failure (class 54,
 * `SQLStateSQLExceptionTranslator`) and analytics answers with E7131 (`withExceptionHandling`).
 * 2.42.1 (DHIS2-19663) switched to `||` for this reason.
 */
export const CONCAT_MAX_ARGUMENTS = 100;

/** A column whose option filters DHIS2 has parsed and rendered as SQL, not yet read by PostgreSQL. */
export interface RenderedCategoryColumn {
  readonly source: CategoryColumnSource;
  readonly options: readonly {
    readonly optionId: string;
    readonly tokens: SqlToken[] | undefined;
  }[];
}

/** DHIS2's part: each option filter parsed and rendered (`ParserException` → Dhis2ParseError). */
export function renderCategoryColumn(
  context: PiContext,
  source: CategoryColumnSource,
): RenderedCategoryColumn {
  const options = source.options.map((option) => ({
    optionId: option.optionId,
    tokens:
      option.filter === null
        ? undefined
        : render(parseExpression(option.filter, context.dialect), {
            pi: context,
            mode: 'BOOLEAN' as const,
            replaceNulls: false,
            filterText: false,
          }),
  }));
  return { source, options };
}

/**
 * PostgreSQL's part: every filter must be a boolean (`CASE/WHEN`) without aggregates, which it names by
 * the clause the column stands in: GROUP BY when it is selected and grouped by, else WHERE.
 */
export function typeCategoryColumn(rendered: RenderedCategoryColumn): CompiledCategoryColumn {
  const clause = rendered.source.grouped ? 'GROUP BY' : 'WHERE';
  const tests = rendered.options.map(({ optionId, tokens }) => {
    if (!tokens) return { optionId, test: undefined };
    const test = asBoolean(sqlParse(tokens), 'CASE/WHEN');
    if (test.level === 'agg' || test.level === 'mixed')
      throw new SqlStaticError('42803', `aggregate functions are not allowed in ${clause}`);
    return { optionId, test };
  });
  return {
    category: rendered.source.category,
    cell(row, env) {
      let cell = '';
      // `case when null then …` (a mapping without a filter, DefaultProgramIndicatorService returns
      // null for a null expression) never matches.
      for (const { optionId, test } of tests)
        if (test && test.eval({ env, row }) === true) cell += optionId;
      return cell;
    },
  };
}
