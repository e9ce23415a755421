import type { AnalyticsRow, RelationshipCounter, ReportingPeriod } from '../types.ts';
import type { EventWindow } from './boundaries.ts';

/**
 * PostgreSQL's view of the SQL DHIS2 generates for a program indicator: every fragment has a type, and
 * PostgreSQL refuses at parse time what its operator and function resolution cannot match (class 42:
 * 42883 "operator does not exist", 42804 datatype mismatch, 42803 grouping) or a literal its type cannot
 * read (class 22: 22P02, 22007). Analytics answers the first with E7145, the second with E7132.
 */
export type SqlType =
  | 'integer'
  | 'bigint'
  | 'numeric'
  | 'double precision'
  | 'text'
  | 'unknown'
  | 'boolean'
  | 'date'
  | 'timestamp'
  | 'text[]'
  | 'numeric[]';

export type Value = number | string | boolean | null | readonly string[] | readonly number[];

/** What a row-level fragment reads: the analytics row and the query's period, boundaries and clock. */
export interface EvalEnv {
  readonly period: ReportingPeriod;
  /** `DateUtils.getLongDate()` of the server when the SQL was generated: `yyyy-MM-dd HH:mm:ss`. */
  readonly now: string;
  /** The indicator's EVENT_DATE boundaries for the period, bounding the enrollment sub-queries. */
  readonly window: EventWindow;
  readonly relationshipCount?: RelationshipCounter | undefined;
}

export interface EvalCtx {
  readonly env: EvalEnv;
  /** The row a row-level fragment reads. */
  readonly row?: AnalyticsRow;
  /** The group an aggregate reads. */
  readonly rows?: readonly AnalyticsRow[];
  /** The outer query's context, for a correlated sub-query's references to `ax`. */
  readonly outer?: EvalCtx;
}

/** Where a fragment may stand: constant, per row, an aggregate over the group, or an invalid mix. */
export type Level = 'const' | 'row' | 'agg' | 'mixed';

export interface Expr {
  readonly type: SqlType;
  readonly level: Level;
  readonly eval: (ctx: EvalCtx) => Value;
  /** An untyped string literal's text (`'abc'`), read by the type it meets. */
  readonly literal?: string;
  /** A literal known only at run time (`V{analytics_period_start}`): a text of its form, to check it. */
  readonly sample?: string;
  readonly nullLiteral?: boolean;
  /** `distinct pi`: only valid as the whole argument of an aggregate (`count(distinct pi)`). */
  readonly distinct?: boolean;
  /** An aggregate over distinct values (`count(distinct pi)`): the argument whose values it dedupes. */
  readonly distinctArgument?: Expr;
  /** The first column it reads outside an aggregate, for PostgreSQL's grouping error. */
  readonly column?: string;
}

/** PostgreSQL refuses the statement before running it (parse analysis). */
export class SqlStaticError extends Error {
  readonly type = 'sql-static';
  constructor(
    readonly sqlState: string,
    message: string,
  ) {
    super(message);
  }
}

/** SQL the sandbox does not model (interval arithmetic, …): the indicator is listed as unsupported. */
export class SandboxGap extends Error {
  readonly type = 'sandbox-gap';
}

export const NUMERIC_TYPES: readonly SqlType[] = [
  'integer',
  'bigint',
  'numeric',
  'double precision',
];
export const isNumeric = (type: SqlType) => NUMERIC_TYPES.includes(type);
export const isInteger = (type: SqlType) => type === 'integer' || type === 'bigint';

type Category = 'numeric' | 'string' | 'boolean' | 'datetime' | 'array' | 'unknown';

export function category(type: SqlType): Category {
  if (isNumeric(type)) return 'numeric';
  if (type === 'text') return 'string';
  if (type === 'boolean') return 'boolean';
  if (type === 'date' || type === 'timestamp') return 'datetime';
  if (type.endsWith('[]')) return 'array';
  return 'unknown';
}

/** The type's name in PostgreSQL's messages. */
export function pgName(type: SqlType): string {
  return type === 'timestamp' ? 'timestamp without time zone' : type;
}

/** The wider of two types of one category (PostgreSQL's implicit casts: integer → bigint → numeric → double). */
function wider(a: SqlType, b: SqlType): SqlType {
  if (isNumeric(a) && isNumeric(b))
    return NUMERIC_TYPES.indexOf(a) >= NUMERIC_TYPES.indexOf(b) ? a : b;
  if (category(a) === 'datetime' && category(b) === 'datetime')
    return a === 'timestamp' || b === 'timestamp' ? 'timestamp' : 'date';
  return a;
}

/**
 * `select_common_type`: all untyped → text; else the first typed input's category must be everyone's
 * ("CASE types integer and text cannot be matched", 42804); the widest of them wins.
 */
