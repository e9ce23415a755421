import { parseOrFail, SqlError, toText } from './evaluate.ts';
import {
  category,
  coerce,
  combine,
  type Expr,
  isInteger,
  isNumeric,
  pgName,
  readText,
  SandboxGap,
  SqlStaticError,
  type SqlType,
  type Value,
} from './sql-types.ts';

/**
 * PostgreSQL's functions and casts in DHIS2's program indicator SQL: `::numeric`, `::text`,
 * `cast(x as date)`, `ln`, `log`, `position(… in …)`, `regexp_split_to_array(…) @> ARRAY[…]`, the
 * `age()` arithmetic of `d2:monthsBetween`/`d2:yearsBetween`, and the aggregates.
 */
const noFunction = (name: string, ...types: SqlType[]) =>
  new SqlStaticError('42883', `function ${name}(${types.map(pgName).join(', ')}) does not exist`);

/** `x::type` / `cast(x as type)`. */
export function cast(expr: Expr, to: SqlType): Expr {
  if (expr.type === 'unknown') return coerce(expr, to);
  const from = expr.type;
  if (from === to) return expr;
  const cannot = () =>
    new SqlStaticError('42846', `cannot cast type ${pgName(from)} to ${pgName(to)}`);
  let convert: (v: Value) => Value;
  if (to === 'text') convert = (v) => toText(v, from);
  else if (isNumeric(to) && isNumeric(from))
    convert = (v) => (isInteger(to) ? Math.round(Number(v)) : Number(v));
  else if (isNumeric(to) && from === 'text')
    convert = (v) => parseOrFail(String(v), to, (t) => readText(t, to));
  else if (category(to) === 'datetime' && from === 'text')
    convert = (v) => parseOrFail(String(v), to, (t) => readText(t, to));
  else if (to === 'date' && from === 'timestamp') convert = (v) => String(v).slice(0, 10);
  else if (to === 'timestamp' && from === 'date') convert = (v) => `${v} 00:00:00`;
  else if (to === 'boolean' && isInteger(from)) convert = (v) => Number(v) !== 0;
  else if (isInteger(to) && from === 'boolean') convert = (v) => (v ? 1 : 0);
  else throw cannot();
  return combine(to, [expr], (ctx) => {
    const value = expr.eval(ctx);
    return value === null ? null : convert(value);
  });
}

/** `ln(x)`, and `log(x)` (base 10): double precision for integers and doubles, numeric for numeric. */
export function logarithm(name: 'ln' | 'log', arg: Expr): Expr {
  if (arg.type === 'unknown')
    throw new SqlStaticError('42725', `function ${name}(unknown) is not unique`);
  if (!isNumeric(arg.type)) throw noFunction(name, arg.type);
  const type = arg.type === 'numeric' ? 'numeric' : 'double precision';
  return combine(type, [arg], (ctx) => {
    const x = arg.eval(ctx);
    if (x === null) return null;
    return log(Number(x), name === 'ln' ? Math.E : 10);
  });
}

function log(x: number, base: number): number {
  if (x === 0) throw new SqlError('2201E', 'cannot take logarithm of zero');
  if (x < 0) throw new SqlError('2201E', 'cannot take logarithm of a negative number');
  return base === Math.E ? Math.log(x) : Math.log(x) / Math.log(base);
}

/** `log(b, x)`: only `log(numeric, numeric)` exists. */
export function logBase(base: Expr, arg: Expr): Expr {
  const [b, x] = [coerce(base, 'numeric'), coerce(arg, 'numeric')];
  for (const part of [b, x])
    if (!isNumeric(part.type) || part.type === 'double precision')
      throw noFunction('log', b.type, x.type);
  return combine('numeric', [b, x], (ctx) => {
    const [bv, xv] = [b.eval(ctx), x.eval(ctx)];
    if (bv === null || xv === null) return null;
    if (Number(bv) === 1) throw new SqlError('22012', 'division by zero');
    return log(Number(xv), Number(bv));
  });
}

