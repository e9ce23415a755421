import { order } from './evaluate.ts';
import {
  type Expr,
  isInteger,
  isNumeric,
  pgName,
  SqlStaticError,
  type SqlType,
  type Value,
} from './sql-types.ts';

/**
 * PostgreSQL's aggregates, as the analytics query applies them: the indicator's aggregation type
 * around its expression (`AbstractJdbcEventAnalyticsManager.getAggregateClause`: `avg(…)`, `sum(…)`,
 * `count(…)`, …) or the vector functions of a CUSTOM expression (`VectorAvg`… `VectorCount` with
 * `distinct`, `VectorStddevSamp` as `stddev_samp`). NULLs are skipped; no value gives NULL (count 0).
 */
export type AggregateName =
  | 'avg'
  | 'sum'
  | 'count'
  | 'min'
  | 'max'
  | 'stddev'
  | 'stddev_samp'
  | 'variance';

function resultType(name: AggregateName, arg: SqlType): SqlType {
  const fail = () =>
    arg === 'unknown'
      ? new SqlStaticError('42725', `function ${name}(unknown) is not unique`)
      : new SqlStaticError('42883', `function ${name}(${pgName(arg)}) does not exist`);
  switch (name) {
    case 'count':
      return 'bigint';
    case 'min':
    case 'max':
      if (arg === 'boolean' || arg === 'unknown' || arg.endsWith('[]')) throw fail();
      return arg;
    case 'sum':
      if (!isNumeric(arg)) throw fail();
      return arg === 'integer' ? 'bigint' : arg === 'double precision' ? arg : 'numeric';
    default:
      if (!isNumeric(arg)) throw fail();
      return isInteger(arg) || arg === 'numeric' ? 'numeric' : 'double precision';
  }
}

function sampleVariance(values: readonly number[]): number | null {
  if (values.length < 2) return null;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1);
}

function fold(name: AggregateName, values: readonly Value[]): Value {
  if (name === 'count') return values.length;
  if (values.length === 0) return null;
  if (name === 'min' || name === 'max')
    return values.reduce((best, v) =>
      (name === 'max' ? order(v, best) > 0 : order(v, best) < 0) ? v : best,
    );
  const numbers = values.map(Number);
  const sum = numbers.reduce((a, b) => a + b, 0);
  if (name === 'sum') return sum;
  if (name === 'avg') return sum / numbers.length;
  const variance = sampleVariance(numbers);
  if (variance === null) return null;
  return name === 'variance' ? variance : Math.sqrt(variance);
}

/** `name([distinct] arg)` over the group's rows. */
export function aggregate(name: AggregateName, arg: Expr, distinctKeyword = false): Expr {
  if (arg.level === 'agg' || arg.level === 'mixed')
    throw new SqlStaticError('42803', 'aggregate function calls cannot be nested');
  if (distinctKeyword && arg.distinct)
    throw new SqlStaticError('42601', 'syntax error at or near "distinct"');
  const distinct = distinctKeyword || arg.distinct === true;
  const type = resultType(name, arg.type);
  return {
    type,
    level: 'agg',
    ...(distinct ? { distinctArgument: arg } : {}),
    eval: (ctx) => {
      const values: Value[] = [];
      const seen = new Set<string>();
      for (const row of ctx.rows ?? []) {
        const value = arg.eval({ env: ctx.env, row });
        if (value === null) continue;
        if (distinct) {
          const key = JSON.stringify(value);
          if (seen.has(key)) continue;
          seen.add(key);
        }
        values.push(value);
      }
      return fold(name, values);
    },
  };
}
