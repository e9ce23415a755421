import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { T2aError } from '../core/errors.ts';
import type { Notification } from '../core/notification.ts';
import { type JobReport, summarise } from '../core/report.ts';
import { readStatus } from '../core/vocabulary.ts';
import { migrationFiles } from './migration-files.ts';
import { finishRunParams } from './rows.ts';
import { SqliteExportFacts } from './sqlite-export-facts.ts';
import { SqliteLedger } from './sqlite-ledger.ts';
import { SqliteRunValues } from './sqlite-run-values.ts';
import type {
  HeldNotification,
  LockHolder,
  RefusedRun,
  RunQuery,
  RunRecord,
  T2aStore,
} from './types.ts';

export type { RunRecord } from './types.ts';

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);

/**
 * t2a's embedded store (SQLite): run history and the one-run-per-job lock. Migrations are numbered SQL
 * files applied in order and tracked with `PRAGMA user_version`.
 */
export class SqliteStore implements T2aStore {
  private readonly db: Database.Database;
  /** Every value t2a wrote, and every value it deleted. */
  readonly ledger: SqliteLedger;
  readonly runValues: SqliteRunValues;
  readonly exports: SqliteExportFacts;

  constructor(readonly path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    try {
      this.db = new Database(path);
    } catch (error) {
      throw new T2aError(
        'config',
        `Cannot open the t2a store ${path}: ${(error as Error).message}.`,
        {
          fix: 'Check the store path in the configuration and that t2a may write there.',
        },
      );
    }
    this.db.pragma('journal_mode = WAL');
    // Every commit waits for the disk, unless a transaction says losing it costs nothing (the ledger's
    // confirmations: their intents stay until they are on disk).
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.migrate();
    this.ledger = new SqliteLedger(this.db);
    this.runValues = new SqliteRunValues(this.db);
    this.exports = new SqliteExportFacts(this.db);
  }

  private migrate(): void {
    const current = this.db.pragma('user_version', { simple: true }) as number;
    for (const { file, version } of migrationFiles(MIGRATIONS_DIR, 'sqlite')) {
      if (version <= current) continue;
      this.db.transaction(() => {
        this.db.exec(readFileSync(new URL(file, MIGRATIONS_DIR), 'utf8'));
        this.db.pragma(`user_version = ${version}`);
      })();
    }
  }