export function commonType(exprs: readonly Expr[], context: string): SqlType {
  let common: SqlType | undefined;
  for (const expr of exprs) {
    if (expr.type === 'unknown') continue;
    if (!common) common = expr.type;
    else if (category(common) !== category(expr.type))
      throw new SqlStaticError(
        '42804',
        `${context} types ${pgName(common)} and ${pgName(expr.type)} cannot be matched`,
      );
    else common = wider(common, expr.type);
  }
  return common ?? 'text';
}

const NUMBER_SYNTAX = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;
const DATE_SYNTAX =
  /^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*$/;

/** PostgreSQL's input function of a type: the value, or undefined when the text is not one. */
export function readText(text: string, type: SqlType): Value | undefined {
  if (isNumeric(type)) {
    if (isInteger(type)) return /^\s*[+-]?\d+\s*$/.test(text) ? Number(text) : undefined;
    return NUMBER_SYNTAX.test(text) ? Number(text) : undefined;
  }
  if (type === 'boolean') {
    const word = text.trim().toLowerCase();
    if (word === '') return undefined;
    if (['t', 'tr', 'tru', 'true', 'y', 'ye', 'yes', 'on', '1'].includes(word)) return true;
    if (['f', 'fa', 'fal', 'fals', 'false', 'n', 'no', 'of', 'off', '0'].includes(word))
      return false;
    return undefined;
  }
  if (type === 'date' || type === 'timestamp') {
    const match = DATE_SYNTAX.exec(text);
    if (!match) return undefined;
    const [, y, m, d, hh = '0', mm = '00', ss = '00'] = match;
    const time = Date.UTC(Number(y), Number(m) - 1, Number(d));
    const check = new Date(time);
    if (check.getUTCMonth() !== Number(m) - 1 || check.getUTCDate() !== Number(d)) return undefined;
    const day = `${y}-${m!.padStart(2, '0')}-${d!.padStart(2, '0')}`;
    return type === 'date' ? day : `${day} ${hh.padStart(2, '0')}:${mm}:${ss}`;
  }
  return text;
}

/** The error PostgreSQL raises for text its type cannot read (22P02, dates 22007). */
export function inputError(text: string, type: SqlType): SqlStaticError {
  const state = type === 'date' || type === 'timestamp' ? '22007' : '22P02';
  return new SqlStaticError(state, `invalid input syntax for type ${type}: "${text}"`);
}

/** An untyped literal (or NULL) read as `type`, as PostgreSQL does at parse time; others unchanged. */
export function coerce(expr: Expr, type: SqlType): Expr {
  if (expr.type !== 'unknown') return expr;
  if (expr.nullLiteral) return { ...expr, type };
  if (type === 'unknown' || type === 'text') return { ...expr, type: 'text' };
  if (type.endsWith('[]')) throw new SandboxGap(`an untyped literal read as ${type}`);
  const text = expr.literal;
  if (text === undefined) {
    // A literal known only when the query runs (V{analytics_period_start}): checked on its form, read then.
    if (expr.sample !== undefined && readText(expr.sample, type) === undefined)
      throw inputError(expr.sample, type);
    const read = expr.eval;
    return {
      ...expr,
      type,
      eval: (ctx) => {
        const raw = read(ctx);
        return raw === null ? null : (readText(String(raw), type) ?? null);
      },
    };
  }
  const value = readText(text, type);
  if (value === undefined) throw inputError(text, type);
  return { type, level: 'const', eval: () => value };
}

/** A constant fragment. */
export function constant(type: SqlType, value: Value, extra: Partial<Expr> = {}): Expr {
  return { type, level: 'const', eval: () => value, ...extra };
}

/** The level of a fragment made of parts: a column outside any aggregate next to one is a mix. */
function levelOf(parts: readonly Expr[]): Level {
  const levels = new Set(parts.map((p) => p.level));
  if (levels.has('mixed') || (levels.has('row') && levels.has('agg'))) return 'mixed';
  if (levels.has('agg')) return 'agg';
  return levels.has('row') ? 'row' : 'const';
}

function columnOf(parts: readonly Expr[]): string | undefined {
  return parts.find((p) => p.column !== undefined)?.column;
}

/** A fragment combining parts (their level and first column carried over). */
export function combine(
  type: SqlType,
  parts: readonly Expr[],
  evaluate: (ctx: EvalCtx) => Value,
): Expr {
  for (const part of parts)
    if (part.distinct) throw new SqlStaticError('42601', 'syntax error at or near "distinct"');
  const column = columnOf(parts);
  return { type, level: levelOf(parts), eval: evaluate, ...(column ? { column } : {}) };
}
