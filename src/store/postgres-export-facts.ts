import type pg from 'pg';
import type { ExportFacts, Place } from '../core/narrow-export.ts';
import { type ExportFactStore, placesFromRows, placeText } from './export-facts.ts';

/** Rows per INSERT: three parameters each, well under PostgreSQL's 65,535. */
const BATCH = 1000;

export class PostgresExportFacts implements ExportFactStore {
  constructor(private readonly pool: pg.Pool) {}

  async last(job: string): Promise<ExportFacts | undefined> {
    const rows = await this.pool.query<{ facts: string }>(
      'SELECT facts FROM export_facts WHERE job = $1',
      [job],
    );
    return rows.rows[0] ? (JSON.parse(rows.rows[0].facts) as ExportFacts) : undefined;
  }

  async record(job: string, runId: string, facts: ExportFacts): Promise<void> {
    await this.pool.query(
      `INSERT INTO export_facts (job, run_id, facts) VALUES ($1, $2, $3)
       ON CONFLICT (job) DO UPDATE SET run_id = excluded.run_id, facts = excluded.facts`,
      [job, runId, JSON.stringify(facts)],
    );
  }

  async places(job: string, records: readonly string[]): Promise<Map<string, Place[]>> {
    if (records.length === 0) return new Map();
    const rows = await this.pool.query<{ record: string; place: string }>(
      'SELECT record, place FROM tracker_places WHERE job = $1 AND record = ANY($2)',
      [job, records],
    );
    return placesFromRows(rows.rows);
  }

  async see(job: string, seen: ReadonlyMap<string, Place>, forget: readonly string[]) {
    if (forget.length > 0)
      await this.pool.query('DELETE FROM tracker_places WHERE job = $1 AND record = ANY($2)', [
        job,
        forget,
      ]);
    const entries = [...seen];
    for (let start = 0; start < entries.length; start += BATCH) {
      const batch = entries.slice(start, start + BATCH);
      const params = batch.flatMap(([record, place]) => [job, record, placeText(place)]);
      const rows = batch.map((_, i) => `($${i * 3 + 1}, $${i * 3 + 2}, $${i * 3 + 3})`);
      await this.pool.query(
        `INSERT INTO tracker_places (job, record, place) VALUES ${rows.join(', ')} ON CONFLICT DO NOTHING`,
        params,
      );
    }
  }
}
