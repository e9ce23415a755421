import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { DataValue } from '../core/data-value.ts';
import type { HeldValue, LedgerEntry, StaleValue } from '../core/reconcile.ts';
import {
  blankCombo as blank,
  deletionFromRow,
  deletionParams,
  type IntentRow,
  intentFromRow,
  ledgerEntryFromRow,
  ledgerKeyParams,
  type ValueRow,
} from './rows.ts';
import type { Intent, LedgerStore } from './types.ts';

/** The ledger, the deletion record and the intents, on PostgreSQL. */
export class PostgresLedger implements LedgerStore {
  constructor(private readonly pool: pg.Pool) {}

  async record(
    target: string,
    job: string,
    runId: string,
    values: readonly DataValue[],
  ): Promise<void> {
    await this.upsert(this.pool, target, job, runId, values);
  }

  private async upsert(
    db: Queryable,
    target: string,
    job: string,
    runId: string,
    values: readonly DataValue[],
  ): Promise<void> {
    await insertValues(db, LEDGER, [target, job, runId], values);
  }

  async forget(target: string, values: readonly DataValue[]): Promise<void> {
    for (const v of values) {
      await this.pool.query(
        'DELETE FROM ledger WHERE target = $1 AND data_element = $2 AND period = $3 AND org_unit = $4 AND category_option_combo = $5 AND attribute_option_combo = $6',
        ledgerKeyParams(target, v),
      );
    }
  }

  async entries(
    target: string,
    job: string,
    periods: readonly string[],
    orgUnits?: readonly string[],
  ): Promise<LedgerEntry[]> {
    const rows = (
      await this.pool.query<Record<string, string>>(
        `SELECT * FROM ledger WHERE target = $1 AND job = $2 AND period = ANY($3::text[]) ${orgUnits ? 'AND org_unit = ANY($4::text[])' : ''}`,
        [target, job, [...periods], ...(orgUnits ? [[...orgUnits]] : [])],
      )
    ).rows;
    return rows.map((row) => ledgerEntryFromRow(row as unknown as ValueRow));
  }

  async recordDeletions(
    runId: string,
    target: string,
    stale: readonly StaleValue[],
  ): Promise<void> {
    const now = new Date().toISOString();
    for (const value of stale) {
      await this.pool.query(
        `INSERT INTO deletions (run_id, target, data_element, period, org_unit, category_option_combo, attribute_option_combo, value, stored_by, last_updated, action, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        deletionParams(runId, target, value, now),
      );
    }
  }

  async deletions(runId: string): Promise<{ target: string; value: HeldValue }[]> {
    const rows = (
      await this.pool.query<Record<string, string | null>>(
        'SELECT * FROM deletions WHERE run_id = $1',
        [runId],
      )
    ).rows;
    return rows.map((row) => deletionFromRow(row as unknown as ValueRow));
  }

  async intend(
    target: string,
    job: string,
    runId: string,
    values: readonly DataValue[],
  ): Promise<string> {
    const id = randomUUID();
    await this.pool.query(
      'INSERT INTO ledger_intents (id, target, job, run_id, intended_values, intended_at) VALUES ($1, $2, $3, $4, $5, $6)',
      [id, target, job, runId, JSON.stringify(values), new Date().toISOString()],
    );
    return id;
  }

  async confirm(
    target: string,
    job: string,
    runId: string,
    intent: string,
    taken: readonly DataValue[],
  ): Promise<void> {
    await this.transaction(async (db) => {
      await this.upsert(db, target, job, runId, taken);
      await db.query('DELETE FROM ledger_intents WHERE id = $1', [intent]);
    });
  }

  async intents(target: string, job: string): Promise<Intent[]> {
    const rows = (
      await this.pool.query<IntentRow>(
        'SELECT id, run_id, intended_values FROM ledger_intents WHERE target = $1 AND job = $2',
        [target, job],
      )
    ).rows;
    return rows.map(intentFromRow);
  }

  async settle(
    target: string,
    job: string,
    intents: readonly string[],
    taken: readonly LedgerEntry[],
  ): Promise<void> {
    await this.transaction(async (db) => {
      for (const entry of taken) await this.upsert(db, target, job, entry.runId, [entry]);
      await db.query('DELETE FROM ledger_intents WHERE id = ANY($1::text[])', [[...intents]]);
    });
  }

  private async transaction(work: (db: Queryable) => Promise<void>): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await work(client);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }
}

type Queryable = Pick<pg.Pool, 'query'>;

/** Where a batch of values goes: the ledger (upsert on the value's key) or the intents (per run). */
interface ValueTable {
  readonly table: string;
  readonly timeColumn: string;
  readonly conflict: string;
  readonly update: string;
}

const LEDGER: ValueTable = {
  table: 'ledger',
  timeColumn: 'written_at',
  conflict: 'target, data_element, period, org_unit, category_option_combo, attribute_option_combo',
  update:
    'value = excluded.value, run_id = excluded.run_id, written_at = excluded.written_at, job = excluded.job',
};

/** One statement per batch: the columns unnested, upserted on the table's key. */
async function insertValues(
  db: Queryable,
  into: ValueTable,
  [target, job, runId]: readonly [string, string, string],
  values: readonly DataValue[],
): Promise<void> {
  if (values.length === 0) return;
  await db.query(
    `INSERT INTO ${into.table} (target, job, data_element, period, org_unit, category_option_combo, attribute_option_combo, value, run_id, ${into.timeColumn})
     SELECT $1, $2, d, p, o, c, a, v, $3, $4 FROM unnest($5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[]) AS t(d, p, o, c, a, v)
     ON CONFLICT (${into.conflict}) DO UPDATE SET ${into.update}`,
    [target, job, runId, new Date().toISOString(), ...valueColumns(values)],
  );
}

/** The value columns of a batch, as arrays for `unnest`. */
function valueColumns(values: readonly DataValue[]): string[][] {
  const column = (pick: (v: DataValue) => string) => values.map(pick);
  return [
    column((v) => v.dataElement),
    column((v) => v.period),
    column((v) => v.orgUnit),
    column((v) => blank(v.categoryOptionCombo)),
    column((v) => blank(v.attributeOptionCombo)),
    column((v) => v.value),
  ];
}
