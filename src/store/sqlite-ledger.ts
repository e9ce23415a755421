import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { DataValue } from '../core/data-value.ts';
import type { HeldValue, LedgerEntry, StaleValue } from '../core/reconcile.ts';
import {
  deletionFromRow,
  deletionParams,
  type IntentRow,
  intentFromRow,
  ledgerEntryFromRow,
  ledgerKeyParams,
  type ValueRow,
} from './rows.ts';
import type { Intent, LedgerStore } from './types.ts';

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

  /** Inside the caller's transaction: one statement for the batch, the rows read from JSON in SQLite. */
  private recordNow(target: string, job: string, runId: string, values: readonly DataValue[]) {
    if (values.length === 0) return;
    this.db
      .prepare(
        `INSERT INTO ledger (target, job, data_element, period, org_unit, category_option_combo, attribute_option_combo, value, run_id, written_at)
         SELECT ?, ?, ${COLUMNS}, ?, ? FROM json_each(?) WHERE true
         ON CONFLICT(target, data_element, period, org_unit, category_option_combo, attribute_option_combo)
         DO UPDATE SET value = excluded.value, run_id = excluded.run_id, written_at = excluded.written_at, job = excluded.job`,
      )
      .run(target, job, runId, new Date().toISOString(), rowsJson(values));
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
  ): Promise<string> {
    const id = randomUUID();
    // Durable before the request leaves (synchronous FULL): what is not written down here is what a
    // crash would hide from the ledger. One row per request, its values as JSON.
    this.db
      .prepare(
        'INSERT INTO ledger_intents (id, target, job, run_id, intended_values, intended_at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(id, target, job, runId, JSON.stringify(values), new Date().toISOString());
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
      this.recordNow(target, job, runId, taken);
      this.db.prepare('DELETE FROM ledger_intents WHERE id = ?').run(intent);
    });
  }

  async intents(target: string, job: string): Promise<Intent[]> {
    const rows = this.db
      .prepare(
        'SELECT id, run_id, intended_values FROM ledger_intents WHERE target = ? AND job = ?',
      )
      .all(target, job) as IntentRow[];
    return rows.map(intentFromRow);
  }

  async settle(
    target: string,
    job: string,
    intents: readonly string[],
    taken: readonly LedgerEntry[],
  ): Promise<void> {
    this.relaxed(() => {
      for (const entry of taken) this.recordNow(target, job, entry.runId, [entry]);
      const drop = this.db.prepare('DELETE FROM ledger_intents WHERE id = ?');
      for (const id of intents) drop.run(id);
    });
  }

  private relaxed(work: () => void): void {
    this.db.pragma('synchronous = NORMAL');
    try {
      this.db.transaction(work)();
    } finally {
      this.db.pragma('synchronous = FULL');
    }
  }
}

/** A value as a JSON row: its key columns (combos '' for the default) and its value. */
const rowOf = (v: DataValue) => [
  v.dataElement,
  v.period,
  v.orgUnit,
  v.categoryOptionCombo ?? '',
  v.attributeOptionCombo ?? '',
  v.value,
];
const rowsJson = (values: readonly DataValue[]) => JSON.stringify(values.map(rowOf));
const COLUMNS = [0, 1, 2, 3, 4, 5].map((i) => `json_extract(value, '$[${i}]')`).join(', ');
