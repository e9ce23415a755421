import { order, SqlError } from './evaluate.ts';
import {
  category,
  coerce,
  combine,
  commonType,
  type Expr,
  isInteger,
  isNumeric,
  pgName,
  SandboxGap,
  SqlStaticError,
  type SqlType,
  type Value,
} from './sql-types.ts';

/**
 * PostgreSQL's operators over the fragments DHIS2 emits: arithmetic (integer division between
 * integers: `1/2` is 0 before literals were cast, 2.39.10/2.40.8/2.41.4/2.42.0), comparison,
 * three-valued logic, `is null`, `in`, `case` — each with PostgreSQL's operator resolution, so a
 * mismatch DHIS2 lets through fails here as it fails there.
 */
const noOperator = (op: string, a: SqlType, b?: SqlType) =>
  new SqlStaticError(
    '42883',
    b === undefined
      ? `operator does not exist: ${op} ${pgName(a)}`
      : `operator does not exist: ${pgName(a)} ${op} ${pgName(b)}`,
  );

/** Both sides typed as PostgreSQL types them: an untyped literal takes the other side's type. */
function resolve(op: string, a: Expr, b: Expr): [Expr, Expr] {
  if (a.type === 'unknown' && b.type === 'unknown') {
    if (['=', '<>', '<', '>', '<=', '>='].includes(op))
      return [coerce(a, 'text'), coerce(b, 'text')];
    throw new SqlStaticError('42725', `operator is not unique: unknown ${op} unknown`);
  }
  return [coerce(a, b.type), coerce(b, a.type)];
}

function numericResult(op: string, a: SqlType, b: SqlType): SqlType {
  if (op === '^') return a === 'numeric' || b === 'numeric' ? 'numeric' : 'double precision';
  if (op === '%' && (a === 'double precision' || b === 'double precision'))
    throw noOperator(op, a, b);
  const rank: SqlType[] = ['integer', 'bigint', 'numeric', 'double precision'];
  return rank[Math.max(rank.indexOf(a), rank.indexOf(b))]!;
}

function power(x: number, y: number): number {
  if (x === 0 && y < 0) throw new SqlError('2201F', 'zero raised to a negative power is undefined');
  if (x < 0 && !Number.isInteger(y))
    throw new SqlError(
      '2201F',
      'a negative number raised to a non-integer power yields a complex result',
    );
  return x ** y;
}

function arithmeticValue(op: string, type: SqlType, x: number, y: number): number {
  switch (op) {
    case '+':
      return x + y;
    case '-':
      return x - y;
    case '*':
      return x * y;
    case '^':
      return power(x, y);
    default: {
      if (y === 0) throw new SqlError('22012', 'division by zero');
      if (op === '%') return x % y;
      return isInteger(type) ? Math.trunc(x / y) : x / y;
    }
  }
}

const DAY = 86_400_000;
const dayNumber = (date: string) => Date.parse(`${date.slice(0, 10)}T00:00:00Z`) / DAY;
const dateOf = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);

/** `date - date` (days), `date ± integer`; other date arithmetic is an interval, not modelled. */
function dateArithmetic(op: string, a: Expr, b: Expr): Expr {
  if (a.type === 'date' && b.type === 'date' && op === '-')
    return combine('integer', [a, b], (ctx) => {
      const [x, y] = [a.eval(ctx), b.eval(ctx)];
      return x === null || y === null ? null : dayNumber(String(x)) - dayNumber(String(y));
    });
  const [date, days, sign] =
    a.type === 'date' && isInteger(b.type) && (op === '+' || op === '-')
      ? [a, b, op === '-' ? -1 : 1]
      : b.type === 'date' && isInteger(a.type) && op === '+'
        ? [b, a, 1]
        : [undefined, undefined, 0];
  if (date && days)
    return combine('date', [a, b], (ctx) => {
      const [x, n] = [date.eval(ctx), days.eval(ctx)];
      return x === null || n === null ? null : dateOf(dayNumber(String(x)) + sign * Number(n));
    });
  if (category(a.type) === 'datetime' && category(b.type) === 'datetime' && op === '-')
    throw new SandboxGap('date arithmetic giving an interval');
  throw noOperator(op, a.type, b.type);
}

export function arithmetic(op: string, left: Expr, right: Expr): Expr {
  const [a, b] = resolve(op, left, right);
  if (!isNumeric(a.type) || !isNumeric(b.type)) {
    if (category(a.type) === 'datetime' || category(b.type) === 'datetime')
      return dateArithmetic(op, a, b);
    throw noOperator(op, a.type, b.type);
  }
  const type = numericResult(op, a.type, b.type);
  return combine(type, [a, b], (ctx) => {
    const x = a.eval(ctx);
    const y = b.eval(ctx);
    if (x === null || y === null) return null;
    return arithmeticValue(op, type, Number(x), Number(y));
  });
}

export function negate(op: '-' | '+', operand: Expr): Expr {
  if (operand.type === 'unknown')
    throw new SqlStaticError('42725', `operator is not unique: ${op} unknown`);
  if (!isNumeric(operand.type)) throw noOperator(op, operand.type);
  return combine(operand.type, [operand], (ctx) => {
    const x = operand.eval(ctx);
    return x === null ? null : op === '-' ? -Number(x) : Number(x);
  });
}

