import type pg from 'pg';
import {
  RUN_VALUE_COLUMNS,
  type RunValue,
  type RunValueRow,
  type RunValueStore,
  runValueFromRow,
  runValueParams,
} from './run-values.ts';

/** Rows per INSERT: ten parameters each, well under PostgreSQL's 65,535. */
const BATCH = 1000;

export class PostgresRunValues implements RunValueStore {
  constructor(private readonly pool: pg.Pool) {}

  async record(runId: string, values: readonly RunValue[]): Promise<void> {
    for (let start = 0; start < values.length; start += BATCH) {
      const batch = values.slice(start, start + BATCH);
      const params = batch.flatMap((value) => runValueParams(runId, value));
      const rows = batch.map(
        (_, row) => `(${Array.from({ length: 10 }, (_, i) => `$${row * 10 + i + 1}`).join(', ')})`,
      );
      await this.pool.query(
        `INSERT INTO run_values (${RUN_VALUE_COLUMNS}) VALUES ${rows.join(', ')}`,
        params,
      );
    }
  }

  async list(runId: string): Promise<RunValue[]> {
    // ctid order is insertion order for an append-only table that is never updated.
    const rows = await this.pool.query<RunValueRow>(
      'SELECT * FROM run_values WHERE run_id = $1 ORDER BY ctid',
      [runId],
    );
    return rows.rows.map(runValueFromRow);
  }
}
