import type Database from 'better-sqlite3';
import {
  RUN_VALUE_COLUMNS,
  type RunValue,
  type RunValueRow,
  type RunValueStore,
  runValueFromRow,
  runValueParams,
} from './run-values.ts';

export class SqliteRunValues implements RunValueStore {
  constructor(private readonly db: Database.Database) {}

  async record(runId: string, values: readonly RunValue[]): Promise<void> {
    if (values.length === 0) return;
    const insert = this.db.prepare(
      `INSERT INTO run_values (${RUN_VALUE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.db.transaction(() => {
      for (const value of values) insert.run(...runValueParams(runId, value));
    })();
  }

  async list(runId: string): Promise<RunValue[]> {
    const rows = this.db
      .prepare('SELECT * FROM run_values WHERE run_id = ? ORDER BY rowid')
      .all(runId) as RunValueRow[];
    return rows.map(runValueFromRow);
  }
}
