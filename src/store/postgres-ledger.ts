import { randomUUID } from 'node:crypto';
import type pg from 'pg';
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

/** The ledger, the deletion record and the intents, on PostgreSQL. */
export class PostgresLedger implements LedgerStore {
  constructor(private readonly pool: pg.Pool) {}

  async record(
    target: string,
    job: string,
    runId: string,
    values: readonly DataValue[],
  ): Promise<void> {
    await this.transaction((db) =>
      writeScopes(
        db,
        target,
        job,
        values.map((value) => ({ ...value, runId })),
      ),
    );
  }

  async forget(target: string, values: readonly DataValue[]): Promise<void> {
    await this.transaction((db) => writeScopes(db, target, undefined, [], values));
  }

  async entries(
    target: string,
    job: string,
    periods: readonly string[],
    orgUnits?: readonly string[],
  ): Promise<LedgerEntry[]> {
    const rows = (
      await this.pool.query<ScopeRow>(
        `SELECT period, org_unit, job, entries FROM ledger_scopes
         WHERE target = $1 AND job = $2 AND period = ANY($3::text[]) ${orgUnits ? 'AND org_unit = ANY($4::text[])' : ''}`,
        [target, job, [...periods], ...(orgUnits ? [[...orgUnits]] : [])],
      )
    ).rows;
    return rows.flatMap(scopeEntries);
  }

  async knownSince(
    target: string,
    job: string,
    periods: readonly string[],
    orgUnits: readonly string[],
  ): Promise<string | undefined> {
    const row = (
      await this.pool.query<{ scopes: string; known: string; since: string | null }>(
        `SELECT COUNT(*) AS scopes, COUNT(known_at) AS known, MIN(known_at) AS since FROM ledger_scopes
         WHERE target = $1 AND job = $2 AND period = ANY($3::text[]) AND org_unit = ANY($4::text[])`,
        [target, job, [...periods], [...orgUnits]],
      )
    ).rows[0]!;
    const scopes = Number(row.scopes);
    return scopes > 0 && Number(row.known) === scopes ? (row.since ?? undefined) : undefined;
  }

  async markKnown(
    target: string,
    job: string,
    periods: readonly string[],
    orgUnits: readonly string[],
    at: string,
  ): Promise<void> {
    await this.pool.query(
      `UPDATE ledger_scopes SET known_at = $1
       WHERE target = $2 AND job = $3 AND period = ANY($4::text[]) AND org_unit = ANY($5::text[])`,
      [at, target, job, [...periods], [...orgUnits]],
    );
  }

  async holdStale(target: string, job: string, stale: readonly StaleValue[]): Promise<void> {
    if (stale.length === 0) return;
    const rows = stale.map((value) => staleParams(target, job, value));
    const column = (index: number) => rows.map((row) => row[index] ?? null);
    await this.pool.query(
      `INSERT INTO stale_values (target, job, data_element, period, org_unit, category_option_combo, attribute_option_combo, value, stored_by, last_updated, action)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])`,
      Array.from({ length: 11 }, (_, index) => column(index)),
    );
  }

  async takeStale(target: string, job: string, limit: number): Promise<StaleValue[]> {
    const rows = (
      await this.pool.query<ValueRow & { action: string }>(
        `DELETE FROM stale_values WHERE ctid IN (
           SELECT ctid FROM stale_values WHERE target = $1 AND job = $2 LIMIT $3 FOR UPDATE SKIP LOCKED)
         RETURNING *`,
        [target, job, limit],
      )
    ).rows;
    return rows.map(staleFromRow);
  }

  async dropStale(target: string, job: string): Promise<void> {
    await this.pool.query('DELETE FROM stale_values WHERE target = $1 AND job = $2', [target, job]);
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
      await this.pool.query<ValueRow>('SELECT * FROM deletions WHERE run_id = $1', [runId])
    ).rows;
    return rows.map(deletionFromRow);
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
      [id, target, job, runId, intendedValuesJson(values), new Date().toISOString()],
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
      await writeScopes(
        db,
        target,
        job,
        taken.map((value) => ({ ...value, runId })),
      );
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
      await writeScopes(db, target, job, taken);
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

/**
 * Reads the scopes the values fall in (locked against other replicas until the transaction ends), changes
 * them and writes them whole.
 */
async function writeScopes(
  db: Queryable,
  target: string,
  job: string | undefined,
  writes: readonly LedgerEntry[],
  forgets: readonly DataValue[] = [],
): Promise<void> {
  if (writes.length === 0 && forgets.length === 0) return;
  const { periods, orgUnits } = scopesOf([...writes, ...forgets]);
  const rows = (
    await db.query<ScopeRow>(
      `SELECT period, org_unit, job, entries FROM ledger_scopes
       WHERE target = $1 AND period = ANY($2::text[]) AND org_unit = ANY($3::text[]) FOR UPDATE`,
      [target, periods, orgUnits],
    )
  ).rows;
  const changes = applyToScopes(rows, job, writes, forgets);
  if (changes.upsert.length > 0) {
    const column = (pick: (row: ScopeRow) => string) => changes.upsert.map(pick);
    await db.query(
      `INSERT INTO ledger_scopes (target, period, org_unit, job, entries, written_at)
       SELECT $1, p, o, j, e, $2 FROM unnest($3::text[], $4::text[], $5::text[], $6::text[]) AS t(p, o, j, e)
       ON CONFLICT (target, period, org_unit, job) DO UPDATE SET entries = excluded.entries, written_at = excluded.written_at`,
      [
        target,
        new Date().toISOString(),
        column((row) => row.period),
        column((row) => row.org_unit),
        column((row) => row.job),
        column((row) => row.entries),
      ],
    );
  }
  if (changes.remove.length > 0) {
    await db.query(
      `DELETE FROM ledger_scopes AS l USING unnest($2::text[], $3::text[], $4::text[]) AS t(p, o, j)
       WHERE l.target = $1 AND l.period = t.p AND l.org_unit = t.o AND l.job = t.j`,
      [
        target,
        changes.remove.map((row) => row.period),
        changes.remove.map((row) => row.org_unit),
        changes.remove.map((row) => row.job),
      ],
    );
  }
}
