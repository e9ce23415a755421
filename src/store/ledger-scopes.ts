import type { DataValue } from '../core/data-value.ts';
import type { LedgerEntry } from '../core/reconcile.ts';

/**
 * The ledger keeps one row per (target, period, org unit, job): the values t2a wrote there, as JSON. A
 * national run writes a few hundred thousand such rows instead of millions of value rows, each with its
 * own index entries; a chunk reads and writes its scopes whole.
 */
export interface ScopeRow {
  readonly period: string;
  readonly org_unit: string;
  readonly job: string;
  /** JSON: `[dataElement, categoryOptionCombo, attributeOptionCombo, value, runId][]`, combos '' for the default. */
  readonly entries: string;
}

type Entry = [string, string, string, string, string];

const optional = (value: string) => (value === '' ? undefined : value);

/** The ledger entries of a scope row. */
export function scopeEntries(row: ScopeRow): LedgerEntry[] {
  return (JSON.parse(row.entries) as Entry[]).map(([de, coc, aoc, value, runId]) => ({
    dataElement: de,
    period: row.period,
    orgUnit: row.org_unit,
    categoryOptionCombo: optional(coc),
    attributeOptionCombo: optional(aoc),
    value,
    runId,
  }));
}

/** What a write does to the stored scope rows: rows to write whole, and rows left empty to drop. */
export interface ScopeChanges {
  readonly upsert: ScopeRow[];
  readonly remove: Omit<ScopeRow, 'entries'>[];
}

// Within a scope a value is known by its data element and combos (codes never hold NUL).
const keyOf = (value: DataValue) =>
  `${value.dataElement}\u0000${value.categoryOptionCombo ?? ''}\u0000${value.attributeOptionCombo ?? ''}`;

/** The (period, org unit) scopes values fall in, for reading their rows before a write. */
export function scopesOf(values: readonly Pick<DataValue, 'period' | 'orgUnit'>[]): {
  periods: string[];
  orgUnits: string[];
} {
  return {
    periods: [...new Set(values.map((value) => value.period))],
    orgUnits: [...new Set(values.map((value) => value.orgUnit))],
  };
}

/**
 * Applies written and forgotten values to the rows of their scopes (every job's rows there). A value
 * belongs to one job at a time, as in DHIS2 a key holds one value: writing it for `job` takes it out of
 * other jobs' rows, so a job never clears a value another job wrote since. Forgetting drops it whatever
 * the job. Only rows that changed come back.
 */
export function applyToScopes(
  rows: readonly ScopeRow[],
  job: string | undefined,
  writes: readonly LedgerEntry[],
  forgets: readonly DataValue[] = [],
): ScopeChanges {
  // Scopes by period, then org unit, then job: a national run applies a million values here, and
  // nested maps spare building a string key per value for each lookup.
  const scopes = new Map<string, Map<string, Map<string, Scope>>>();
  const dirty = new Set<Scope>();
  const jobsOf = (period: string, orgUnit: string) => {
    let units = scopes.get(period);
    if (!units) {
      units = new Map();
      scopes.set(period, units);
    }
    let jobs = units.get(orgUnit);
    if (!jobs) {
      jobs = new Map();
      units.set(orgUnit, jobs);
    }
    return jobs;
  };
  for (const row of rows) {
    const entries = new Map<string, Entry>();
    for (const entry of JSON.parse(row.entries) as Entry[])
      entries.set(`${entry[0]}\u0000${entry[1]}\u0000${entry[2]}`, entry);
    jobsOf(row.period, row.org_unit).set(row.job, {
      row: { period: row.period, org_unit: row.org_unit, job: row.job },
      entries,
    });
  }
  for (const value of forgets) {
    const key = keyOf(value);
    for (const scope of jobsOf(value.period, value.orgUnit).values())
      if (scope.entries.delete(key)) dirty.add(scope);
  }
  if (writes.length > 0 && job === undefined)
    throw new Error('ledger writes need the job they belong to');
  for (const value of writes) {
    const key = keyOf(value);
    const jobs = jobsOf(value.period, value.orgUnit);
    let own: Scope | undefined;
    for (const [name, scope] of jobs) {
      if (name === job) own = scope;
      else if (scope.entries.delete(key)) dirty.add(scope);
    }
    if (!own) {
      own = {
        row: { period: value.period, org_unit: value.orgUnit, job: job! },
        entries: new Map(),
      };
      jobs.set(job!, own);
    }
    own.entries.set(key, [
      value.dataElement,
      value.categoryOptionCombo ?? '',
      value.attributeOptionCombo ?? '',
      value.value,
      value.runId,
    ]);
    dirty.add(own);
  }
  const changes: ScopeChanges = { upsert: [], remove: [] };
  for (const scope of dirty) {
    if (scope.entries.size === 0) changes.remove.push(scope.row);
    else
      changes.upsert.push({ ...scope.row, entries: JSON.stringify([...scope.entries.values()]) });
  }
  return changes;
}

/** One job's row of a scope, as it is being changed. */
interface Scope {
  readonly row: Omit<ScopeRow, 'entries'>;
  readonly entries: Map<string, Entry>;
}