const textual = (e: Expr) => e.type === 'text' || e.type === 'unknown';

/** `position(s in x)`: the 1-based place of s in x, 0 when absent. */
export function position(search: Expr, subject: Expr): Expr {
  if (!textual(search) || !textual(subject))
    throw noFunction('pg_catalog.position', subject.type, search.type);
  const [s, x] = [coerce(search, 'text'), coerce(subject, 'text')];
  return combine('integer', [s, x], (ctx) => {
    const [sv, xv] = [s.eval(ctx), x.eval(ctx)];
    return sv === null || xv === null ? null : String(xv).indexOf(String(sv)) + 1;
  });
}

/** `regexp_split_to_array(x, ',') @> ARRAY[s1, …]`: every search is one whole item of x. */
export function containsAllItems(subject: Expr, separator: Expr, searches: readonly Expr[]): Expr {
  if (!textual(subject) || !textual(separator))
    throw noFunction('regexp_split_to_array', subject.type, separator.type);
  const element = searches.every(textual) ? 'text' : searches.find((s) => !textual(s))!.type;
  if (element !== 'text')
    throw new SqlStaticError('42883', `operator does not exist: text[] @> ${pgName(element)}[]`);
  const [x, sep] = [coerce(subject, 'text'), coerce(separator, 'text')];
  const items = searches.map((s) => coerce(s, 'text'));
  return combine('boolean', [x, sep, ...items], (ctx) => {
    const [xv, sv] = [x.eval(ctx), sep.eval(ctx)];
    if (xv === null || sv === null) return null;
    const parts = new Set(String(xv).split(String(sv)));
    // ARRAY[…] @> with a NULL element: the NULL is never contained.
    return items.every((item) => {
      const wanted = item.eval(ctx);
      return wanted !== null && parts.has(String(wanted));
    });
  });
}

/** PostgreSQL's `age(end, start)` between two dates, as years, months and days (borrowing from `start`'s month). */
function age(end: string, start: string): { years: number; months: number } {
  const [ey, em, ed] = end.slice(0, 10).split('-').map(Number) as [number, number, number];
  const [sy, sm, sd] = start.slice(0, 10).split('-').map(Number) as [number, number, number];
  const sign = end.slice(0, 10) >= start.slice(0, 10) ? 1 : -1;
  // timestamp_age works on the later minus the earlier, then flips the sign.
  const [ly, lm, ld, fy, fm, fd] = sign > 0 ? [ey, em, ed, sy, sm, sd] : [sy, sm, sd, ey, em, ed];
  let years = ly - fy;
  let months = lm - fm;
  let days = ld - fd;
  if (days < 0) {
    months -= 1;
    days += new Date(Date.UTC(fy, fm, 0)).getUTCDate();
  }
  if (months < 0) {
    years -= 1;
    months += 12;
  }
  return { years: sign * years, months: sign * months };
}

/** `date_part('year'|'month', age(cast(B as date), cast(A as date)))` over two date fragments. */
export function agePart(field: 'year' | 'month', end: Expr, start: Expr): Expr {
  for (const part of [end, start])
    if (part.type !== 'date') throw new SandboxGap('age() of non-dates');
  return combine('double precision', [end, start], (ctx) => {
    const [e, s] = [end.eval(ctx), start.eval(ctx)];
    if (e === null || s === null) return null;
    const { years, months } = age(String(e), String(s));
    return field === 'year' ? years : months;
  });
}

/** `extract(epoch from (B - A))` of two timestamps: seconds between them. */
export function epochBetween(end: Expr, start: Expr): Expr {
  for (const part of [end, start])
    if (part.type !== 'timestamp') throw new SandboxGap('epoch of non-timestamps');
  const seconds = (v: Value) => Date.parse(`${String(v).replace(' ', 'T')}Z`) / 1000;
  return combine('numeric', [end, start], (ctx) => {
    const [e, s] = [end.eval(ctx), start.eval(ctx)];
    return e === null || s === null ? null : seconds(e) - seconds(s);
  });
}