const COMPARE: Record<string, (c: number) => boolean> = {
  '=': (c) => c === 0,
  '<>': (c) => c !== 0,
  '<': (c) => c < 0,
  '>': (c) => c > 0,
  '<=': (c) => c <= 0,
  '>=': (c) => c >= 0,
};

/** `a = b`, `a <> b`, `a < b`…: one category on both sides, or "operator does not exist". */
export function comparison(op: string, left: Expr, right: Expr): Expr {
  const [a, b] = resolve(op, left, right);
  const cat = category(a.type);
  if (cat !== category(b.type) || cat === 'unknown') throw noOperator(op, a.type, b.type);
  if (cat === 'array') throw new SandboxGap('array comparison');
  const test = COMPARE[op]!;
  return combine('boolean', [a, b], (ctx) => {
    const x = a.eval(ctx);
    const y = b.eval(ctx);
    return x === null || y === null ? null : test(order(x, y));
  });
}

/** An operand of AND, OR, NOT, WHERE or CASE WHEN must be boolean (an untyped literal is read as one). */
export function asBoolean(expr: Expr, context: string): Expr {
  const typed = coerce(expr, 'boolean');
  if (typed.type !== 'boolean')
    throw new SqlStaticError(
      '42804',
      `argument of ${context} must be type boolean, not type ${pgName(typed.type)}`,
    );
  return typed;
}

export function logical(op: 'and' | 'or', left: Expr, right: Expr): Expr {
  const a = asBoolean(left, op.toUpperCase());
  const b = asBoolean(right, op.toUpperCase());
  const decisive = op === 'or';
  return combine('boolean', [a, b], (ctx) => {
    const x = a.eval(ctx);
    if (x === decisive) return decisive;
    const y = b.eval(ctx);
    if (y === decisive) return decisive;
    return x === null || y === null ? null : !decisive;
  });
}

export function not(operand: Expr): Expr {
  const a = asBoolean(operand, 'NOT');
  return combine('boolean', [a], (ctx) => {
    const x = a.eval(ctx);
    return x === null ? null : !x;
  });
}

export function isNull(operand: Expr, negated: boolean): Expr {
  return combine('boolean', [operand], (ctx) => (operand.eval(ctx) === null) !== negated);
}

/** `x in (a, b, …)`: `x = a or x = b …` (PostgreSQL falls back to that when no common type exists). */
export function inList(subject: Expr, candidates: readonly Expr[]): Expr {
  const tests = candidates.map((candidate) => comparison('=', subject, candidate));
  return combine('boolean', [subject, ...candidates], (ctx) => {
    let unknown = false;
    for (const test of tests) {
      const result = test.eval(ctx);
      if (result === true) return true;
      if (result === null) unknown = true;
    }
    return unknown ? null : false;
  });
}

/** `case when c1 then v1 … else e end` (no else: NULL); the result type as `select_common_type` picks it. */
export function searchedCase(whens: readonly [Expr, Expr][], otherwise: Expr | undefined): Expr {
  const conditions = whens.map(([c]) => asBoolean(c, 'CASE/WHEN'));
  const elseExpr = otherwise ?? {
    type: 'unknown' as const,
    level: 'const' as const,
    eval: () => null,
    nullLiteral: true,
  };
  // transformCaseExpr puts the ELSE first when it resolves the type.
  const type = commonType([elseExpr, ...whens.map(([, v]) => v)], 'CASE');
  const values = whens.map(([, v]) => coerce(v, type));
  const fallback = coerce(elseExpr, type);
  return combine(type, [...conditions, ...values, fallback], (ctx) => {
    for (const [i, condition] of conditions.entries())
      if (condition.eval(ctx) === true) return values[i]!.eval(ctx);
    return fallback.eval(ctx);
  });
}

/** ` case X when W then T else E end` (`FunctionRemoveZeros`): X = W decides. */
export function simpleCase(subject: Expr, when: Expr, then: Expr, otherwise: Expr): Expr {
  const test = comparison('=', subject, when);
  return searchedCase([[test, then]], otherwise);
}

/** `coalesce`, `greatest`, `least`: one common type; greatest and least ignore NULLs. */
export function variadic(name: 'coalesce' | 'greatest' | 'least', args: readonly Expr[]): Expr {
  const type = commonType(args, name.toUpperCase());
  const typed = args.map((arg) => coerce(arg, type));
  if (type.endsWith('[]')) throw new SandboxGap(`${name} of arrays`);
  return combine(type, typed, (ctx) => {
    let best: Value = null;
    for (const arg of typed) {
      const value = arg.eval(ctx);
      if (value === null) continue;
      if (name === 'coalesce') return value;
      if (best === null || (name === 'greatest' ? order(value, best) > 0 : order(value, best) < 0))
        best = value;
    }
    return best;
  });
}

/** `nullif(a, b)`: NULL when a = b, else a. */
export function nullIf(a: Expr, b: Expr): Expr {
  const test = comparison('=', a, b);
  return combine(a.type, [a, b], (ctx) => (test.eval(ctx) === true ? null : a.eval(ctx)));
}
