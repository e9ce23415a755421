import { missingColumn, type PiContext } from './columns.ts';
import { Dhis2ParseError, type Node } from './parser.ts';
import { cast } from './sql-functions.ts';
import { variadic } from './sql-ops.ts';
import { atom, op, type SqlToken, sqlParse } from './sql-parse.ts';
import { constant, type Expr, type SqlType } from './sql-types.ts';

/**
 * DHIS2's `CommonExpressionVisitor` in ITEM_GET_SQL mode: what SQL each node of a program indicator
 * expression becomes (`getSql` of every item class), as SQL tokens PostgreSQL then re-reads. The state
 * is the visitor's: the data type asked for (`ExpressionParams.dataType`: NUMERIC for the expression,
 * BOOLEAN for a filter and for conditions), whether nulls are replaced (`ExpressionState.replaceNulls`),
 * and the stage offset in force. A node DHIS2 cannot render throws Dhis2ParseError as it does.
 */
export interface RenderState {
  readonly pi: PiContext;
  readonly mode: 'NUMERIC' | 'BOOLEAN';
  readonly replaceNulls: boolean;
  readonly stageOffset?: number | undefined;
  /** Inside a filter, whose SQL `ExpressionUtils.asSql` rewrites (`&&`, `||`, `==` in literals too). */
  readonly filterText: boolean;
}

/** The PI item map of the version: an item outside it is refused as `CommonExpressionVisitor.visitExpr` does. */
export function requireItem(state: RenderState, key: string, token = key): void {
  if (!state.pi.dialect.items.has(key))
    throw new Dhis2ParseError(`Item ${token} not supported for this type of expression`);
}

/** Builds a fragment once its tokens' types are resolved. */
export const typed = (tokens: readonly SqlToken[]) => () => sqlParse(tokens);

/** `SqlLiteral.getNumericLiteral`: the text, cast `::numeric` from 2.39.10/2.40.8/2.41.4/2.42.0. */
export function numberLiteral(text: string, state: RenderState): Expr {
  const value = Number(text);
  if (state.pi.dialect.numericLiteralCast) return constant('numeric', value);
  const integer = /^\d+$/.test(text);
  const type: SqlType = !integer
    ? 'numeric'
    : value <= 2_147_483_647
      ? 'integer'
      : BigInt(text) <= 9_223_372_036_854_775_807n
        ? 'bigint'
        : 'numeric';
  return constant(type, value);
}

/** `SqlLiteral.getStringLiteral`; in a filter `ExpressionUtils.asSql` rewrites the text too. */
export function stringLiteral(value: string, state: RenderState): Expr {
  const text = state.filterText
    ? value.replaceAll('&&', 'and').replaceAll('||', 'or').replaceAll('==', '=')
    : value;
  return { type: 'unknown', level: 'const', literal: text, eval: () => text };
}

/** `ProgramExpressionItem.replaceNullSqlValues`, per version and data type asked for. */
export function replaceNulls(column: Expr, valueKind: 'number' | 'text', state: RenderState): Expr {
  const zero = constant('integer', 0);
  if (!state.pi.dialect.typedNullReplacement)
    return valueKind === 'number'
      ? variadic('coalesce', [cast(column, 'numeric'), zero])
      : variadic('coalesce', [column, stringLiteral('', state)]);
  if (valueKind === 'text')
    return variadic('coalesce', [cast(column, 'text'), stringLiteral('', state)]);
  if (state.mode === 'NUMERIC') return variadic('coalesce', [cast(column, 'numeric'), zero]);
  const test = sqlParse([atom(() => cast(column, 'numeric')), op('!='), atom(() => zero)]);
  return variadic('coalesce', [test, constant('boolean', false)]);
}

/** The renderer, handed to the modules of functions (they render their arguments with it). */
export type Render = (node: Node, state: RenderState) => SqlToken[];

/** Throws PostgreSQL's 42703 for a column the program's tables lack. */
export function requireColumn(
  state: RenderState,
  kind: 'dataElement' | 'attribute',
  id: string,
): void {
  const program = state.pi.program;
  const columns = kind === 'dataElement' ? program.dataElements : program.attributes;
  if (columns && !columns.has(id)) throw missingColumn(id);
}
