import type { SqlType, Value } from './sql-types.ts';

/**
 * What makes PostgreSQL fail DHIS2's analytics query while it runs: a division by zero (22012), text a
 * cast cannot read (22P02, 22007), a logarithm of zero (2201E). Class 22: analytics answers E7132
 * "Expression violation" (`AnalyticsUtils.withExceptionHandling`), or 500 before 2.38.5.
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

/** PostgreSQL's text output of a value of a type (`x::text`). */
export function toText(value: Value, type: SqlType): string | null {
  if (value === null) return null;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return `{${value.join(',')}}`;
  if (typeof value === 'number' && type === 'numeric' && Number.isInteger(value))
    return String(value);
  return String(value);
}

/** A runtime cast of text to a number, date or timestamp, failing as PostgreSQL does on bad input. */
export function parseOrFail(
  text: string,
  type: SqlType,
  read: (t: string) => Value | undefined,
): Value {
  const value = read(text);
  if (value === undefined) {
    const state = type === 'date' || type === 'timestamp' ? '22007' : '22P02';
    throw new SqlError(state, `invalid input syntax for type ${type}: "${text}"`);
  }
  return value;
}

const collator = new Intl.Collator('en-US');

/** PostgreSQL's ordering of two non-null values of one category (text by the database's collation). */
export function order(a: Value, b: Value): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const x = String(a);
  const y = String(b);
  if (x === y) return 0;
  if (/^\d{4}-\d{2}-\d{2}/.test(x) && /^\d{4}-\d{2}-\d{2}/.test(y))
    return x.padEnd(19, x.length === 10 ? ' 00:00:00' : '0') <
      y.padEnd(19, y.length === 10 ? ' 00:00:00' : '0')
      ? -1
      : 1;
  return collator.compare(x, y) || (x < y ? -1 : 1);
}
