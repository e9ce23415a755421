import type { DataValue } from '../core/data-value.ts';
import type { Notification } from '../core/notification.ts';
import type { HeldValue, LedgerEntry, StaleValue } from '../core/reconcile.ts';
import type { JobReport } from '../core/report.ts';

/** A job run as the history keeps it. Never holds a secret: reports carry none. */
export interface RunRecord {
  readonly id: string;
  readonly job: string;
  readonly trigger: 'manual' | 'schedule';
  readonly status: 'running' | 'success' | 'conflicts' | 'failed' | 'abandoned';
  readonly startedAt: string;
  readonly finishedAt: string | undefined;
  readonly periods: readonly string[];
  readonly dryRun: boolean;
  readonly t2aVersion: string;
  readonly sourceVersion: string | undefined;
  readonly targetVersions: readonly string[];
  readonly counts: {
    exported: number;
    sent: number;
    imported: number;
    updated: number;
    ignored: number;
    deleted: number;
    withheld: number;
    conflicted: number;
  };
  readonly error: string | undefined;
  readonly report: JobReport | undefined;
}

export interface LockHolder {
  readonly runId: string;
  readonly holder: string;
  readonly acquiredAt: string;
}

export interface RunQuery {
  readonly job?: string | undefined;
  readonly last?: number | undefined;
}

export interface NewRun {
  readonly id: string;
  readonly job: string;
  readonly trigger: RunRecord['trigger'];
  readonly startedAt: string;
  readonly dryRun: boolean;
  readonly t2aVersion: string;
}

/** A run refused before it started: another run held the job's lock. */
export interface RefusedRun {
  readonly id: string;
  readonly job: string;
  readonly trigger: RunRecord['trigger'];
  readonly t2aVersion: string;
  readonly reason: string;
}

/** The ledger and the deletion record: every value t2a wrote, and every value it deleted. */
export interface LedgerStore {
  record(target: string, job: string, runId: string, values: readonly DataValue[]): Promise<void>;
  forget(target: string, values: readonly DataValue[]): Promise<void>;
  entries(
    target: string,
    job: string,
    periods: readonly string[],
    orgUnits?: readonly string[],
  ): Promise<LedgerEntry[]>;
  recordDeletions(runId: string, target: string, stale: readonly StaleValue[]): Promise<void>;
  deletions(runId: string): Promise<{ target: string; value: HeldValue }[]>;
}

/**
 * t2a's store: run history, the one-run-per-job lock and the ledger, on SQLite (one machine) or
 * PostgreSQL (several replicas of `t2a serve`, or one Kubernetes CronJob per job, sharing them).
 */
export interface T2aStore {
  readonly ledger: LedgerStore;
  schemaVersion(): Promise<number>;
  close(): Promise<void>;
  acquireLock(job: string, runId: string, holder: string): Promise<boolean>;
  releaseLock(job: string, runId: string): Promise<void>;
  lockHolder(job: string): Promise<LockHolder | undefined>;
  startRun(run: NewRun): Promise<void>;
  recordRefused(run: RefusedRun): Promise<void>;
  finishRun(
    id: string,
    status: RunRecord['status'],
    report: JobReport | undefined,
    error?: string,
  ): Promise<void>;
  runs(query?: RunQuery): Promise<RunRecord[]>;
  /** Holds a notification for the daily digest. */
  holdNotification(notification: Notification): Promise<void>;
  /** Takes every held notification out, oldest first. */
  takeNotifications(): Promise<Notification[]>;
  run(id: string): Promise<RunRecord | undefined>;
}
