import { readFileSync } from 'node:fs';
import pg from 'pg';
import { T2aError } from '../core/errors.ts';
import type { Notification } from '../core/notification.ts';
import type { JobReport } from '../core/report.ts';
import { migrationFiles } from './migration-files.ts';
import { PostgresExportFacts } from './postgres-export-facts.ts';
import { PostgresLedger } from './postgres-ledger.ts';
import { PostgresRunValues } from './postgres-run-values.ts';
import { finishRunParams } from './rows.ts';
import {
  claimExpiry,
  heldFromRow,
  type LockRow,
  lockHolderFromRow,
  type PendingRow,
  pendingId,
  type Row,
  runTotals,
  type StarterRow,
  toRecord,
} from './sqlite-store.ts';
import type {
  HeldNotification,
  LedgerStore,
  LockHolder,
  NewRun,
  RefusedRun,
  RunQuery,
  RunRecord,
  T2aStore,
} from './types.ts';

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);

/**
 * The store on PostgreSQL (`store: postgres://…`), so that several `t2a serve` replicas or one Kubernetes
 * CronJob per job share the history, the ledger and the one-run-per-job lock. The migrations are the same
 * numbered SQL files as on SQLite (plain SQL both accept), tracked in `t2a_schema`.
 */
export class PostgresStore implements T2aStore {
  readonly ledger: LedgerStore;
  readonly runValues: PostgresRunValues;
  readonly exports: PostgresExportFacts;

  private constructor(private readonly pool: pg.Pool) {
    this.ledger = new PostgresLedger(pool);
    this.runValues = new PostgresRunValues(pool);
    this.exports = new PostgresExportFacts(pool);
  }

  static async open(url: string): Promise<PostgresStore> {
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    try {
      await pool.query('SELECT 1');
    } catch (error) {
      await pool.end();
      throw new T2aError(
        'config',
        `Cannot reach the t2a store at ${url.replace(/:[^:@/]*@/, ':***@')}: ${(error as Error).message}.`,
        {
          fix: 'Check the PostgreSQL URL (host, port, database, user) and that the server is up.',
        },
      );
    }
    const store = new PostgresStore(pool);
    await store.migrate();
    return store;
  }

