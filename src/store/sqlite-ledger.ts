import type Database from 'better-sqlite3';
import type { DataValue } from '../core/data-value.ts';
import type { HeldValue, LedgerEntry, StaleValue } from '../core/reconcile.ts';
import {
  deletionFromRow,
  deletionParams,
  ledgerEntryFromRow,
  ledgerKeyParams,
  type ValueRow,
  valueRowParams,
} from './rows.ts';
import type { LedgerStore } from './types.ts';

interface LedgerRow {
  data_element: string;
  period: string;
  org_unit: string;
  category_option_combo: string;
  attribute_option_combo: string;
  value: string;
  run_id: string;
}

/** The ledger and the deletion record, in t2a's store. */
export class SqliteLedger implements LedgerStore {
  constructor(private readonly db: Database.Database) {}

  /** Records values t2a wrote (or adopted) into a target for a job. */
  async record(
    target: string,
    job: string,
    runId: string,
    values: readonly DataValue[],
  ): Promise<void> {
    this.db.transaction(() => this.recordNow(target, job, runId, values))();
  }

  /** Inside the caller's transaction. */
  private recordNow(target: string, job: string, runId: string, values: readonly DataValue[]) {
    const insert = this.db.prepare(
      `INSERT INTO ledger (target, job, data_element, period, org_unit, category_option_combo, attribute_option_combo, value, run_id, written_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(target, data_element, period, org_unit, category_option_combo, attribute_option_combo)
       DO UPDATE SET value = excluded.value, run_id = excluded.run_id, written_at = excluded.written_at, job = excluded.job`,
    );
    const now = new Date().toISOString();
    for (const v of values) insert.run(...valueRowParams(target, job, v), runId, now);
  }

  async forget(target: string, values: readonly DataValue[]): Promise<void> {
    const remove = this.db.prepare(
      'DELETE FROM ledger WHERE target = ? AND data_element = ? AND period = ? AND org_unit = ? AND category_option_combo = ? AND attribute_option_combo = ?',
    );
    this.db.transaction(() => {
      for (const v of values) remove.run(...ledgerKeyParams(target, v));
    })();
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
    const rows = this.db
      .prepare(
        `SELECT * FROM ledger WHERE target = ? AND job = ? AND period IN (SELECT value FROM json_each(?)) ${byUnit}`,
      )
      .all(
        target,
        job,
        JSON.stringify(periods),
        ...(orgUnits ? [JSON.stringify(orgUnits)] : []),
      ) as LedgerRow[];
    return rows.map((row) => ledgerEntryFromRow(row as unknown as ValueRow));
  }

  /** Writes down what is about to be deleted, before it is. */
  async recordDeletions(
    runId: string,
    target: string,
    stale: readonly StaleValue[],
  ): Promise<void> {
    const insert = this.db.prepare(
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
    const rows = this.db
      .prepare('SELECT * FROM deletions WHERE run_id = ?')
      .all(runId) as (LedgerRow & {
      target: string;
      stored_by: string | null;
      last_updated: string | null;
    })[];
    return rows.map((row) => deletionFromRow(row as unknown as ValueRow));
  }

  async intend(
    target: string,
    job: string,
    runId: string,
    values: readonly DataValue[],
  ): Promise<void> {
    const insert = this.db.prepare(
      `INSERT INTO ledger_intents (target, job, data_element, period, org_unit, category_option_combo, attribute_option_combo, value, run_id, intended_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(target, run_id, data_element, period, org_unit, category_option_combo, attribute_option_combo)
       DO UPDATE SET value = excluded.value, intended_at = excluded.intended_at`,
    );
    const now = new Date().toISOString();
    this.db.transaction(() => {
      for (const v of values) insert.run(...valueRowParams(target, job, v), runId, now);
    })();
  }

  async confirm(
    target: string,
    job: string,
    runId: string,
    sent: readonly DataValue[],
    taken: readonly DataValue[],
  ): Promise<void> {
    this.db.transaction(() => {
      this.recordNow(target, job, runId, taken);
      this.dropIntents(
        target,
        sent.map((value) => ({ ...value, runId })),
      );
    })();
  }

  async intents(target: string, job: string): Promise<LedgerEntry[]> {
    const rows = this.db
      .prepare('SELECT * FROM ledger_intents WHERE target = ? AND job = ?')
      .all(target, job) as LedgerRow[];
    return rows.map((row) => ledgerEntryFromRow(row as unknown as ValueRow));
  }

  async settle(
    target: string,
    job: string,
    intents: readonly LedgerEntry[],
    taken: readonly LedgerEntry[],
  ): Promise<void> {
    this.db.transaction(() => {
      for (const entry of taken) this.recordNow(target, job, entry.runId, [entry]);
      this.dropIntents(target, intents);
    })();
  }

  private dropIntents(target: string, intents: readonly LedgerEntry[]) {
    const drop = this.db.prepare(
      'DELETE FROM ledger_intents WHERE target = ? AND data_element = ? AND period = ? AND org_unit = ? AND category_option_combo = ? AND attribute_option_combo = ? AND run_id = ?',
    );
    for (const entry of intents) drop.run(...ledgerKeyParams(target, entry), entry.runId);
  }
}
