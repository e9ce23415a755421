import { type Node, parseExpression } from './parser.ts';

export type Value = number | string | boolean | null;

/** What an expression can read about one row (an event, or an enrollment with its events). */
export interface Scope {
  dataElement(stage: string, dataElement: string): Value;
  attribute(attribute: string): Value;
  variable(name: string): Value;
  stageEventDate(stage: string): Value;
  constant(id: string): Value;
  /** Values of a data element over the row's events of a stage (d2:count and friends). */
  stageValues(stage: string, dataElement: string): Value[];
  /** In expressions a missing number counts as 0; in filters a missing value makes a comparison false. */
  readonly missingAsZero: boolean;
}

export class UnsupportedExpressionError extends Error {
  readonly type = 'unsupported-expression';
}

/**
 * What makes PostgreSQL fail DHIS2's analytics query: a division by zero (SQLSTATE 22012), which DHIS2
 * answers with E7132 "Expression violation" (`AnalyticsUtils.withExceptionHandling`).
 */
export class SqlError extends Error {
  readonly type = 'sql-error';
  constructor(
    readonly sqlState: string,
    message: string,
  ) {
    super(message);
  }
}

const isDate = (value: Value): value is string =>
  typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value);
const day = (value: string) =>
  Date.UTC(Number(value.slice(0, 4)), Number(value.slice(5, 7)) - 1, Number(value.slice(8, 10)));

/** Whole months from a to b, as PostgreSQL's age() counts them (DHIS2's d2:monthsBetween SQL). */
function monthsBetween(a: string, b: string): number {
  const [ay, am, ad] = [Number(a.slice(0, 4)), Number(a.slice(5, 7)), Number(a.slice(8, 10))];
  const [by, bm, bd] = [Number(b.slice(0, 4)), Number(b.slice(5, 7)), Number(b.slice(8, 10))];
  let months = (by - ay) * 12 + (bm - am);
  if (months > 0 && bd < ad) months -= 1;
  if (months < 0 && bd > ad) months += 1;
  return months;
}

function between(name: string, a: Value, b: Value): Value {
  if (!isDate(a) || !isDate(b)) return null;
  const days = (day(b) - day(a)) / 86_400_000;
  switch (name) {
    case 'd2:daysBetween':
      return days;
    case 'd2:weeksBetween':
      return Math.trunc(days / 7);
    case 'd2:monthsBetween':
      return monthsBetween(a, b);
    case 'd2:yearsBetween':
      return Math.trunc(monthsBetween(a, b) / 12);
    case 'd2:minutesBetween':
      return days * 24 * 60;
    default:
      return null;
  }
}

function toNumber(value: Value, missingAsZero: boolean): number | null {
  if (value === null) return missingAsZero ? 0 : null;
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  const number = Number(value);
  return value.trim() !== '' && Number.isFinite(number) ? number : null;
}

function truthy(value: Value): boolean {
  return value === true || (typeof value === 'number' && value !== 0) || value === 'true';
}

function compare(op: string, left: Value, right: Value): Value {
  if (left === null || right === null) return false;
  let a: number | string | boolean = left;
  let b: number | string | boolean = right;
  if (typeof a === 'number' || typeof b === 'number') {
    const x = toNumber(left, false);
    const y = toNumber(right, false);
    if (x !== null && y !== null) [a, b] = [x, y];
    else [a, b] = [String(left), String(right)];
  } else if (typeof a === 'boolean' || typeof b === 'boolean') {
    [a, b] = [truthy(left), truthy(right)];
  }
  switch (op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    default:
      return a >= b;
  }
}

function arithmetic(op: string, left: Value, right: Value, scope: Scope): Value {
  const a = toNumber(left, scope.missingAsZero);
  const b = toNumber(right, scope.missingAsZero);
  if (a === null || b === null) return null;
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
    case '%':
      if (b === 0) throw new SqlError('22012', 'division by zero');
      return op === '/' ? a / b : a % b;
    default:
      return a ** b;
  }
}

/** `'>= 2'` or `'== 3'` as d2:countIfCondition takes it. */
function conditionHolds(condition: string, value: Value): boolean {
  const match = /^\s*(==|!=|<=|>=|<|>)\s*(.+)$/.exec(condition);
  if (!match) return false;
  const operand = parseExpression(match[2]!);
  const right =
    operand.type === 'number' || operand.type === 'string' || operand.type === 'boolean'
      ? operand.value
      : null;
  return truthy(compare(match[1]!, value, right));
}

type Call = Extract<Node, { type: 'call' }>;

/** Evaluates where a missing value stays null, as tests for nulls and conditions need it. */
const strictly = (node: Node, scope: Scope) => evaluate(node, { ...scope, missingAsZero: false });