  private async migrate(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // One migrating process at a time, whatever the number of replicas starting together.
      await client.query('SELECT pg_advisory_xact_lock(724224)');
      await client.query('CREATE TABLE IF NOT EXISTS t2a_schema (version INTEGER NOT NULL)');
      const current =
        (await client.query<{ v: number | null }>('SELECT MAX(version) AS v FROM t2a_schema'))
          .rows[0]?.v ?? 0;
      for (const { file, version } of migrationFiles(MIGRATIONS_DIR, 'postgres')) {
        if (version <= current) continue;
        await client.query(readFileSync(new URL(file, MIGRATIONS_DIR), 'utf8'));
        await client.query('INSERT INTO t2a_schema (version) VALUES ($1)', [version]);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }

  async schemaVersion(): Promise<number> {
    return (
      (await this.pool.query<{ v: number }>('SELECT MAX(version) AS v FROM t2a_schema')).rows[0]
        ?.v ?? 0
    );
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  async acquireLock(job: string, runId: string, holder: string): Promise<boolean> {
    const now = new Date().toISOString();
    const result = await this.pool.query(
      'INSERT INTO job_locks (job, run_id, holder, acquired_at, renewed_at) VALUES ($1, $2, $3, $4, $4) ON CONFLICT (job) DO NOTHING',
      [job, runId, holder, now],
    );
    return result.rowCount === 1;
  }

  async renewLock(job: string, runId: string): Promise<boolean> {
    const result = await this.pool.query(
      'UPDATE job_locks SET renewed_at = $1 WHERE job = $2 AND run_id = $3',
      [new Date().toISOString(), job, runId],
    );
    return result.rowCount === 1;
  }

  async takeOverLock(
    job: string,
    staleRunId: string,
    runId: string,
    holder: string,
  ): Promise<boolean> {
    const result = await this.pool.query(
      'UPDATE job_locks SET run_id = $1, holder = $2, acquired_at = $3, renewed_at = $3 WHERE job = $4 AND run_id = $5',
      [runId, holder, new Date().toISOString(), job, staleRunId],
    );
    return result.rowCount === 1;
  }

  async releaseLock(job: string, runId: string): Promise<void> {
    await this.pool.query('DELETE FROM job_locks WHERE job = $1 AND run_id = $2', [job, runId]);
  }

  async lockHolder(job: string): Promise<LockHolder | undefined> {
    const row = (await this.pool.query<LockRow>('SELECT * FROM job_locks WHERE job = $1', [job]))
      .rows[0];
    return row ? lockHolderFromRow(row) : undefined;
  }

  async startRun(run: NewRun): Promise<void> {
    await this.pool.query(
      'INSERT INTO runs (id, job, trigger, status, started_at, dry_run, t2a_version) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [run.id, run.job, run.trigger, 'running', run.startedAt, run.dryRun ? 1 : 0, run.t2aVersion],
    );
  }

  async recordRefused(run: RefusedRun): Promise<void> {
    const now = new Date().toISOString();
    await this.pool.query(
      'INSERT INTO runs (id, job, trigger, status, started_at, finished_at, t2a_version, error) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
      [run.id, run.job, run.trigger, run.status, now, now, run.t2aVersion, run.reason],
    );
  }

  async finishRun(
    id: string,
    status: RunRecord['status'],
    report: JobReport | undefined,
    error?: string,
  ): Promise<void> {
    const t = runTotals(report);
    await this.pool.query(
      `UPDATE runs SET status = $1, finished_at = $2, periods = $3, source_version = $4, target_versions = $5, exported = $6, sent = $7,
       imported = $8, updated = $9, ignored = $10, deleted = $11, withheld = $12, conflicted = $13, error = $14, report = $15 WHERE id = $16`,
      finishRunParams(id, status, report, t, error),
    );
  }

  async runs(query: RunQuery = {}): Promise<RunRecord[]> {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (query.job) {
      params.push(query.job);
      where.push(`job = $${params.length}`);
    }
    if (query.idPrefix) {
      params.push(query.idPrefix.length, query.idPrefix);
      where.push(`substr(id, 1, $${params.length - 1}) = $${params.length}`);
    }
    params.push(query.last ?? 20);
    const rows = await this.pool.query<Row>(
      `SELECT * FROM runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY started_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.rows.map(toRecord);
  }

  async holdNotification(n: Notification): Promise<void> {
    await this.pool.query(
      'INSERT INTO pending_notifications (id, job, run_id, outcome, subject, text, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [pendingId(), n.job, n.runId ?? null, n.outcome, n.subject, n.text, new Date().toISOString()],
    );
  }

  async claimNotifications(): Promise<HeldNotification[]> {
    // One UPDATE … RETURNING claims them: two replicas never send one digest twice.
    const now = new Date();
    const rows = (
      await this.pool.query<PendingRow & { created_at: string }>(
        'UPDATE pending_notifications SET claimed_at = $1 WHERE claimed_at IS NULL OR claimed_at < $2 RETURNING *',
        [now.toISOString(), claimExpiry(now)],
      )
    ).rows;
    return rows.sort((a, b) => a.id.localeCompare(b.id)).map(heldFromRow);
  }

  async releaseNotifications(ids: readonly string[], sent: boolean): Promise<void> {
    await this.pool.query(
      sent
        ? 'DELETE FROM pending_notifications WHERE id = ANY($1::text[])'
        : 'UPDATE pending_notifications SET claimed_at = NULL WHERE id = ANY($1::text[])',
      [[...ids]],
    );
  }

  async run(id: string): Promise<RunRecord | undefined> {
    const row = (
      await this.pool.query<Row>('SELECT * FROM runs WHERE id = $1 OR id LIKE $2 LIMIT 1', [
        id,
        `%${id}`,
      ])
    ).rows[0];
    return row ? toRecord(row) : undefined;
  }

  async recordStarter(runId: string, user: string): Promise<void> {
    await this.pool.query('INSERT INTO run_starters (run_id, started_by) VALUES ($1, $2)', [
      runId,
      user,
    ]);
  }

  async starters(runIds: readonly string[]): Promise<Map<string, string>> {
    const rows = await this.pool.query<StarterRow>(
      'SELECT run_id, started_by FROM run_starters WHERE run_id = ANY($1::text[])',
      [[...runIds]],
    );
    return new Map(rows.rows.map((row) => [row.run_id, row.started_by]));
  }
}