  async schemaVersion(): Promise<number> {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  async close(): Promise<void> {
    this.db.close();
  }

  /** Takes the job's lock; false when another run holds it. */
  async acquireLock(job: string, runId: string, holder: string): Promise<boolean> {
    const now = new Date().toISOString();
    const result = this.db
      .prepare(
        'INSERT INTO job_locks (job, run_id, holder, acquired_at, renewed_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(job) DO NOTHING',
      )
      .run(job, runId, holder, now, now);
    return result.changes === 1;
  }

  async renewLock(job: string, runId: string): Promise<boolean> {
    const result = this.db
      .prepare('UPDATE job_locks SET renewed_at = ? WHERE job = ? AND run_id = ?')
      .run(new Date().toISOString(), job, runId);
    return result.changes === 1;
  }

  async takeOverLock(
    job: string,
    staleRunId: string,
    runId: string,
    holder: string,
  ): Promise<boolean> {
    const now = new Date().toISOString();
    const result = this.db
      .prepare(
        'UPDATE job_locks SET run_id = ?, holder = ?, acquired_at = ?, renewed_at = ? WHERE job = ? AND run_id = ?',
      )
      .run(runId, holder, now, now, job, staleRunId);
    return result.changes === 1;
  }

  async releaseLock(job: string, runId: string): Promise<void> {
    this.db.prepare('DELETE FROM job_locks WHERE job = ? AND run_id = ?').run(job, runId);
  }

  async lockHolder(job: string): Promise<LockHolder | undefined> {
    const row = this.db.prepare('SELECT * FROM job_locks WHERE job = ?').get(job) as
      | LockRow
      | undefined;
    return row ? lockHolderFromRow(row) : undefined;
  }

  async startRun(run: {
    id: string;
    job: string;
    trigger: RunRecord['trigger'];
    startedAt: string;
    dryRun: boolean;
    t2aVersion: string;
  }): Promise<void> {
    this.db
      .prepare(
        'INSERT INTO runs (id, job, trigger, status, started_at, dry_run, t2a_version) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        run.id,
        run.job,
        run.trigger,
        'running',
        run.startedAt,
        run.dryRun ? 1 : 0,
        run.t2aVersion,
      );
  }

  /** Records a run refused before it started (another run held the lock). */
  async recordRefused(run: RefusedRun): Promise<void> {
    const now = new Date().toISOString();
    this.db
      .prepare(
        'INSERT INTO runs (id, job, trigger, status, started_at, finished_at, t2a_version, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(run.id, run.job, run.trigger, run.status, now, now, run.t2aVersion, run.reason);
  }

  async finishRun(
    id: string,
    status: RunRecord['status'],
    report: JobReport | undefined,
    error?: string,
  ): Promise<void> {
    const totals = runTotals(report);
    this.db
      .prepare(
        `UPDATE runs SET status = ?, finished_at = ?, periods = ?, source_version = ?, target_versions = ?, exported = ?, sent = ?,
         imported = ?, updated = ?, ignored = ?, deleted = ?, withheld = ?, conflicted = ?, error = ?, report = ? WHERE id = ?`,
      )
      .run(...finishRunParams(id, status, report, totals, error));
  }

  async runs(options: RunQuery = {}): Promise<RunRecord[]> {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (options.job) {
      where.push('job = ?');
      params.push(options.job);
    }
    if (options.idPrefix) {
      where.push('substr(id, 1, ?) = ?');
      params.push(options.idPrefix.length, options.idPrefix);
    }
    const rows = this.db
      .prepare(
        `SELECT * FROM runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY started_at DESC, id DESC LIMIT ?`,
      )
      .all(...params, options.last ?? 20) as Row[];
    return rows.map(toRecord);
  }

  async holdNotification(n: Notification): Promise<void> {
    this.db
      .prepare(
        'INSERT INTO pending_notifications (id, job, run_id, outcome, subject, text, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        pendingId(),
        n.job,
        n.runId ?? null,
        n.outcome,
        n.subject,
        n.text,
        new Date().toISOString(),
      );
  }

  async claimNotifications(): Promise<HeldNotification[]> {
    const now = new Date();
    return this.db.transaction(() => {
      const rows = this.db
        .prepare(
          'SELECT * FROM pending_notifications WHERE claimed_at IS NULL OR claimed_at < ? ORDER BY id',
        )
        .all(claimExpiry(now)) as PendingRow[];
      const claim = this.db.prepare('UPDATE pending_notifications SET claimed_at = ? WHERE id = ?');
      for (const row of rows) claim.run(now.toISOString(), row.id);
      return rows.map(heldFromRow);
    })();
  }

  async releaseNotifications(ids: readonly string[], sent: boolean): Promise<void> {
    const release = this.db.prepare(
      sent
        ? 'DELETE FROM pending_notifications WHERE id = ?'
        : 'UPDATE pending_notifications SET claimed_at = NULL WHERE id = ?',
    );
    this.db.transaction(() => {
      for (const id of ids) release.run(id);
    })();
  }

  async run(id: string): Promise<RunRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ? OR id LIKE ?').get(id, `%${id}`) as
      | Row
      | undefined;
    return row ? toRecord(row) : undefined;
  }

  async recordStarter(runId: string, user: string): Promise<void> {
    this.db.prepare('INSERT INTO run_starters (run_id, started_by) VALUES (?, ?)').run(runId, user);
  }

  async starters(runIds: readonly string[]): Promise<Map<string, string>> {
    if (runIds.length === 0) return new Map();
    const rows = this.db
      .prepare(
        `SELECT run_id, started_by FROM run_starters WHERE run_id IN (${runIds.map(() => '?').join(', ')})`,
      )
      .all(...runIds) as StarterRow[];
    return new Map(rows.map((row) => [row.run_id, row.started_by]));
  }
}

export interface StarterRow {
  run_id: string;
  started_by: string;
}

/** A run's counts from its report: exported once per job, the rest summed over its targets. */
export function runTotals(report: JobReport | undefined): RunRecord['counts'] {
  const { exported, sent, imported, updated, ignored, deleted, withheld, conflicted } = summarise(
    report ? [report] : [],
  ).totals;
  return { exported, sent, imported, updated, ignored, deleted, withheld, conflicted };
}

export interface PendingRow {
  id: string;
  job: string;
  run_id: string | null;
  outcome: Notification['outcome'];
  subject: string;
  text: string;
}

let pendingSeq = 0;
/** Held notifications sort by id: time, then the order this process held them in. */
export const pendingId = () =>
  `${new Date().toISOString()}-${String(++pendingSeq).padStart(8, '0')}-${randomBytes(3).toString('hex')}`;

export const heldFromRow = (row: PendingRow): HeldNotification => ({
  id: row.id,
  notification: {
    job: row.job,
    runId: row.run_id ?? undefined,
    outcome: row.outcome,
    subject: row.subject,
    text: row.text,
  },
});

/** A claim older than this was made by a process that died before it could release it. */
export const claimExpiry = (now: Date) => new Date(now.getTime() - 3_600_000).toISOString();

export interface LockRow {
  run_id: string;
  holder: string;
  acquired_at: string;
  renewed_at: string | null;
}

export const lockHolderFromRow = (row: LockRow): LockHolder => ({
  runId: row.run_id,
  holder: row.holder,
  acquiredAt: row.acquired_at,
  renewedAt: row.renewed_at ?? row.acquired_at,
});

export interface Row {
  id: string;
  job: string;
  trigger: RunRecord['trigger'];
  status: string;
  started_at: string;
  finished_at: string | null;
  periods: string;
  dry_run: number;
  t2a_version: string;
  source_version: string | null;
  target_versions: string;
  exported: number;
  sent: number;
  imported: number;
  updated: number;
  ignored: number;
  deleted: number;
  withheld: number;
  conflicted: number;
  error: string | null;
  report: string | null;
}

export function toRecord(row: Row): RunRecord {
  return {
    id: row.id,
    job: row.job,
    trigger: row.trigger,
    status: readStatus(row.status),
    startedAt: row.started_at,
    finishedAt: row.finished_at ?? undefined,
    periods: JSON.parse(row.periods) as string[],
    dryRun: row.dry_run === 1,
    t2aVersion: row.t2a_version,
    sourceVersion: row.source_version ?? undefined,
    targetVersions: JSON.parse(row.target_versions) as string[],
    counts: {
      exported: row.exported,
      sent: row.sent,
      imported: row.imported,
      updated: row.updated,
      ignored: row.ignored,
      deleted: row.deleted,
      withheld: row.withheld,
      conflicted: row.conflicted,
    },
    error: row.error ?? undefined,
    report: row.report ? (JSON.parse(row.report) as JobReport) : undefined,
  };
}