function call(node: Call, scope: Scope): Value {
  switch (node.name) {
    case 'if':
    case 'd2:condition':
    case 'd2:hasValue':
    case 'isNotNull':
    case 'isNull':
    case 'firstNonNull':
      return conditional(node, scope);
    case 'greatest':
    case 'least':
    case 'd2:zing':
    case 'd2:oizp':
    case 'd2:zpvc':
      return numeric(node, scope);
    case 'd2:daysBetween':
    case 'd2:weeksBetween':
    case 'd2:monthsBetween':
    case 'd2:yearsBetween':
    case 'd2:minutesBetween':
      return between(node.name, strictly(node.args[0]!, scope), strictly(node.args[1]!, scope));
    case 'd2:count':
    case 'd2:countIfValue':
    case 'd2:countIfCondition':
      return stageCount(node, scope);
    case 'd2:relationshipCount':
      // The sandbox stores no relationships: every count is 0, as for a registry without them.
      return 0;
    default:
      throw new UnsupportedExpressionError(
        `the function ${node.name} is not supported by the sandbox`,
      );
  }
}

/** `if`, `d2:condition` and the null tests. */
function conditional(node: Call, scope: Scope): Value {
  const arg = (i: number) => evaluate(node.args[i]!, scope);
  switch (node.name) {
    case 'if':
      return truthy(arg(0)) ? arg(1) : arg(2);
    case 'd2:condition': {
      const condition = node.args[0];
      if (condition?.type !== 'string')
        throw new UnsupportedExpressionError('d2:condition needs a quoted condition');
      return truthy(strictly(parseExpression(condition.value), scope)) ? arg(1) : arg(2);
    }
    case 'd2:hasValue':
    case 'isNotNull':
      return strictly(node.args[0]!, scope) !== null;
    case 'isNull':
      return strictly(node.args[0]!, scope) === null;
    default: // firstNonNull
      return node.args.map((a) => strictly(a, scope)).find((v) => v !== null) ?? null;
  }
}

/** `greatest`, `least`, and the zero-aware d2:zing, d2:oizp and d2:zpvc. */
function numeric(node: Call, scope: Scope): Value {
  switch (node.name) {
    case 'greatest':
    case 'least': {
      const numbers = node.args
        .map((a) => toNumber(evaluate(a, scope), false))
        .filter((v): v is number => v !== null);
      return numbers.length === 0
        ? null
        : node.name === 'greatest'
          ? Math.max(...numbers)
          : Math.min(...numbers);
    }
    case 'd2:zing': {
      const v = toNumber(evaluate(node.args[0]!, scope), scope.missingAsZero);
      return v === null ? null : Math.max(0, v);
    }
    case 'd2:oizp': {
      const v = toNumber(evaluate(node.args[0]!, scope), scope.missingAsZero);
      return v === null ? null : v >= 0 ? 1 : 0;
    }
    default: // d2:zpvc
      return node.args
        .map((a) => toNumber(strictly(a, scope), false))
        .filter((v) => v !== null && v >= 0).length;
  }
}

/** d2:count, d2:countIfValue and d2:countIfCondition over a data element's values in a stage. */
function stageCount(node: Call, scope: Scope): Value {
  const stageItem = () => {
    const first = node.args[0];
    if (first?.type !== 'dataElement')
      throw new UnsupportedExpressionError(`${node.name} needs a #{stage.dataElement} argument`);
    return scope.stageValues(first.stage, first.dataElement);
  };
  switch (node.name) {
    case 'd2:count':
      return stageItem().filter((v) => v !== null).length;
    case 'd2:countIfValue': {
      const wanted = evaluate(node.args[1]!, scope);
      return stageItem().filter((v) => v !== null && truthy(compare('==', v, wanted))).length;
    }
    default: {
      // d2:countIfCondition
      const condition = node.args[1];
      if (condition?.type !== 'string')
        throw new UnsupportedExpressionError('d2:countIfCondition needs a quoted condition');
      return stageItem().filter((v) => v !== null && conditionHolds(condition.value, v)).length;
    }
  }
}

export function evaluate(node: Node, scope: Scope): Value {
  switch (node.type) {
    case 'number':
    case 'string':
    case 'boolean':
      return node.value;
    case 'dataElement':
      return scope.dataElement(node.stage, node.dataElement);
    case 'attribute':
      return scope.attribute(node.attribute);
    case 'variable':
      return scope.variable(node.name);
    case 'constant':
      return scope.constant(node.id);
    case 'stageEventDate':
      return scope.stageEventDate(node.stage);
    case 'call':
      return call(node, scope);
    case 'unary': {
      const value = evaluate(node.operand, scope);
      if (node.op === '!') return value === null ? null : !truthy(value);
      const number = toNumber(value, scope.missingAsZero);
      return number === null ? null : -number;
    }
    case 'binary': {
      if (node.op === '&&')
        return truthy(evaluate(node.left, scope)) && truthy(evaluate(node.right, scope));
      if (node.op === '||')
        return truthy(evaluate(node.left, scope)) || truthy(evaluate(node.right, scope));
      const left = evaluate(node.left, scope);
      const right = evaluate(node.right, scope);
      if (['==', '!=', '<', '<=', '>', '>='].includes(node.op))
        return compare(node.op, left, right);
      return arithmetic(node.op, left, right, scope);
    }
  }
}

export { truthy };
