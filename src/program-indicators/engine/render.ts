import { Dhis2ParseError, type Node } from './parser.ts';
import { renderCall } from './render-functions.ts';
import { attributeColumn, dataElementColumn, stageEventDate } from './render-items.ts';
import {
  numberLiteral,
  type RenderState,
  requireItem,
  stringLiteral,
  typed,
} from './render-state.ts';
import { atom, op, type SqlToken } from './sql-parse.ts';
import { constant } from './sql-types.ts';
import { variableColumn } from './variables.ts';

export type { RenderState } from './render-state.ts';

/**
 * DHIS2's `CommonExpressionVisitor` in ITEM_GET_SQL mode: what SQL each node of a program indicator
 * expression becomes (`getSql` of every item class), as SQL tokens PostgreSQL then re-reads.
 */

const COMPARISON: Record<string, string> = {
  '==': '=',
  '!=': '!=',
  '<': '<',
  '>': '>',
  '<=': '<=',
  '>=': '>=',
};

function binary(node: Extract<Node, { type: 'binary' }>, state: RenderState): SqlToken[] {
  if (node.op in COMPARISON) {
    // OperatorCompare*: both sides `sqlNumericVisit`.
    const numeric = { ...state, mode: 'NUMERIC' as const };
    return [
      ...render(node.left, numeric),
      op(COMPARISON[node.op]!),
      ...render(node.right, numeric),
    ];
  }
  const sqlOp = node.op === '&&' ? 'and' : node.op === '||' ? 'or' : node.op;
  return [...render(node.left, state), op(sqlOp), ...render(node.right, state)];
}

/** The SQL tokens of a node. */
export function render(node: Node, state: RenderState): SqlToken[] {
  switch (node.type) {
    case 'number':
      return [atom(() => numberLiteral(node.text, state))];
    case 'string':
      return [atom(() => stringLiteral(node.value, state))];
    case 'boolean':
      return [atom(() => constant('boolean', node.value))];
    case 'null':
      requireItem(state, 'null');
      return [
        atom(() => ({ type: 'unknown', level: 'const', nullLiteral: true, eval: () => null })),
      ];
    case 'paren':
      return [atom(typed(render(node.inner, state)))];
    case 'unary':
      return [op(node.op === '!' ? 'not' : node.op), ...render(node.operand, state)];
    case 'binary':
      return binary(node, state);
    case 'call':
      return renderCall(node, state, render);
    case 'is': {
      requireItem(state, 'is', 'is(');
      const list = node.candidates.map((candidate) => typed(render(candidate, state)));
      return [...render(node.subject, state), { t: 'in', list }];
    }
    case 'stageOffset':
      requireItem(state, '.stageOffset', '.stageOffset(');
      return render(node.operand, { ...state, stageOffset: node.offset });
    case 'dataElement':
      return [dataElementColumn(node.stage, node.dataElement, state)];
    case 'attribute':
      return [attributeColumn(node.attribute, state)];
    case 'variable':
      return variableColumn(node.name, state);
    case 'constant':
      return constantTokens(node.id, state);
    case 'stageEventDate':
      return [stageEventDate(node.stage, state)];
    case 'rejected':
      throw new Dhis2ParseError(node.message);
  }
}

/** `ItemConstant.getSql`: `Double.toString(value)`, a numeric literal (a negative one a unary minus). */
function constantTokens(id: string, state: RenderState): SqlToken[] {
  const value = state.pi.constant(id);
  if (value === undefined) throw new Dhis2ParseError(`Can't find constant for SQL ${id}`);
  const literal = atom(() => constant('numeric', Math.abs(value)));
  return value < 0 ? [op('-'), literal] : [literal];
}
