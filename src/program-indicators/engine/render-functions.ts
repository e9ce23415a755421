import { Dhis2ParseError, type Node } from './parser.ts';
import { programFunction } from './render-program-functions.ts';
import { type Render, type RenderState, requireItem } from './render-state.ts';
import { type AggregateName, aggregate } from './sql-aggregates.ts';
import { containsAllItems, logarithm, logBase, position } from './sql-functions.ts';
import { comparison, logical, searchedCase, simpleCase, variadic } from './sql-ops.ts';
import { atom, type SqlToken, sqlParse } from './sql-parse.ts';
import { constant, type Expr } from './sql-types.ts';

/**
 * The functions of `ParserUtils.COMMON_EXPRESSION_ITEMS` and the vector functions, as their `getSql`
 * writes them; the `d2:` functions are in render-program-functions.ts.
 */
type Call = Extract<Node, { type: 'call' }>;

const VECTOR: Record<string, AggregateName> = {
  avg: 'avg',
  count: 'count',
  max: 'max',
  min: 'min',
  stddev: 'stddev_samp',
  sum: 'sum',
  variance: 'variance',
};

/** `FunctionIf`: ` case when C then A else B end`, C asked for as a boolean. */
function ifThenElse(args: readonly Node[], state: RenderState, render: Render): SqlToken[] {
  const [c, a, b] = args.map((arg, i) =>
    render(arg, i === 0 ? { ...state, mode: 'BOOLEAN' } : state),
  );
  return [atom(() => searchedCase([[sqlParse(c!), sqlParse(a!)]], sqlParse(b!)))];
}

function commonFunction(node: Call, state: RenderState, render: Render): SqlToken[] | undefined {
  const args = node.args;
  // Each argument as `castStringVisit` renders it: same data type, same null replacement.
  const each = (nodes: readonly Node[]) => nodes.map((arg) => render(arg, state));
  switch (node.name) {
    case 'if':
      return ifThenElse(args, state, render);
    case 'firstNonNull':
    case 'greatest':
    case 'least': {
      // FunctionFirstNonNull: `coalesce(…)` of arguments still null-replaced.
      const parts = each(args);
      const name = node.name === 'firstNonNull' ? 'coalesce' : node.name;
      return [atom(() => variadic(name, parts.map(sqlParse)))];
    }
    case 'isNull':
    case 'isNotNull':
      // `X is [not] null`, X visited allowing nulls, no parentheses.
      return [
        ...render(args[0]!, { ...state, replaceNulls: false }),
        { t: 'is', negated: node.name === 'isNotNull' },
      ];
    case 'log': {
      const [x, base] = each(args);
      return [
        atom(() => (base ? logBase(sqlParse(base), sqlParse(x!)) : logarithm('ln', sqlParse(x!)))),
      ];
    }
    case 'log10': {
      const x = render(args[0]!, state);
      return [atom(() => logarithm('log', sqlParse(x)))];
    }
    case 'removeZeros': {
      // ` case X when 0 then null else X end`
      const x = render(args[0]!, state);
      const nothing: Expr = {
        type: 'unknown',
        level: 'const',
        nullLiteral: true,
        eval: () => null,
      };
      return [atom(() => simpleCase(sqlParse(x), constant('integer', 0), nothing, sqlParse(x)))];
    }
    case 'contains':
    case 'containsItems':
      return textSearch(node, state, render);
    default:
      return undefined;
  }
}

/**
 * `FunctionContains`: `(position(S1 in X)>0 and position(S2 in X)>0 …)`, substrings;
 * `FunctionContainsItems`: `(regexp_split_to_array(X,',') @> ARRAY[S1,S2,…])`, whole comma-separated items.
 */
function textSearch(node: Call, state: RenderState, render: Render): SqlToken[] {
  const [subject, ...searches] = node.args.map((arg) => render(arg, state));
  if (node.name === 'containsItems')
    return [
      atom(() => {
        const comma: Expr = { type: 'unknown', level: 'const', literal: ',', eval: () => ',' };
        return containsAllItems(sqlParse(subject!), comma, searches.map(sqlParse));
      }),
    ];
  return [
    atom(() => {
      const tests = searches.map((search) =>
        comparison('>', position(sqlParse(search), sqlParse(subject!)), constant('integer', 0)),
      );
      return tests.reduce((all, test) => logical('and', all, test));
    }),
  ];
}

/** Vector functions (`VectorFunction.getSql`): `avg(X)`, `count([distinct ]X)`, …, X visited as is. */
function vectorFunction(node: Call, state: RenderState, render: Render): SqlToken[] {
  const arg = render(node.args[0]!, state);
  const name = VECTOR[node.name]!;
  return [atom(() => aggregate(name, sqlParse(arg), node.distinct === true))];
}

export function renderCall(node: Call, state: RenderState, render: Render): SqlToken[] {
  requireItem(state, node.name, `${node.name}(`);
  if (node.name in VECTOR) return vectorFunction(node, state, render);
  const common = commonFunction(node, state, render);
  if (common) return common;
  const program = programFunction(node, state, render);
  if (program) return program;
  throw new Dhis2ParseError(`Item ${node.name}( not supported for this type of expression`);
}
