import type Database from 'better-sqlite3';
import type { ExportFacts, Place } from '../core/narrow-export.ts';
import { type ExportFactStore, placesFromRows, placeText } from './export-facts.ts';

/** Records per lookup: well under SQLite's 32,766 parameters. */
const BATCH = 500;

export class SqliteExportFacts implements ExportFactStore {
  constructor(private readonly db: Database.Database) {}

  async last(job: string): Promise<ExportFacts | undefined> {
    const row = this.db.prepare('SELECT facts FROM export_facts WHERE job = ?').get(job) as
      | { facts: string }
      | undefined;
    return row ? (JSON.parse(row.facts) as ExportFacts) : undefined;
  }

  async record(job: string, runId: string, facts: ExportFacts): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO export_facts (job, run_id, facts) VALUES (?, ?, ?)
         ON CONFLICT (job) DO UPDATE SET run_id = excluded.run_id, facts = excluded.facts`,
      )
      .run(job, runId, JSON.stringify(facts));
  }

  async places(job: string, records: readonly string[]): Promise<Map<string, Place[]>> {
    const rows: { record: string; place: string }[] = [];
    for (let start = 0; start < records.length; start += BATCH) {
      const batch = records.slice(start, start + BATCH);
      rows.push(
        ...(this.db
          .prepare(
            `SELECT record, place FROM tracker_places WHERE job = ? AND record IN (${batch.map(() => '?').join(', ')})`,
          )
          .all(job, ...batch) as { record: string; place: string }[]),
      );
    }
    return placesFromRows(rows);
  }

  async see(job: string, seen: ReadonlyMap<string, Place>, forget: readonly string[]) {
    const drop = this.db.prepare('DELETE FROM tracker_places WHERE job = ? AND record = ?');
    const add = this.db.prepare(
      'INSERT OR IGNORE INTO tracker_places (job, record, place) VALUES (?, ?, ?)',
    );
    this.db.transaction(() => {
      for (const record of forget) drop.run(job, record);
      for (const [record, place] of seen) add.run(job, record, placeText(place));
    })();
  }
}
