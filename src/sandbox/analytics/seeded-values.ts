import type { SandboxContext } from '../context.ts';

/** A pre-aggregated value put straight into the analytics tables (benchmarks, large fixtures). */
export interface SeededAnalyticsValue {
  /** A program indicator UID. */
  readonly dx: string;
  /** An ISO period id. */
  readonly period: string;
  /** The org unit the value was counted at, usually a facility. */
  readonly orgUnit: string;
  readonly value: number;
}

/** Bulk insert into `analytics_values`, in one transaction; returns how many rows were written. */
export function seedAnalyticsValues(
  ctx: SandboxContext,
  rows: Iterable<SeededAnalyticsValue>,
): number {
  const insert = ctx.db.prepare(
    'INSERT INTO analytics_values (dx, period, org_unit, value) VALUES (?, ?, ?, ?)',
  );
  let count = 0;
  ctx.db.transaction(() => {
    for (const row of rows) {
      insert.run(row.dx, row.period, row.orgUnit, row.value);
      count += 1;
    }
  })();
  return count;
}

/** The indicators among `dx` that have seeded values: those are served from `analytics_values`. */
export function seededIndicators(ctx: SandboxContext, dx: readonly string[]): Set<string> {
  if (dx.length === 0) return new Set();
  // One index seek per indicator: a DISTINCT over the table would read every seeded row each request.
  const rows = ctx.db
    .prepare(
      'SELECT value AS dx FROM json_each(?) WHERE EXISTS (SELECT 1 FROM analytics_values WHERE analytics_values.dx = json_each.value)',
    )
    .all(JSON.stringify(dx)) as { dx: string }[];
  return new Set(rows.map((row) => row.dx));
}

/**
 * Seeded values for a request, summed up the hierarchy to each requested org unit from the units in
 * its subtree: one indexed query (dx, period, org_unit) for all indicators. Keys are
 * `dx|period|orgUnit`.
 */
export function seededValues(
  ctx: SandboxContext,
  dx: readonly string[],
  periods: readonly string[],
  orgUnits: readonly string[],
): Map<string, number> {
  const result = new Map<string, number>();
  if (dx.length === 0) return result;
  const requestedAbove = new Map<string, string[]>();
  for (const orgUnit of orgUnits) {
    for (const unit of ctx.orgUnits.subtree(orgUnit)) {
      const list = requestedAbove.get(unit);
      if (list) list.push(orgUnit);
      else requestedAbove.set(unit, [orgUnit]);
    }
  }
  const rows = ctx.db
    .prepare(
      `SELECT dx, period, org_unit, value FROM analytics_values
       WHERE dx IN (SELECT value FROM json_each(?))
         AND period IN (SELECT value FROM json_each(?))
         AND org_unit IN (SELECT value FROM json_each(?))`,
    )
    .all(
      JSON.stringify(dx),
      JSON.stringify(periods),
      JSON.stringify([...requestedAbove.keys()]),
    ) as { dx: string; period: string; org_unit: string; value: number }[];
  for (const row of rows) {
    for (const orgUnit of requestedAbove.get(row.org_unit) ?? []) {
      const key = `${row.dx}|${row.period}|${orgUnit}`;
      result.set(key, (result.get(key) ?? 0) + row.value);
    }
  }
  return result;
}
