import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { DataValue } from '../core/data-value.ts';
import type { HeldValue, LedgerEntry, StaleValue } from '../core/reconcile.ts';
import { applyToScopes, type ScopeRow, scopeEntries, scopesOf } from './ledger-scopes.ts';
import {
  deletionFromRow,
  deletionParams,
  type IntentRow,
  intendedValuesJson,
  intentFromRow,
  staleFromRow,
  staleParams,
  type ValueRow,
} from './rows.ts';
import type { Intent, LedgerStore } from './types.ts';

/** The ledger and the deletion record, in t2a's store. */
export class SqliteLedger implements LedgerStore {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  /**
   * A statement prepared once per store: a national run would otherwise compile thousands, whose native
   * memory stays until the garbage collector, which cannot see it, gets round to them.
   */
  private sql(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  /** Records values t2a wrote (or adopted) into a target for a job. */
  async record(
    target: string,
    job: string,
    runId: string,
    values: readonly DataValue[],
  ): Promise<void> {
    this.db.transaction(() =>
      this.write(
        target,
        job,
        values.map((value) => ({ ...value, runId })),
      ),
    )();
  }

  /** Inside the caller's transaction: the scopes the values fall in are read, changed and written whole. */
  private write(
    target: string,
    job: string | undefined,
    writes: readonly LedgerEntry[],
    forgets: readonly DataValue[] = [],
  ): void {
    if (writes.length === 0 && forgets.length === 0) return;
    const { periods, orgUnits } = scopesOf([...writes, ...forgets]);
    const rows = this.sql(
      `SELECT period, org_unit, job, entries FROM ledger_scopes
         WHERE target = ? AND period IN (SELECT value FROM json_each(?)) AND org_unit IN (SELECT value FROM json_each(?))`,
    ).all(target, JSON.stringify(periods), JSON.stringify(orgUnits)) as ScopeRow[];
    const changes = applyToScopes(rows, job, writes, forgets);
    const now = new Date().toISOString();
    const upsert = this.sql(
      `INSERT INTO ledger_scopes (target, period, org_unit, job, entries, written_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (target, period, org_unit, job) DO UPDATE SET entries = excluded.entries, written_at = excluded.written_at`,
    );
    for (const row of changes.upsert)
      upsert.run(target, row.period, row.org_unit, row.job, row.entries, now);
    const remove = this.sql(
      'DELETE FROM ledger_scopes WHERE target = ? AND period = ? AND org_unit = ? AND job = ?',
    );
    for (const row of changes.remove) remove.run(target, row.period, row.org_unit, row.job);
  }

  async forget(target: string, values: readonly DataValue[]): Promise<void> {
    this.db.transaction(() => this.write(target, undefined, [], values))();
  }

  /**
   * What t2a wrote for a job into a target in these periods: for the given org units, or whatever the org
   * unit when none are given (values of units that have since left the job).
   */
  async entries(
    target: string,
    job: string,
    periods: readonly string[],
    orgUnits?: readonly string[],
  ): Promise<LedgerEntry[]> {
    const byUnit = orgUnits ? 'AND org_unit IN (SELECT value FROM json_each(?))' : '';
    const rows = this.sql(
      `SELECT period, org_unit, job, entries FROM ledger_scopes
         WHERE target = ? AND period IN (SELECT value FROM json_each(?)) ${byUnit} AND job = ?`,
    ).all(
      target,
      JSON.stringify(periods),
      ...(orgUnits ? [JSON.stringify(orgUnits)] : []),
      job,
    ) as ScopeRow[];
    return rows.flatMap(scopeEntries);
  }

  async knownSince(
    target: string,
    job: string,
    periods: readonly string[],
    orgUnits: readonly string[],
  ): Promise<string | undefined> {
    const row = this.sql(
      `SELECT COUNT(*) AS scopes, COUNT(known_at) AS known, MIN(known_at) AS since FROM ledger_scopes
         WHERE target = ? AND period IN (SELECT value FROM json_each(?)) AND org_unit IN (SELECT value FROM json_each(?)) AND job = ?`,
    ).get(target, JSON.stringify(periods), JSON.stringify(orgUnits), job) as {
      scopes: number;
      known: number;
      since: string | null;
    };
    return row.scopes > 0 && row.known === row.scopes ? (row.since ?? undefined) : undefined;
  }

  async markKnown(
    target: string,
    job: string,
    periods: readonly string[],
    orgUnits: readonly string[],
    at: string,
  ): Promise<void> {
    // Losing this to a power cut costs a larger read next time, nothing else.
    this.relaxed(() =>
      this.sql(
        `UPDATE ledger_scopes SET known_at = ?
           WHERE target = ? AND period IN (SELECT value FROM json_each(?)) AND org_unit IN (SELECT value FROM json_each(?)) AND job = ?`,
      ).run(at, target, JSON.stringify(periods), JSON.stringify(orgUnits), job),
    );
  }

  async holdStale(target: string, job: string, stale: readonly StaleValue[]): Promise<void> {
    const insert = this.sql(
      'INSERT INTO stale_values (target, job, data_element, period, org_unit, category_option_combo, attribute_option_combo, value, stored_by, last_updated, action) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    // Found again after a crash, they are found again: losing them costs nothing.
    this.relaxed(() => {
      for (const value of stale) insert.run(...staleParams(target, job, value));
    });
  }

  async takeStale(target: string, job: string, limit: number): Promise<StaleValue[]> {
    let taken: StaleValue[] = [];
    this.relaxed(() => {
      const rows = this.sql(
        'SELECT rowid AS id, * FROM stale_values WHERE target = ? AND job = ? ORDER BY rowid LIMIT ?',
      ).all(target, job, limit) as (ValueRow & { id: number; action: string })[];
      const drop = this.sql('DELETE FROM stale_values WHERE rowid = ?');
      for (const row of rows) drop.run(row.id);
      taken = rows.map(staleFromRow);
    });
    return taken;
  }

  async dropStale(target: string, job: string): Promise<void> {
    this.relaxed(() =>
      this.sql('DELETE FROM stale_values WHERE target = ? AND job = ?').run(target, job),
    );
  }

  /** Writes down what is about to be deleted, before it is. */
  async recordDeletions(
    runId: string,
    target: string,
    stale: readonly StaleValue[],
  ): Promise<void> {
    const insert = this.sql(
      `INSERT INTO deletions (run_id, target, data_element, period, org_unit, category_option_combo, attribute_option_combo, value, stored_by, last_updated, action, recorded_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const now = new Date().toISOString();
    this.db.transaction(() => {
      for (const value of stale) {
        insert.run(...deletionParams(runId, target, value, now));
      }
    })();
  }

  /** The values a run deleted, by target, for `t2a restore`. */
  async deletions(runId: string): Promise<{ target: string; value: HeldValue }[]> {
    const rows = this.sql('SELECT * FROM deletions WHERE run_id = ?').all(runId) as ValueRow[];
    return rows.map(deletionFromRow);
  }

  async intend(
    target: string,
    job: string,
    runId: string,
    values: readonly DataValue[],
  ): Promise<string> {
    const id = randomUUID();
    // Durable before the request leaves (synchronous FULL): what is not written down here is what a
    // crash would hide from the ledger. One row per request, its values as JSON.
    this.sql(
      'INSERT INTO ledger_intents (id, target, job, run_id, intended_values, intended_at) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(id, target, job, runId, intendedValuesJson(values), new Date().toISOString());
    return id;
  }

  async confirm(
    target: string,
    job: string,
    runId: string,
    intent: string,
    taken: readonly DataValue[],
  ): Promise<void> {
    // Losing this transaction to a power cut loses nothing: the intent stays and the next run settles
    // it. So it need not wait for the disk (synchronous NORMAL; WAL keeps it whole after a crash).
    this.relaxed(() => {
      this.write(
        target,
        job,
        taken.map((value) => ({ ...value, runId })),
      );
      this.sql('DELETE FROM ledger_intents WHERE id = ?').run(intent);
    });
  }

  async intents(target: string, job: string): Promise<Intent[]> {
    const rows = this.sql(
      'SELECT id, run_id, intended_values FROM ledger_intents WHERE target = ? AND job = ?',
    ).all(target, job) as IntentRow[];
    return rows.map(intentFromRow);
  }

  async settle(
    target: string,
    job: string,
    intents: readonly string[],
    taken: readonly LedgerEntry[],
  ): Promise<void> {
    this.relaxed(() => {
      this.write(target, job, taken);
      const drop = this.sql('DELETE FROM ledger_intents WHERE id = ?');
      for (const id of intents) drop.run(id);
    });
  }

  private relaxed(work: () => void): void {
    this.sql('PRAGMA synchronous = NORMAL').run();
    try {
      this.db.transaction(work)();
    } finally {
      this.sql('PRAGMA synchronous = FULL').run();
    }
  }
}
